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
# Packaging and its tests: dpkg-deb (dpkg), man (man-db), file. The HTML
# report's tests: chromium (headless, offline). The Datasette export's test:
# python3-venv (a virtualenv for Datasette, below). The PostgreSQL backend:
# libpq-dev to build, Debian's PostgreSQL 15 server (postgresql) for the
# tests' throwaway cluster (scripts/pg-cluster.sh; no system service is used).
packages=(pkg-config libsqlite3-dev libcurl4-openssl-dev libpq-dev postgresql sqlite3 wrk hyperfine time man-db dpkg file python3 python3-venv openssl chromium)
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

# Datasette, from PyPI, in a virtualenv of the project's own: the test of
# `callhist export datasette-metadata` loads an archive in it.
if ! .build/datasette/bin/python -c "import datasette" 2>/dev/null; then
  echo "bootstrap: installing Datasette into .build/datasette"
  mkdir -p .build
  python3 -m venv .build/datasette
  .build/datasette/bin/pip install --quiet --disable-pip-version-check "datasette==0.65.5"
fi

# The standalone release binaries, their man pages and completions, and the
# packages under dist/ (the tests install and run them).
scripts/package.sh
echo "bootstrap: built $(swift build -c release --static-swift-stdlib --show-bin-path)/callhist"
