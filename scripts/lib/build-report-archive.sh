#!/usr/bin/env bash
# Builds a synthetic archive for the report benchmarks: CALLS calls over 90
# days from START (unix seconds) with 4 events each, written by sqlite3
# through the schema's triggers, then folded by a callhist writer as the
# nightly run would. Usage: build-report-archive.sh CALLHIST CALLS START DB
set -euo pipefail
bin=$1 calls=$2 start=$3 db=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make-report-archive.py" "$calls" "$work/a" "$start"
"$bin" migrate --db "$db" >/dev/null
sqlite3 "$db" <<SQL
CREATE TEMP TABLE ic (call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, reattempt_wait, is_final, duration, first_seen_at, event_duration);
.mode csv
.import $work/a-calls.csv ic
.import $work/a-events.csv call_events
INSERT INTO calls (call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, reattempt_wait, is_final, duration, first_seen_at, event_duration)
SELECT call_id, status, phone_number, attempts, max_attempts, queued_timestamp, nullif(start_timestamp, ''), nullif(end_timestamp, ''),
       reattempt_wait, is_final, nullif(duration, ''), first_seen_at, nullif(event_duration, '') FROM ic;
ANALYZE;
SQL
# sqlite3 wrote the calls: the triggers left their changes as deltas; any
# callhist writer folds them into the report aggregates.
"$bin" migrate --db "$db" >/dev/null
