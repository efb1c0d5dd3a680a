# Sourced by scripts/demo.sh and scripts/test.sh: installs the Debian
# packages given that are missing (apt-get, non-interactive), and nothing
# else; a second run finds them all and does nothing.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$(basename "$0"): installing ${missing[*]}"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What building and running callhist need: the C libraries' headers and
# pkg-config files (SQLite, libcurl, libpq), and pkg-config itself.
build_packages=(pkg-config libsqlite3-dev libcurl4-openssl-dev libpq-dev)
