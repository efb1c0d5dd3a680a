#!/usr/bin/env bash
# Installs (or with --uninstall removes) the nightly `callhist archive` as a
# systemd user timer: callhist-archive.service + callhist-archive.timer in
# ~/.config/systemd/user (--system: /etc/systemd/system, as root). The
# service runs the same wrapper as the cron job (scripts/install-cron.sh
# --no-crontab writes it): credentials from the mode-600 env file, flock,
# umask 077, the timestamped log, budgets, exit codes. systemd restarts
# nothing: a failed night shows in `systemctl --user status` and the journal.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() {
  cat <<'USAGE'
usage: scripts/install-systemd.sh [--time HH:MM] [--system] [--unit-dir DIR] [install-cron.sh options…]
       scripts/install-systemd.sh --uninstall [--system] [--unit-dir DIR]
USAGE
}
time_of_day=02:30
unit_dir="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
scope=--user
uninstall=false
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_of_day=$2; shift 2 ;;
    --system) scope=--system; unit_dir=/etc/systemd/system; shift ;;
    --unit-dir) unit_dir=$2; shift 2 ;;
    --uninstall) uninstall=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) pass+=("$1"); shift ;;
  esac
done
[[ "$time_of_day" =~ ^([01]?[0-9]|2[0-3]):([0-5][0-9])$ ]] || { echo "install-systemd: --time wants HH:MM, got $time_of_day" >&2; exit 64; }
systemctl_() { command -v systemctl >/dev/null && systemctl "$scope" "$@" 2>/dev/null || true; }
if $uninstall; then
  systemctl_ disable --now callhist-archive.timer
  rm -f "$unit_dir/callhist-archive.service" "$unit_dir/callhist-archive.timer"
  systemctl_ daemon-reload
  echo "install-systemd: removed callhist-archive.timer and .service (kept the env file, the log and the archive)"
  exit 0
fi
# The wrapper and env file are the cron job's, without a crontab line.
out=$(bash scripts/install-cron.sh --no-crontab "${pass[@]}")
wrapper=$(printf '%s\n' "$out" | sed -n 's/^install-cron: wrapper //p')
[ -x "$wrapper" ] || { echo "install-systemd: install-cron.sh wrote no wrapper" >&2; exit 70; }
# systemd splits ExecStart= at spaces and expands % specifiers and $VARS:
# the path goes in quotes, with \ and " escaped and % and $ doubled.
exec_path=${wrapper//\\/\\\\}
exec_path=${exec_path//\"/\\\"}
exec_path=${exec_path//%/%%}
exec_path=${exec_path//\$/\$\$}
mkdir -p "$unit_dir"
cat >"$unit_dir/callhist-archive.service" <<UNIT
# Written by scripts/install-systemd.sh: the nightly callhist archive.
[Unit]
Description=Archive Plum Fuse call statuses (callhist)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=/bin/bash "$exec_path"
# 75 (temporary: retried the next night) is not a failure of the unit.
SuccessExitStatus=75
UMask=0077
UNIT
cat >"$unit_dir/callhist-archive.timer" <<UNIT
# Written by scripts/install-systemd.sh.
[Unit]
Description=Nightly callhist archive

[Timer]
OnCalendar=*-*-* $time_of_day:00
Persistent=true
RandomizedDelaySec=5m

[Install]
WantedBy=timers.target
UNIT
systemctl_ daemon-reload
systemctl_ enable --now callhist-archive.timer
echo "install-systemd: installed $unit_dir/callhist-archive.timer ($time_of_day daily) running $wrapper"
