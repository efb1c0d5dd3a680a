#!/usr/bin/env bash
# Benchmark of the reports for people, `report anomalies` and `report html`:
# a synthetic archive of CALLS calls (default 1,000,000) over the 90 days up
# to now, made realistic for these reports —
# calls older than two days are final, open calls recent, a few calls with
# impossible data, failing ids and a status that changed after it was final,
# and last night's archive run — timed as a whole `callhist` process beside
# sqlite3 running exactly the SQL it ran (CALLHIST_TRACE_SQL). Best of 3.
# Targets at 1M calls: anomalies under 1 s, html under 2 s (docs/reports.md).
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${CALLS:-1000000}
swift build -c release --static-swift-stdlib --product callhist >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/anomalies.sqlite"
now=$(date +%s)
source scripts/lib/best.sh

echo "== building a synthetic archive of $calls calls over the 90 days up to now"
scripts/lib/build-report-archive.sh "$bin/callhist" "$calls" $((now - 90 * 86400)) "$db"
sqlite3 "$db" <<SQL
-- Open calls older than two days would have ended: most fail.
UPDATE calls SET status = 'failed', is_final = 1, end_timestamp = queued_timestamp + 600
WHERE is_final = 0 AND queued_timestamp < $now - 2 * 86400;
-- One call in a thousand breaks a rule: more attempts than allowed.
UPDATE calls SET attempts = max_attempts + 1 WHERE rowid % 1000 = 0;
-- One in ten thousand has its events out of order (as the store derives it).
UPDATE call_events SET timestamp = timestamp - 100000 WHERE seq = 2 AND call_id IN (SELECT call_id FROM calls WHERE rowid % 10000 = 7);
UPDATE calls SET event_disorder = 2 WHERE rowid % 10000 = 7;
-- 100 ids failing for 3 to 5 runs; 50 final calls whose status changed.
UPDATE calls SET failed_checks = 3 + rowid % 3, last_outcome = 'failed', last_http_code = 500, last_error = 'HTTP 500',
                 last_fetched_at = $now - 3600 WHERE rowid % 10000 = 3;
INSERT INTO status_changes (call_id, old_status, new_status, observed_at)
SELECT call_id, 'completed', 'failed', $now - 7200 FROM calls WHERE rowid % 20000 = 11;
INSERT INTO archive_runs (kind, started_at, ended_at, exit_code) VALUES ('archive', $now - 7200, $now - 7000, 0);
SQL
"$bin/callhist" migrate --db "$db" >/dev/null
echo "== file: $(du -h "$db" | cut -f1); open calls: $(sqlite3 "$db" 'SELECT count(*) FROM calls WHERE is_final = 0')"
printf "%-44s %10s %10s %7s %10s %s\n" report "callhist s" "sqlite3 s" ratio output verdict
for spec in "anomalies" "anomalies --since 30d" "anomalies --since 90d" "anomalies --since 90d --utc" \
            "html --since 7d" "html --since 30d" "html" "html --by week"; do
  read -r -a args <<<"$spec"
  case $spec in anomalies*) target=1.0; extra=(--format json);; *) target=2.0; extra=(--output -);; esac
  rm -f "$tmp/trace.sql"
  CALLHIST_TRACE_SQL="$tmp/trace.sql" "$bin/callhist" report "${args[@]}" "${extra[@]}" --db "$db" >"$tmp/out"
  case $spec in
    anomalies*) output="$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/out") found";;
    *) output="$(( $(wc -c <"$tmp/out") / 1024 )) KB";;
  esac
  ours=$(best "$bin/callhist" report "${args[@]}" "${extra[@]}" --db "$db")
  ceiling=$(best sqlite3 "$db" "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;" ".read $tmp/trace.sql")
  verdict=$(awk -v a="$ours" -v t="$target" 'BEGIN {print (a < t ? "ok" : "SLOW")}')
  printf "%-44s %10s %10s %7s %10s %s (target %s s)\n" "$spec" "$ours" "$ceiling" "$(awk -v a="$ours" -v b="$ceiling" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" "$output" "$verdict" "$target"
done
