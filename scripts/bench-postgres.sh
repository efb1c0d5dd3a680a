#!/usr/bin/env bash
# PostgreSQL benchmark (docs/postgresql.md), on a throwaway cluster
# (scripts/pg-cluster.sh) and a synthetic archive of CALLS calls (default
# 1,000,000) with 4 events each, each figure beside a ceiling measured in
# the same run:
#   1. `callhist copy` SQLite → PostgreSQL beside psql `COPY` of the same
#      rows into the same empty schema (target: within 2×);
#   2. `callhist import` of the same calls as NDJSON beside psql `COPY` of
#      the same rows (IMPORT_CALLS of them, default CALLS);
#   3. every report, whole process, beside psql running exactly the SQL it
#      ran (traced with CALLHIST_TRACE_SQL), best of 3 (target: ≤ 1.5×);
#   4. four concurrent archivers against fuse-mock with 20 ms latency
#      beside one (ARCHIVE_CALLS ids, default 8000; target: ≥ 3.5× the ids/s).
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${CALLS:-1000000}
import_calls=${IMPORT_CALLS:-$calls}
archive_calls=${ARCHIVE_CALLS:-8000}
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

echo "== 1. copy SQLite → PostgreSQL"
copied=$(newdb copied)
copy_s=$(secs "$bin/callhist" copy --from "$sqlite" --to "$copied")
# The ceiling: the same rows as CSV (sqlite3 writes them, untimed), then psql COPY into the same empty schema.
ceiling=$(newdb ceiling)
"$bin/callhist" migrate --db "$ceiling" >/dev/null
cols="call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, last_attempt_timestamp, reattempt_wait, duration, success, snapshot_id, is_final, is_stale, first_seen_at, first_seen_run, last_fetched_at, last_success_at, next_check_at, unchanged_checks, last_outcome, last_http_code, last_error, event_duration, failed_checks, event_disorder"
sqlite3 -csv "$sqlite" "SELECT $cols FROM calls ORDER BY call_id" > "$tmp/calls.csv"
sqlite3 -csv "$sqlite" "SELECT call_id, seq, event, timestamp FROM call_events ORDER BY call_id, seq" > "$tmp/events.csv"
copy_ceiling=$(secs psql -X -q -v ON_ERROR_STOP=1 -d "$ceiling" \
  -c "\\copy calls ($cols) FROM '$tmp/calls.csv' WITH (FORMAT csv)" -c "\\copy call_events FROM '$tmp/events.csv' WITH (FORMAT csv)" -c "ANALYZE")
printf "%-44s %10s s   psql COPY %8s s   ratio %s\n" "copy $calls calls" "$copy_s" "$copy_ceiling" "$(ratio "$copy_s" "$copy_ceiling")"

echo "== 2. import NDJSON into PostgreSQL"
python3 scripts/lib/make-report-archive.py "$import_calls" "$tmp/imp" 1787000000
python3 scripts/lib/make-ndjson.py "$tmp/imp"
imported=$(newdb imported)
"$bin/callhist" migrate --db "$imported" >/dev/null
import_s=$(secs "$bin/callhist" import --db "$imported" "$tmp/imp.ndjson")
ceiling2=$(newdb ceiling2)
"$bin/callhist" migrate --db "$ceiling2" >/dev/null
import_ceiling=$(secs psql -X -q -v ON_ERROR_STOP=1 -d "$ceiling2" \
  -c "CREATE TEMP TABLE ic (call_id text, status text, phone_number text, attempts bigint, max_attempts bigint, queued_timestamp bigint, start_timestamp text, end_timestamp text, reattempt_wait bigint, is_final int, duration text, first_seen_at bigint, event_duration bigint)" \
  -c "\\copy ic FROM '$tmp/imp-calls.csv' WITH (FORMAT csv)" \
  -c "INSERT INTO calls (call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, reattempt_wait, is_final, duration, first_seen_at, event_duration) SELECT call_id, status, phone_number, attempts, max_attempts, queued_timestamp, nullif(start_timestamp, '')::bigint, nullif(end_timestamp, '')::bigint, reattempt_wait, is_final, nullif(duration, '')::bigint, first_seen_at, event_duration FROM ic" \
  -c "\\copy call_events FROM '$tmp/imp-events.csv' WITH (FORMAT csv)")
echo "   calls imported: $(psqlq "$imported" -c "SELECT count(*) FROM calls WHERE status IS NOT NULL"), snapshots: $(psqlq "$imported" -c "SELECT count(*) FROM call_snapshots")"
printf "%-44s %10s s   psql COPY %8s s   ratio %s   (%s calls/s)\n" "import $import_calls calls" "$import_s" "$import_ceiling" \
  "$(ratio "$import_s" "$import_ceiling")" "$(awk -v n="$import_calls" -v s="$import_s" 'BEGIN {printf "%.0f", n / s}')"

echo "== 3. reports on $calls calls: callhist beside psql running the same SQL (best of 3)"
printf "%-48s %10s %10s %7s\n" report "callhist s" "psql s" ratio
two_weeks="--since 2026-09-01 --until 2026-09-15"
middle=$(printf "call-%08d" $((calls / 2)))
for spec in "summary" "summary $two_weeks" "summary --status completed" "daily" "daily $two_weeks" "daily --by week" \
            "attempts" "attempts $two_weeks" "durations" "durations $two_weeks" "pending --limit 100" "runs" "call $middle" \
            "anomalies $two_weeks"; do
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
