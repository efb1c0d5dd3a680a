#!/usr/bin/env bash
# PostgreSQL benchmark (docs/postgresql.md), on a throwaway cluster
# (scripts/pg-cluster.sh) and a synthetic archive of CALLS calls (default
# 1,000,000) with 4 events each, each figure beside a ceiling measured in
# the same run:
#   1. `callhist copy` SQLite → PostgreSQL beside psql `COPY` of the same
#      rows (those callhist wrote, dumped) into the same empty schema;
#   2. `callhist import` of the same calls as NDJSON (IMPORT_CALLS of them,
#      default CALLS) beside psql `COPY` of the rows it wrote (target: 2×);
#   3. every report, whole process, beside psql running exactly the SQL it
#      ran (traced with CALLHIST_TRACE_SQL), best of 3 (target: ≤ 1.5×);
#   4. four concurrent archivers against fuse-mock with 20 ms latency
#      beside one (ARCHIVE_CALLS ids, default 20,000; target: ≥ 3.5× the ids/s);
#   5. one archive run at 0 ms into PostgreSQL beside the same run into
#      SQLite (ARCHIVE_CALLS ids, same mock, best of 3).
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${CALLS:-1000000}
import_calls=${IMPORT_CALLS:-$calls}
archive_calls=${ARCHIVE_CALLS:-20000}
swift build -c release --static-swift-stdlib --product callhist >/dev/null
swift build -c release --static-swift-stdlib --product fuse-mock >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
tmp=$(mktemp -d)
chmod 755 "$tmp"
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  scripts/pg-cluster.sh stop "$tmp/pg" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
source scripts/lib/best.sh
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
secs() { /usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }; cat "$tmp/t"; }

admin=$(scripts/pg-cluster.sh start "$tmp/pg")
base=${admin%/postgres}
newdb() { psql -X -q -d "$admin" -c "CREATE DATABASE $1" >/dev/null; echo "$base/$1"; }
psqlq() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$@"; }

echo "== a synthetic SQLite archive of $calls calls and $((calls * 4)) events"
sqlite="$tmp/a.sqlite"
scripts/lib/build-report-archive.sh "$bin/callhist" "$calls" 1787000000 "$sqlite"

# The ceiling for writing an archive: psql COPY of exactly the rows callhist
# wrote (dumped from its database, untimed) into the same empty schema, in
# one transaction, with the same indexes and keys.
tables="archive_runs calls call_snapshots call_events status_changes call_labels"
copy_ceiling() {  # copy_ceiling SOURCE_URL NAME: seconds for psql to COPY SOURCE's rows into a new database NAME
  local target args=()
  for t in $tables; do psql -X -q -d "$1" -c "\\copy $t TO '$tmp/$t.copy'"; done
  target=$(newdb "$2")
  "$bin/callhist" migrate --db "$target" >/dev/null
  args=(-c "BEGIN")
  for t in $tables; do args+=(-c "\\copy $t FROM '$tmp/$t.copy'"); done
  args+=(-c "COMMIT")
  secs psql -X -q -v ON_ERROR_STOP=1 -d "$target" "${args[@]}"
}

echo "== 1. copy SQLite → PostgreSQL"
copied=$(newdb copied)
copy_s=$(secs "$bin/callhist" copy --from "$sqlite" --to "$copied")
copy_ceiling_s=$(copy_ceiling "$copied" ceiling1)
printf "%-44s %10s s   psql COPY %8s s   ratio %s (target ≤ 2)\n" "copy $calls calls" "$copy_s" "$copy_ceiling_s" "$(ratio "$copy_s" "$copy_ceiling_s")"

echo "== 2. import NDJSON into PostgreSQL"
python3 scripts/lib/make-report-archive.py "$import_calls" "$tmp/imp" 1787000000
python3 scripts/lib/make-ndjson.py "$tmp/imp"
imported=$(newdb imported)
"$bin/callhist" migrate --db "$imported" >/dev/null
import_s=$(secs "$bin/callhist" import --db "$imported" "$tmp/imp.ndjson")
echo "   calls imported: $(psqlq "$imported" -c "SELECT count(*) FROM calls WHERE status IS NOT NULL"), snapshots: $(psqlq "$imported" -c "SELECT count(*) FROM call_snapshots"), events: $(psqlq "$imported" -c "SELECT count(*) FROM call_events")"
import_ceiling_s=$(copy_ceiling "$imported" ceiling2)
printf "%-44s %10s s   psql COPY %8s s   ratio %s (target ≤ 2)   %s calls/s\n" "import $import_calls calls" "$import_s" "$import_ceiling_s" \
  "$(ratio "$import_s" "$import_ceiling_s")" "$(awk -v n="$import_calls" -v s="$import_s" 'BEGIN {printf "%.0f", n / s}')"
rm -f "$tmp"/*.copy

echo "== 3. reports on $calls calls: callhist beside psql running the same SQL (best of 3)"
printf "%-48s %10s %10s %7s\n" report "callhist s" "psql s" ratio
two_weeks="--since 2026-09-01 --until 2026-09-15"
middle=$(printf "call-%08d" $((calls / 2)))
for spec in "summary" "summary $two_weeks" "summary --status completed" "daily" "daily $two_weeks" "daily --by week" \
            "attempts" "attempts $two_weeks" "durations" "durations $two_weeks" "pending --limit 100" "runs" "call $middle" \
            "anomalies $two_weeks" "anomalies"; do
  read -r -a args <<<"$spec"
  rm -f "$tmp/trace.sql"
  CALLHIST_TRACE_SQL="$tmp/trace.sql" "$bin/callhist" report "${args[@]}" --db "$copied" --format json --utc >/dev/null
  ours=$(best "$bin/callhist" report "${args[@]}" --db "$copied" --format json --utc)
  ceiling=$(best psql -X -q -d "$copied" -f "$tmp/trace.sql")
  printf "%-48s %10s %10s %7s\n" "$spec" "$ours" "$ceiling" "$(ratio "$ours" "$ceiling")"
done

echo "== 4. four archivers at once beside one: $archive_calls ids, fuse-mock answering in 20 ms"
"$bin/fuse-mock" --port 0 --calls "$archive_calls" --latency 20 --speed 0 > "$tmp/mock.out" 2>&1 &
mock_pid=$!
for _ in $(seq 50); do [ -s "$tmp/mock.out" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/mock.out")
"$bin/fuse-mock" --calls "$archive_calls" --list-ids > "$tmp/ids.txt"
export FUSE_EMAIL=demo@example.com FUSE_DEVELOPER_KEY=demo-key FUSE_BASE_URL="http://127.0.0.1:$port/api"
one=$(newdb one)
"$bin/callhist" migrate --db "$one" >/dev/null
one_s=$(secs "$bin/callhist" archive --db "$one" --ids "$tmp/ids.txt")
curl -s -X POST "http://127.0.0.1:$port/_mock/reset" >/dev/null
four=$(newdb four)
"$bin/callhist" migrate --db "$four" >/dev/null
start=$(date +%s.%N)
pids=()
for k in 1 2 3 4; do "$bin/callhist" archive --db "$four" --ids "$tmp/ids.txt" >/dev/null 2>"$tmp/run$k.err" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
four_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
twice=$(curl -s "http://127.0.0.1:$port/_mock/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ids_requested_twice"])')
one_rate=$(awk -v n="$archive_calls" -v s="$one_s" 'BEGIN {printf "%.0f", n / s}')
four_rate=$(awk -v n="$archive_calls" -v s="$four_s" 'BEGIN {printf "%.0f", n / s}')
echo "   one archiver:   $one_s s, $one_rate ids/s"
echo "   four archivers: $four_s s, $four_rate ids/s (each run's share: $(psqlq "$four" -c "SELECT string_agg(fetched::text, ' ' ORDER BY run_id) FROM archive_runs"); ids fetched twice: $twice)"
echo "   speed-up: $(ratio "$four_rate" "$one_rate")× (target ≥ 3.5×)"
kill "$mock_pid" 2>/dev/null || true
wait "$mock_pid" 2>/dev/null || true
mock_pid=

echo "== 5. one archiver at 0 ms: PostgreSQL beside SQLite, $archive_calls ids, best of 3"
"$bin/fuse-mock" --port 0 --calls "$archive_calls" --speed 0 > "$tmp/mock0.out" 2>&1 &
mock_pid=$!
for _ in $(seq 50); do [ -s "$tmp/mock0.out" ] && break; sleep 0.1; done
export FUSE_BASE_URL="http://127.0.0.1:$(head -1 "$tmp/mock0.out")/api"
best_pg=999 best_sqlite=999
for k in 1 2 3; do
  db=$(newdb zero$k)
  "$bin/callhist" migrate --db "$db" >/dev/null
  s_pg=$(secs "$bin/callhist" archive --db "$db" --ids "$tmp/ids.txt" --concurrency 32)
  [ "$(psqlq "$db" -c "SELECT count(status) FROM calls")" = "$archive_calls" ] || { echo "FAILED: PostgreSQL archived too few calls" >&2; exit 1; }
  awk -v a="$s_pg" -v b="$best_pg" 'BEGIN {exit !(a < b)}' && best_pg=$s_pg
  rm -f "$tmp"/zero.sqlite*
  s_sqlite=$(secs "$bin/callhist" archive --db "$tmp/zero.sqlite" --ids "$tmp/ids.txt" --concurrency 32)
  [ "$(sqlite3 "$tmp/zero.sqlite" "SELECT count(status) FROM calls")" = "$archive_calls" ] || { echo "FAILED: SQLite archived too few calls" >&2; exit 1; }
  awk -v a="$s_sqlite" -v b="$best_sqlite" 'BEGIN {exit !(a < b)}' && best_sqlite=$s_sqlite
done
echo "   PostgreSQL: $best_pg s, $(awk -v n="$archive_calls" -v s="$best_pg" 'BEGIN {printf "%.0f", n / s}') ids/s"
echo "   SQLite:     $best_sqlite s, $(awk -v n="$archive_calls" -v s="$best_sqlite" 'BEGIN {printf "%.0f", n / s}') ids/s"
