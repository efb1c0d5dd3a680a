#!/usr/bin/env bash
# Archive benchmarks (issue 4), figures printed:
#  1. end to end: ids archived per second against fuse-mock at concurrency 32,
#     beside the fetch-only rate of the client against the same mock, same run;
#  2. `callhist import` of N calls with 4 events each, beside sqlite3's own
#     `.import` of the same rows (calls, events, snapshots) flattened to CSV
#     into the same tables (the ceiling);
#  3. peak memory (GNU time) archiving M ids.
# Sizes: IMPORT_CALLS (default 1000000), ARCHIVE_IDS (50000), MEMORY_IDS (1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
import_calls=${IMPORT_CALLS:-1000000}
archive_ids=${ARCHIVE_IDS:-50000}
memory_ids=${MEMORY_IDS:-1000000}
swift build -c release --static-swift-stdlib >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
# CALLHIST_BIN: another callhist to measure (a build of an earlier commit), beside this tree's fuse-mock.
callhist=${CALLHIST_BIN:-$bin/callhist}
tmp=$(mktemp -d)
mock=
trap '[ -n "$mock" ] && kill $mock 2>/dev/null; rm -rf "$tmp"' EXIT
export FUSE_EMAIL=demo@example.com FUSE_DEVELOPER_KEY=demo-key

start_mock() {  # sets $mock and $port
  rm -f "$tmp/port"
  "$bin/fuse-mock" --port 0 --speed 0 "$@" >"$tmp/port" 2>/dev/null &
  mock=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(head -1 "$tmp/port")
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
seconds_of() { /usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null 2>&1 || true; cat "$tmp/t"; }

echo "== 1. end to end at concurrency 32 ($archive_ids ids)"
start_mock --calls "$archive_ids"
"$bin/fuse-mock" --calls "$archive_ids" --list-ids >"$tmp/ids.txt"
fetch=$("$bin/fuse-bench" fetch --base-url "http://127.0.0.1:$port/api" --count "$archive_ids" --concurrency 32 | sed 's/.*per_second=//')
t=$(seconds_of "$callhist" archive --db "$tmp/e2e.sqlite" --base-url "http://127.0.0.1:$port/api" --concurrency 32 --ids "$tmp/ids.txt" --quiet)
archive=$(awk -v n="$archive_ids" -v t="$t" 'BEGIN {printf "%.0f", n/t}')
echo "fetch-only: $fetch ids/s   archive (fetch+store): $archive ids/s   ratio $(ratio "$archive" "$fetch") (target >= 0.90)"
kill $mock; wait $mock 2>/dev/null || true; mock=
# Against a real API the answers take tens of milliseconds: the same comparison, latency-bound.
start_mock --calls 6400 --latency 50
fetch=$("$bin/fuse-bench" fetch --base-url "http://127.0.0.1:$port/api" --count 6400 --concurrency 32 | sed 's/.*per_second=//')
"$bin/fuse-mock" --calls 6400 --list-ids >"$tmp/ids50.txt"
t=$(seconds_of "$callhist" archive --db "$tmp/e2e50.sqlite" --base-url "http://127.0.0.1:$port/api" --concurrency 32 --ids "$tmp/ids50.txt" --quiet)
archive=$(awk -v t="$t" 'BEGIN {printf "%.0f", 6400/t}')
echo "with --latency 50: fetch-only $fetch ids/s   archive $archive ids/s   ratio $(ratio "$archive" "$fetch")"
kill $mock; wait $mock 2>/dev/null || true; mock=

echo "== 2. import of $import_calls calls x 4 events"
python3 scripts/lib/make-import-data.py "$import_calls" "$tmp/rows"
t=$(seconds_of "$callhist" import --db "$tmp/import.sqlite" --quiet "$tmp/rows.ndjson")
"$callhist" migrate --db "$tmp/ceiling.sqlite" >/dev/null
cat >"$tmp/ceiling.sql" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -65536;
CREATE TEMP TABLE ic (call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, reattempt_wait, duration, is_final, first_seen_at);
CREATE TEMP TABLE ie (call_id, seq, event, timestamp);
CREATE TEMP TABLE isn (snapshot_id, call_id, body_sha256, format, body, first_seen_at, last_seen_at);
.mode csv
.import $tmp/rows-calls.csv ic
.import $tmp/rows-events.csv ie
.import $tmp/rows-snapshots.csv isn
BEGIN;
INSERT INTO call_snapshots (snapshot_id, call_id, body_sha256, format, body, first_seen_at, last_seen_at) SELECT * FROM isn;
INSERT INTO calls (call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, reattempt_wait, duration, is_final, first_seen_at) SELECT * FROM ic;
INSERT INTO call_events SELECT * FROM ie;
COMMIT;
SQL
c=$(seconds_of sqlite3 "$tmp/ceiling.sqlite" ".read $tmp/ceiling.sql")
ours=$(awk -v n="$import_calls" -v t="$t" 'BEGIN {printf "%.0f", n/t}')
ceiling=$(awk -v n="$import_calls" -v t="$c" 'BEGIN {printf "%.0f", n/t}')
echo "callhist import: ${t}s = $ours calls/s   sqlite3 .import of the same rows: ${c}s = $ceiling calls/s   ceiling/ours $(ratio "$ceiling" "$ours") (target <= 3)"
echo "   rows: $(sqlite3 "$tmp/import.sqlite" 'SELECT count(*) FROM calls') calls, $(sqlite3 "$tmp/import.sqlite" 'SELECT count(*) FROM call_events') events, $(sqlite3 "$tmp/import.sqlite" 'SELECT count(*) FROM call_snapshots') snapshots"
rm -f "$tmp"/rows* "$tmp"/import.sqlite* "$tmp"/ceiling.sqlite*

echo "== 3. peak memory archiving $memory_ids ids"
start_mock --calls "$memory_ids"
"$bin/fuse-mock" --calls "$memory_ids" --list-ids >"$tmp/ids.txt"
/usr/bin/time -v -o "$tmp/mem" "$callhist" archive --db "$tmp/mem.sqlite" --base-url "http://127.0.0.1:$port/api" --concurrency 32 --ids "$tmp/ids.txt" --quiet || true
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/mem")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/mem")
echo "peak RSS: $((rss / 1024)) MB (target <= 200 MB), wall $wall, archived $(sqlite3 "$tmp/mem.sqlite" 'SELECT count(*) FROM calls WHERE status IS NOT NULL') calls"
