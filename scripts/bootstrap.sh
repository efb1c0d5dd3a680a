#!/usr/bin/env bash
# Sets up a fresh Debian machine for callhist and builds the release binaries,
# standalone: the Swift runtime and Foundation are linked in statically, so
# .build/release/callhist needs only Debian's C libraries (README, "Install
# on a server"). Every script builds release binaries the same way.
# Idempotent and non-interactive: packages already present are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build needs: the C libraries (headers + pkg-config files) and pkg-config.
# Test and benchmark needs: sqlite3 (the CLI, as an independent reader),
# wrk and hyperfine (load and timing), GNU time (peak memory), python3 (test
# helpers: the soak's reader, an HTTPS server) and openssl (its certificate).
# Packaging and its tests: dpkg-deb (dpkg), man (man-db), file.
packages=(pkg-config libsqlite3-dev libcurl4-openssl-dev sqlite3 wrk hyperfine time man-db dpkg file python3 openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The standalone release binaries, their man pages and completions, and the
# packages under dist/ (the tests install and run them).
scripts/package.sh
echo "bootstrap: built $(swift build -c release --static-swift-stdlib --show-bin-path)/callhist"
