#!/usr/bin/env bash
# The first README command: on a fresh Debian machine with Swift, installs
# only what building and running need (the C libraries' dev packages and
# pkg-config), builds the release binaries, starts fuse-mock (a local
# simulator of Plum Fuse's status API), archives a few thousand synthetic
# calls of the last two weeks into ./demo.sqlite, prints two reports,
# writes ./demo.html (the page a campaign lead reads), and stops the mock.
# No Fuse account needed. Idempotent: a second run installs nothing and
# finds every final call archived already.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib/packages.sh"
ensure_packages "${build_packages[@]}"
calls=${CALLS:-3000}
db=${DEMO_DB:-demo.sqlite}
html=${DEMO_HTML:-demo.html}
echo "demo: building the release binaries (a first build takes a few minutes)"
swift build -c release --static-swift-stdlib --package-path "$root" >/dev/null
bin=$(swift build -c release --static-swift-stdlib --package-path "$root" --show-bin-path)
tmp=$(mktemp -d)
mock=
trap '[ -n "$mock" ] && kill $mock 2>/dev/null; rm -rf "$tmp"' EXIT

"$bin/fuse-mock" --port 0 --calls "$calls" --days 14 --latency 5 >"$tmp/port" 2>/dev/null &
mock=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/port")
"$bin/fuse-mock" --calls "$calls" --days 14 --list-ids >"$tmp/ids.txt"
echo "fuse-mock is serving $calls synthetic calls on http://127.0.0.1:$port/api"
echo

export FUSE_EMAIL=demo@example.com FUSE_DEVELOPER_KEY=demo-key FUSE_BASE_URL="http://127.0.0.1:$port/api"
echo "\$ callhist archive --ids ids.txt --db $db --concurrency 16"
"$bin/callhist" archive --ids "$tmp/ids.txt" --db "$db" --concurrency 16
echo
echo "\$ callhist report summary --db $db"
"$bin/callhist" report summary --db "$db"
echo
echo "\$ callhist report daily --db $db --since 7d"
"$bin/callhist" report daily --db "$db" --since 7d
echo
echo "\$ callhist report html --db $db --since 7d --output $html"
"$bin/callhist" report html --db "$db" --since 7d --output "$html"
echo
echo "Open $(cd "$(dirname "$html")" && pwd)/$(basename "$html") in a browser: last week's completion rate,"
echo "durations and anomalies at a glance (it needs no network)."
echo "Next: open $db with sqlite3 (SELECT * FROM calls_view LIMIT 5), try"
echo "'callhist report pending --db $db', or run this again: final calls are never fetched twice."
