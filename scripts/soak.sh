#!/usr/bin/env bash
# Fault soak: archives IDS ids (default 100000) from fuse-mock with
# 10% 500s, 5% 429s, 2% malformed bodies, 2% dropped connections, 50 ms
# latency and HOSTILE (default 0.05) of the calls answering with hostile
# bodies (Int64 edges, floats for ints, control characters, formulas,
# duplicate keys, bytes that are not UTF-8, deep nesting: docs/reliability.md),
# while a reader queries the file continuously and the archiver is
# killed with SIGKILL at random moments KILLS times (default 10) and
# restarted. Then runs until every id has a definite outcome, and checks the
# file against one undisturbed archive of the same simulated calls.
#
# Then the PostgreSQL phase (PG_RESTARTS, default 3; 0 skips it): three
# archivers at once into a throwaway cluster (scripts/pg-cluster.sh), the
# server restarted with `pg_ctl restart -m fast` PG_RESTARTS times, spread
# over the run at random moments; each ends (75 when cut) and is started again
# until every id has an answer; every run row must be closed, and the
# database (copied into SQLite) must equal the undisturbed archive.
set -euo pipefail
cd "$(dirname "$0")/.."
ids=${IDS:-100000}
kills=${KILLS:-10}
pg_restarts=${PG_RESTARTS:-3}
hostile=${HOSTILE:-0.05}
swift build -c release --static-swift-stdlib >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
tmp=$(mktemp -d)
# The cluster's own folder, outside $tmp (mode 700): its server runs as the postgres user.
pgdir=$(mktemp -u /tmp/callhist-pg-soak-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$pgdir" ] && scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export FUSE_EMAIL=demo@example.com FUSE_DEVELOPER_KEY=demo-key

# Both mocks share one still clock, so their calls are the same calls.
epoch=$(date +%s)
start_mock() {  # $1: variable for the port; $2: port file; rest: options.
  # Not in a $(…) subshell: the pid must reach `pids` for the cleanup trap.
  local var=$1 file=$2; shift 2
  "$bin/fuse-mock" --port 0 --now "$epoch" --speed 0 --calls "$ids" --hostile-rate "$hostile" "$@" >"$file" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$file" ] && break; sleep 0.1; done
  printf -v "$var" '%s' "$(head -1 "$file")"
}
start_mock faulty "$tmp/p1" --error-rate 0.10 --rate-limit-rate 0.05 --retry-after 1 --malformed-rate 0.02 --drop-rate 0.02 --latency 50
start_mock clean "$tmp/p2"
"$bin/fuse-mock" --calls "$ids" --list-ids >"$tmp/ids.txt"
db="$tmp/soak.sqlite"
archive=("$bin/callhist" archive --db "$db" --base-url "http://127.0.0.1:$faulty/api" --concurrency 64 --retries 6 --quiet --ids "$tmp/ids.txt")

"$bin/callhist" migrate --db "$db" >/dev/null
# The reader: read-only queries over the views, as other tools would, all along.
python3 - "$db" "$tmp/reader.log" <<'PY' &
import sqlite3, sys, time, os
db, log = sys.argv[1], sys.argv[2]
reads = errors = 0
with open(log, "w") as out:
    while not os.path.exists(db + ".stop-reader"):
        try:
            # A one-second busy timeout, as every common tool has (Python's
            # default is five): a reader with none at all can see "locked" in
            # the instant a run opens the file alone (SQLite's WAL recovery;
            # docs/reliability.md, Limits).
            c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
            c.execute("SELECT count(*), sum(status IS NOT NULL) FROM calls_view").fetchone()
            c.execute("SELECT count(*) FROM call_events_view").fetchone()
            c.close()
            reads += 1
        except Exception as e:
            errors += 1
            out.write("error: %s\n" % e)
        time.sleep(0.05)
    out.write("reads %d errors %d\n" % (reads, errors))
PY
reader=$!
pids+=($reader)

start=$(date +%s)
runs=0
for k in $(seq "$kills"); do
  # Started directly (not through a function) so $! is the archiver itself.
  "${archive[@]}" & a=$!
  runs=$((runs + 1))
  sleep "$(python3 -c 'import random; print(round(random.uniform(2, 8), 2))')"
  if kill -KILL "$a" 2>/dev/null; then echo "kill $k: archiver killed after $(sqlite3 "$db" 'SELECT count(*) FROM calls WHERE status IS NOT NULL') calls archived"; fi
  wait "$a" 2>/dev/null || true
  check=$(sqlite3 "$db" 'PRAGMA integrity_check')
  [ "$check" = ok ] || { echo "integrity_check after kill $k: $check"; exit 1; }
done
# Then let it finish: runs until every id has a definite answer (exit 0).
final=1
for attempt in 1 2 3 4 5 6; do
  runs=$((runs + 1))
  if "${archive[@]}"; then final=0; break; fi
done
elapsed=$(( $(date +%s) - start ))
touch "$db.stop-reader"; wait "$reader" || true

"$bin/callhist" archive --db "$tmp/clean.sqlite" --base-url "http://127.0.0.1:$clean/api" --concurrency 32 --quiet --ids "$tmp/ids.txt"
dump() { sqlite3 "$1" "SELECT call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, reattempt_wait, duration, is_final, event_duration FROM calls ORDER BY call_id; SELECT * FROM call_events ORDER BY call_id, seq;" | sha256sum | cut -c1-16; }

echo "== soak figures"
echo "ids: $ids; kills: $kills; hostile share: $hostile; archive runs: $runs; wall: ${elapsed}s; final run exit: $final"
echo "calls with refused fields: $(sqlite3 "$db" "SELECT count(*) FROM calls WHERE last_error LIKE 'refused%'"); snapshots not valid UTF-8 kept: $(sqlite3 "$db" "SELECT count(*) FROM call_snapshots WHERE hex(body) LIKE '%FFFE%'")"
echo "requests sent: $(sqlite3 "$db" 'SELECT sum(http_requests) FROM archive_runs') (the mock answered $(python3 -c "import urllib.request,json; print(json.load(urllib.request.urlopen('http://127.0.0.1:$faulty/_mock/stats'))['by_status'])"))"
echo "runs recorded: $(sqlite3 "$db" 'SELECT count(*) FROM archive_runs') ($(sqlite3 "$db" 'SELECT count(*) FROM archive_runs WHERE ended_at IS NULL') killed)"
echo "definite outcome: $(sqlite3 "$db" "SELECT count(*) FROM calls WHERE status IS NOT NULL OR last_outcome IN ('not_found', 'forbidden')") of $ids"
echo "integrity_check: $(sqlite3 "$db" 'PRAGMA integrity_check'); foreign_key_check rows: $(sqlite3 "$db" 'PRAGMA foreign_key_check' | wc -l)"
# (Duplicate events would show in the digest: it covers every event row, and
# hostile bodies legitimately repeat an event name and time within a call.)
echo "content digest: soaked $(dump "$db"), undisturbed $(dump "$tmp/clean.sqlite")"
echo "reader: $(tail -1 "$tmp/reader.log")"
grep '^error' "$tmp/reader.log" | sort | uniq -c | head -5 || true
sqlite_ok=0
[ "$final" = 0 ] && [ "$(dump "$db")" = "$(dump "$tmp/clean.sqlite")" ] && ! grep -q '^error' "$tmp/reader.log" \
  && [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || sqlite_ok=1

pg_ok=0
if [ "$pg_restarts" -gt 0 ]; then
  pg_admin=$(scripts/pg-cluster.sh start "$pgdir" | tail -1)
  psql -X -q -d "$pg_admin" -c "CREATE DATABASE soak" >/dev/null
  pg=${pg_admin%/*}/soak
  "$bin/callhist" migrate --db "$pg" >/dev/null
  # Three archivers, each over the whole file, each started again whenever
  # it ends without having finished (75), until one of them exits 0.
  archiver() {
    local n=0
    while [ ! -e "$tmp/pg-done" ]; do
      n=$((n + 1))
      if "$bin/callhist" archive --db "$pg" --base-url "http://127.0.0.1:$faulty/api" --concurrency 32 --retries 6 --quiet --ids "$tmp/ids.txt" 2>>"$tmp/pg-$1.log"; then
        touch "$tmp/pg-done"
      fi
    done
  }
  pg_start=$(date +%s)
  for a in 1 2 3; do archiver "$a" & pids+=($!); done
  restarted=0
  archived() { psql -X -q -A -t -d "$pg" -c 'SELECT count(*) FROM calls WHERE status IS NOT NULL' 2>/dev/null || echo 0; }
  step=$((ids / (pg_restarts + 2)))
  for r in $(seq "$pg_restarts"); do
    # Spread over the run: each restart once another share of the ids is in
    # (the first while the archivers set up is as likely as any), plus a
    # random moment.
    goal=$(( r * step ))
    while [ ! -e "$tmp/pg-done" ] && [ "$(archived)" -lt "$goal" ]; do sleep 0.2; done
    sleep "$(python3 -c 'import random; print(round(random.uniform(0, 1.5), 2))')"
    [ -e "$tmp/pg-done" ] && break
    scripts/pg-cluster.sh restart "$pgdir"
    restarted=$((restarted + 1))
    echo "restart $r: $(archived) calls archived"
  done
  wait "${pids[@]: -3}" 2>/dev/null || true
  # One archiver exiting 0 answered what it held; the others may have left
  # failures: finish alone, as the SQLite phase does.
  pg_final=1
  for attempt in 1 2 3 4 5 6; do
    if "$bin/callhist" archive --db "$pg" --base-url "http://127.0.0.1:$faulty/api" --concurrency 32 --retries 6 --quiet --ids "$tmp/ids.txt"; then pg_final=0; break; fi
  done
  pg_elapsed=$(( $(date +%s) - pg_start ))
  "$bin/callhist" copy --from "$pg" --to "$tmp/pg-copy.sqlite" >/dev/null
  open=$(psql -X -q -A -t -d "$pg" -c 'SELECT count(*) FROM archive_runs WHERE ended_at IS NULL')
  echo "== PostgreSQL phase"
  echo "restarts: $restarted of $pg_restarts asked (fewer when the archivers finished first); final run exit: $pg_final; wall: ${pg_elapsed}s; runs recorded: $(psql -X -q -A -t -d "$pg" -c 'SELECT count(*) FROM archive_runs'), cut by a restart (75): $(psql -X -q -A -t -d "$pg" -c "SELECT count(*) FROM archive_runs WHERE exit_code = 75 AND message LIKE '%connection to the database%'"), without an end: $open"
  echo "definite outcome: $(psql -X -q -A -t -d "$pg" -c "SELECT count(*) FROM calls WHERE status IS NOT NULL OR last_outcome IN ('not_found', 'forbidden')") of $ids"
  echo "content digest: PostgreSQL $(dump "$tmp/pg-copy.sqlite"), undisturbed $(dump "$tmp/clean.sqlite")"
  [ "$pg_final" = 0 ] && [ "$open" = 0 ] && [ "$(dump "$tmp/pg-copy.sqlite")" = "$(dump "$tmp/clean.sqlite")" ] || pg_ok=1
fi
[ "$sqlite_ok" = 0 ] && [ "$pg_ok" = 0 ] && echo "soak: PASS" || { echo "soak: FAIL"; exit 1; }
