#!/usr/bin/env bash
# Labels benchmark: `callhist archive` of IDS ids (default 20,000) from
# fuse-mock, from a plain ids file and from a CSV with the id and 49 label
# columns (a spreadsheet export), each into a fresh archive; then the same
# file again (every call final: nothing fetched, every label looked up),
# as a nightly job re-reading a growing file would. Best of 3, whole
# process. Prints the ratio, and shows that 49 columns made one index.
set -euo pipefail
cd "$(dirname "$0")/.."
ids=${IDS:-20000}
swift build -c release --static-swift-stdlib >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
tmp=$(mktemp -d)
mock=
trap '[ -n "$mock" ] && kill $mock 2>/dev/null; rm -rf "$tmp"' EXIT
source scripts/lib/best.sh

# Calls queued over the week before the mock's (still) clock, all final by then.
"$bin/fuse-mock" --port 0 --calls "$ids" --now "$(date +%s)" --speed 0 --threads 2 --email e@x --key k >"$tmp/port" 2>/dev/null &
mock=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
export FUSE_EMAIL=e@x FUSE_DEVELOPER_KEY=k FUSE_BASE_URL="http://127.0.0.1:$(head -1 "$tmp/port")/api"
python3 - "$ids" "$tmp" <<'PY'
import sys
n, tmp = int(sys.argv[1]), sys.argv[2]
with open(tmp + "/plain.txt", "w") as plain, open(tmp + "/wide.csv", "w") as wide:
    wide.write("call_id," + ",".join("Column %d" % c for c in range(1, 50)) + "\n")
    for i in range(1, n + 1):
        plain.write("call-%07d\n" % i)
        wide.write("call-%07d," % i + ",".join("value-%d-%d" % (c, i % (c + 1)) for c in range(1, 50)) + "\n")
PY
# `best` times programs, not shell functions: the two steps are scripts.
cat >"$tmp/run" <<SH
#!/usr/bin/env bash
# \$1: ids file; a fresh archive each time
rm -f "$tmp"/a.sqlite*
exec "$bin/callhist" archive --db "$tmp/a.sqlite" --ids "\$1" --progress never
SH
cat >"$tmp/again" <<SH
#!/usr/bin/env bash
# \$1: ids file, into the archive the last run left
exec "$bin/callhist" archive --db "$tmp/a.sqlite" --ids "\$1" --progress never
SH
chmod +x "$tmp/run" "$tmp/again"
echo "== $ids ids from fuse-mock; wide.csv: the id and 49 label columns ($(du -h "$tmp/wide.csv" | cut -f1))"
plain=$(best "$tmp/run" "$tmp/plain.txt"); plain_again=$(best "$tmp/again" "$tmp/plain.txt")
wide=$(best "$tmp/run" "$tmp/wide.csv"); wide_again=$(best "$tmp/again" "$tmp/wide.csv")
"$tmp/again" "$tmp/wide.csv" >/dev/null 2>&1 || { echo "bench-labels: the archive run failed" >&2; exit 1; }
labels=$(sqlite3 "$tmp/a.sqlite" "SELECT count(*) FROM call_labels")
indexes=$(sqlite3 "$tmp/a.sqlite" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'call_labels'")
printf "%-44s %8s %8s %7s\n" "" "plain s" "49 cols s" ratio
printf "%-44s %8s %8s %7s\n" "first run (fetch every id, store its labels)" "$plain" "$wide" "$(awk -v a="$wide" -v b="$plain" 'BEGIN {printf "%.2f", a / b}')"
printf "%-44s %8s %8s %7s\n" "the same file again (nothing to fetch)" "$plain_again" "$wide_again" "$(awk -v a="$wide_again" -v b="$plain_again" 'BEGIN {printf "%.2f", a / b}')"
echo "== $labels labels stored; indexes on call_labels besides its primary key: $indexes"

# The same against an API that answers in 40 ms (the real one is remote): the
# labels are written while the answers are awaited.
kill $mock 2>/dev/null; wait $mock 2>/dev/null || true
slow=${SLOW_IDS:-4000}
"$bin/fuse-mock" --port 0 --calls "$slow" --now "$(date +%s)" --speed 0 --threads 2 --latency 40 --email e@x --key k >"$tmp/port" 2>/dev/null &
mock=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && grep -q . "$tmp/port" && break; sleep 0.1; done
export FUSE_BASE_URL="http://127.0.0.1:$(head -1 "$tmp/port")/api"
head -n "$slow" "$tmp/plain.txt" >"$tmp/plain-slow.txt"
head -n $((slow + 1)) "$tmp/wide.csv" >"$tmp/wide-slow.csv"
plain=$(best "$tmp/run" "$tmp/plain-slow.txt"); wide=$(best "$tmp/run" "$tmp/wide-slow.csv")
printf "%-44s %8s %8s %7s\n" "$slow ids, 40 ms answers, 8 in flight" "$plain" "$wide" "$(awk -v a="$wide" -v b="$plain" 'BEGIN {printf "%.2f", a / b}')"
