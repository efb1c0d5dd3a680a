#!/usr/bin/env bash
# Installs (or with --uninstall removes) a nightly `callhist archive` for the
# current user: a crontab line marked "# callhist-nightly", a wrapper script
# that runs the archive under flock with credentials from an env file (mode
# 600, never on a command line) and appends timestamped output to a log.
# Re-running replaces the line; it never duplicates it. Each --config-dir is
# its own installation: installing or removing one leaves the others alone.
# Every path is written absolute (cron runs jobs from $HOME), and the job
# runs under umask 077 (the log and the archive are private). See docs/cron.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/install-cron.sh [--time HH:MM] [--db PATH] [--ids FILE] [--metrics-file PATH]
                               [--callhist PATH] [--config-dir DIR] [--log PATH] [-- EXTRA ARCHIVE OPTIONS…]
       scripts/install-cron.sh --uninstall [--config-dir DIR]
Credentials are taken from FUSE_EMAIL / FUSE_DEVELOPER_KEY (and FUSE_BASE_URL)
if set now, and written to CONFIG_DIR/env with mode 600; otherwise edit that file.
USAGE
}

time_of_day=02:30
config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/callhist"
db="${XDG_DATA_HOME:-$HOME/.local/share}/callhist/callhist.sqlite"
log=
ids=
metrics=
callhist=
uninstall=false
no_crontab=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_of_day=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --ids) ids=$2; shift 2 ;;
    --metrics-file) metrics=$2; shift 2 ;;
    --callhist) callhist=$2; shift 2 ;;
    --config-dir) config_dir=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --uninstall) uninstall=true; shift ;;
    --no-crontab) no_crontab=true; shift ;;  # the wrapper and env file only (scripts/install-systemd.sh)
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "install-cron: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
done
# Cron reads the job from $HOME: a relative path given here must mean what it meant here.
absolute() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
config_dir=$(absolute "$config_dir")
db=$(absolute "$db")
[ -n "$ids" ] && [ "$ids" != - ] && ids=$(absolute "$ids")
[ -n "$metrics" ] && metrics=$(absolute "$metrics")
[ -n "$log" ] && log=$(absolute "$log")
for i in "${!extra[@]}"; do
  case "${extra[$i]}" in
    --ids|--netrc-file|--metrics-file|--db)
      next=$((i + 1))
      [ "$next" -lt "${#extra[@]}" ] && [ "${extra[$next]}" != - ] && extra[$next]=$(absolute "${extra[$next]}") ;;
  esac
done

# One marker per installation, ending the line: another --config-dir's line never matches.
# cron turns an unescaped % into a newline: the marker is stored escaped, and matched so.
marker=$(printf '%s' "# callhist-nightly $config_dir" | sed 's/%/\\%/g')
$no_crontab || command -v crontab >/dev/null || { echo "install-cron: crontab not found (Debian: apt-get install cron)" >&2; exit 69; }

current=$($no_crontab || crontab -l 2>/dev/null || true)
without=$(printf '%s\n' "$current" | M="$marker" awk '{ m = ENVIRON["M"]; n = length(m); if (length($0) >= n && substr($0, length($0) - n + 1) == m) next; print }' | sed '/^$/d' || true)
if $uninstall; then
  if [ -n "$without" ]; then printf '%s\n' "$without" | crontab -; else crontab -r 2>/dev/null || true; fi
  rm -f "$config_dir/nightly.sh"
  echo "install-cron: removed the nightly archive (kept $config_dir/env, the log and the archive)"
  exit 0
fi

[[ "$time_of_day" =~ ^([01]?[0-9]|2[0-3]):([0-5][0-9])$ ]] || { echo "install-cron: --time wants HH:MM, got $time_of_day" >&2; exit 64; }
hour=$((10#${BASH_REMATCH[1]})); minute=$((10#${BASH_REMATCH[2]}))
if [ -z "$callhist" ]; then
  callhist=$(command -v callhist || true)
  [ -n "$callhist" ] || callhist="$(cd "$(dirname "$0")/.." && pwd)/.build/release/callhist"
fi
[ -x "$callhist" ] || { echo "install-cron: no callhist binary at $callhist (build it with scripts/bootstrap.sh, or pass --callhist)" >&2; exit 78; }
callhist=$(cd "$(dirname "$callhist")" && pwd)/$(basename "$callhist")
[ -n "$log" ] || log="$(dirname "$db")/callhist.log"
mkdir -p "$config_dir" "$(dirname "$db")" "$(dirname "$log")"

env_file="$config_dir/env"
if [ ! -f "$env_file" ]; then
  (
    umask 077
    {
      echo "# Credentials for the nightly callhist archive. Keep this file mode 600."
      printf 'FUSE_EMAIL=%q\n' "${FUSE_EMAIL:-you@example.com}"
      printf 'FUSE_DEVELOPER_KEY=%q\n' "${FUSE_DEVELOPER_KEY:-put-your-developer-key-here}"
      # An if, not `[ … ] && …`: under set -e a false test as the block's
      # last command ended the installer silently, halfway (issue 31).
      if [ -n "${FUSE_BASE_URL:-}" ]; then printf 'FUSE_BASE_URL=%q\n' "$FUSE_BASE_URL"; fi
    } >"$env_file"
  )
  [ -n "${FUSE_DEVELOPER_KEY:-}" ] || echo "install-cron: edit $env_file and put your Fuse login and developer key there"
fi
chmod 600 "$env_file"

args=(archive --db "$db" --progress never)
[ -n "$ids" ] && args+=(--ids "$ids")
[ -n "$metrics" ] && args+=(--metrics-file "$metrics")
args+=("${extra[@]}")
wrapper="$config_dir/nightly.sh"
{
  echo '#!/usr/bin/env bash'
  echo '# Written by scripts/install-cron.sh: the nightly callhist archive.'
  echo 'set -uo pipefail'
  echo '# The archive, its -wal/-shm, the metrics file and the log are private to this user.'
  echo 'umask 077'
  echo "set -a; . $(printf '%q' "$env_file"); set +a"
  printf 'log=%q\n' "$log"
  printf 'lock=%q\n' "$db.cron.lock"
  printf 'cmd=(%s)\n' "$(printf '%q ' "$callhist" "${args[@]}")"
  cat <<'BODY'
# A stop (systemd's SIGTERM to the whole unit, or Ctrl-C) is callhist's to
# handle: it finishes cleanly and exits 75. This script and its log pipe
# ignore it, so the log gets callhist's last lines and the exit line.
# (callhist puts the default action back for itself when it starts.)
trap '' TERM INT
# flock -n: if last night's run is somehow still going, skip this one (exit 75).
flock -n -E 75 "$lock" "${cmd[@]}" 2>&1 | while IFS= read -r line; do printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$line"; done >>"$log"
status=${PIPESTATUS[0]}
printf '%s exit %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$status" >>"$log"
# Printing makes cron mail the owner (MAILTO) when the run needs attention.
[ "$status" -eq 0 ] || echo "callhist nightly archive exited $status; see $log"
exit "$status"
BODY
} >"$wrapper"
chmod 700 "$wrapper"

echo "install-cron: wrapper $wrapper"
if $no_crontab; then
  echo "install-cron: archive $db, log $log, credentials $env_file"
  exit 0
fi
line="$minute $hour * * * /bin/bash $(printf '%q' "$wrapper" | sed 's/%/\\%/g') $marker"
{ [ -n "$without" ] && printf '%s\n' "$without"; printf '%s\n' "$line"; } | crontab -
echo "install-cron: installed: $line"
echo "install-cron: archive $db, log $log, credentials $env_file"
