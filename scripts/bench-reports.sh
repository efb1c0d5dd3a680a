#!/usr/bin/env bash
# Report benchmark: a synthetic archive of CALLS calls (default 1,000,000;
# CALLS=10000000 for the year of a busy account) with 4 events each, written
# through the schema's triggers; every report timed as a whole `callhist`
# process, beside sqlite3 running exactly the SQL that report ran (traced
# with CALLHIST_TRACE_SQL) on the same file in the same run. Best of 3.
# Target: under 0.3 s up to 1M calls, under 1 s beyond (docs/reports.md, "Speed").
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${CALLS:-1000000}
swift build -c release --static-swift-stdlib --product callhist >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
# CALLHIST_BIN: another callhist to measure (a build of an earlier commit), beside this tree's fuse-mock.
callhist=${CALLHIST_BIN:-$bin/callhist}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/reports.sqlite"

echo "== building a synthetic archive of $calls calls and $((calls * 4)) events"
scripts/lib/build-report-archive.sh "$callhist" "$calls" 1787000000 "$db"
source scripts/lib/best.sh
target=$(awk -v n="$calls" 'BEGIN {print (n <= 1000000 ? 0.3 : 1.0)}')
two_weeks="--since 2026-09-01 --until 2026-09-15"
echo "== file: $(du -h "$db" | cut -f1); target: each report under $target s"
printf "%-48s %10s %10s %7s %s\n" report "callhist s" "sqlite3 s" ratio verdict
for spec in "summary" "summary $two_weeks" "summary --status completed" "summary --status completed $two_weeks" \
            "daily" "daily $two_weeks" "daily --by hour $two_weeks" "daily --by hour" "daily --by week" "daily --by month" "daily --status failed" \
            "attempts" "attempts $two_weeks" "durations" "durations $two_weeks" "pending --limit 100" "pending --limit 100 $two_weeks" \
            "hours" "hours --by weekday" "hours $two_weeks" "hours --tz America/New_York" "hours --tz Asia/Kolkata" \
            "runs" "call call-00500000" "summary --phone 6170500000"; do
  read -r -a args <<<"$spec"
  # UTC unless the report names its zone (Kolkata: half an hour off UTC).
  zone=(--utc)
  [[ $spec == *--tz* ]] && zone=()
  rm -f "$tmp/trace.sql"
  CALLHIST_TRACE_SQL="$tmp/trace.sql" "$callhist" report "${args[@]}" --db "$db" --format json "${zone[@]}" >/dev/null
  ours=$(best "$callhist" report "${args[@]}" --db "$db" --format json "${zone[@]}")
  ceiling=$(best sqlite3 "$db" "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;" ".read $tmp/trace.sql")
  verdict=$(awk -v a="$ours" -v t="$target" 'BEGIN {print (a < t ? "ok" : "SLOW")}')
  printf "%-48s %10s %10s %7s %s\n" "$spec" "$ours" "$ceiling" "$(awk -v a="$ours" -v b="$ceiling" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" "$verdict"
done
echo "== query plan of a time-filtered summary (must use an index, no full scan of calls)"
rm -f "$tmp/trace.sql"
CALLHIST_TRACE_SQL="$tmp/trace.sql" "$callhist" report summary --since 2026-09-01 --until 2026-09-15 --db "$db" --utc >/dev/null
awk 'BEGIN { RS = ";\n" } NR == 1 { print "EXPLAIN QUERY PLAN " $0 ";"; exit }' "$tmp/trace.sql" | sqlite3 "$db"
