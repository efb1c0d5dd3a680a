#!/usr/bin/env bash
# Golden outputs: proves a refactoring changed no byte a user sees.
#
#   scripts/golden.sh record DIR    builds a fixed archive (fuse-mock, seeded:
#                                   2,000 calls over 30 days, 5% hostile bodies,
#                                   labels from a CSV), copies it to a throwaway
#                                   PostgreSQL database, keeps the release
#                                   binary of this checkout as DIR/callhist.before,
#                                   and records every report in every format,
#                                   every export and doctor on both backends.
#   scripts/golden.sh compare DIR   runs the same commands with this checkout's
#                                   binary and with DIR/callhist.before, on
#                                   the same archive at the same moment, and
#                                   diffs them (and against the recording).
#
# Reports that count ages from the clock (pending, anomalies, doctor) are
# compared between the two binaries run in the same second, so the recording
# only proves the clock-free ones; both comparisons are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
command=${1:?usage: golden.sh record|compare DIR}
dir=$(realpath -m "${2:?usage: golden.sh record|compare DIR}")
swift build -c release --static-swift-stdlib --product callhist >/dev/null
swift build -c release --static-swift-stdlib --product fuse-mock >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
pgdir=$(mktemp -d /tmp/callhist-pg-golden.XXXXXX)
mockpid=
cleanup() { [ -n "$mockpid" ] && kill "$mockpid" 2>/dev/null; scripts/pg-cluster.sh stop "$pgdir"; }
trap cleanup EXIT
url=$(scripts/pg-cluster.sh start "$pgdir")
pg="${url%/postgres}/postgres"
export TZ=America/New_York

# run NAME COMMAND…: one output of every binary in $binaries into $out_<i>/NAME.
# The binaries run back to back; a clock-relative answer (pending's ages,
# doctor's) that differs between them is asked again, up to three times,
# as the test suite's parity test does. The HTML page names its version:
# that word is set aside.
run() {
  local name=$1; shift
  local tries=0 i
  while :; do
    for i in "${!binaries[@]}"; do
      "${binaries[$i]}" "$@" >"${outs[$i]}/$name.out" 2>"${outs[$i]}/$name.err" || echo "exit $?" >>"${outs[$i]}/$name.err"
      sed -i -E 's/callhist [0-9][0-9A-Za-z.+]*/callhist VERSION/g' "${outs[$i]}/$name.out"
    done
    tries=$((tries + 1))
    [ ${#binaries[@]} -lt 2 ] || [ $tries -ge 4 ] || cmp -s "${outs[0]}/$name.out" "${outs[1]}/$name.out" && break
  done
}

# outputs DB: every report × format, exports, the HTML page, doctor, a dry run.
outputs() {
  local db=$1 spec format table
  for o in "${outs[@]}"; do mkdir -p "$o"; done
  local reports=("summary" "daily" "daily --by week" "daily --by hour --utc" "daily --utc" "attempts" "durations" "pending"
    "pending --limit 5" "runs" "labels campaign" "daily --label-column region" "anomalies --since @0" "summary --label campaign=spring"
    "call call-0000002" "call call-0001999" "summary --status completed" "durations --since @1" "summary --since 2026-11-10 --until 2026-11-20")
  for spec in "${reports[@]}"; do
    read -r -a args <<<"$spec"
    for format in table csv json markdown; do
      run "$(echo "report $spec $format" | tr ' /=@' '____')" report "${args[@]}" --format "$format" --db "$db"
    done
  done
  for table in calls events snapshots; do
    for format in csv ndjson; do run "export_${table}_$format" export "$table" --format "$format" --db "$db"; done
  done
  run report_html report html --db "$db" --output -
  run doctor doctor --db "$db"
  run dry_run archive --dry-run --list --no-refresh --db "$db" call-0000001 call-0000005 new-id
}

case "$command" in
record)
  rm -rf "$dir"; mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin/fuse-mock" --port "$port" --calls 2000 --days 30 --hostile-rate 0.05 --seed 3 >/dev/null 2>&1 &
  mockpid=$!
  sleep 1
  export FUSE_EMAIL=demo@example.com FUSE_DEVELOPER_KEY=demo-key FUSE_BASE_URL="http://127.0.0.1:$port/api"
  python3 -c 'print("\n".join("call-%07d" % i for i in range(1, 2001)))' >"$dir/ids.txt"
  "$bin/callhist" archive --db "$dir/archive.sqlite" --ids "$dir/ids.txt" --concurrency 16 --quiet
  printf 'call_id,campaign,region\ncall-0000001,spring,north\ncall-0000002,spring,"south, east"\ncall-0000003,fall "x",north\n' >"$dir/labels.csv"
  "$bin/callhist" archive --db "$dir/archive.sqlite" --ids "$dir/labels.csv" --force --quiet
  kill "$mockpid"; mockpid=
  cp "$bin/callhist" "$dir/callhist.before"
  "$dir/callhist.before" copy --from "$dir/archive.sqlite" --to "$pg" >/dev/null
  "$dir/callhist.before" copy --from "$pg" --to "$dir/pg.sqlite" >/dev/null  # kept: compare loads it into a new cluster
  binaries=("$dir/callhist.before")
  outs=("$dir/recorded/sqlite"); outputs "$dir/archive.sqlite"
  outs=("$dir/recorded/postgresql"); outputs "$pg"
  echo "golden: recorded $(ls "$dir/recorded/sqlite" | wc -l) outputs per backend in $dir/recorded"
  ;;
compare)
  [ -x "$dir/callhist.before" ] || { echo "golden: nothing recorded in $dir (run: scripts/golden.sh record $dir)" >&2; exit 66; }
  "$dir/callhist.before" copy --from "$dir/pg.sqlite" --to "$pg" >/dev/null
  status=0
  for backend in sqlite postgresql; do
    db=$dir/archive.sqlite
    [ $backend = postgresql ] && db=$pg
    rm -rf "$dir/now-before/$backend" "$dir/after/$backend"
    binaries=("$dir/callhist.before" "$bin/callhist")
    outs=("$dir/now-before/$backend" "$dir/after/$backend")
    outputs "$db"
    n=$(ls "$dir/after/$backend" | wc -l)
    if diff -r "$dir/now-before/$backend" "$dir/after/$backend" >"$dir/diff-$backend.txt"; then
      echo "golden: $backend: $n outputs byte-identical to the binary recorded before"
    else
      echo "golden: $backend: DIFFERENT from the binary recorded before (see $dir/diff-$backend.txt)"; status=1
    fi
    changed=$(diff -rq "$dir/recorded/$backend" "$dir/after/$backend" | wc -l || true)
    echo "golden: $backend: $changed of $n outputs differ from the recording (clock-relative ones expected: $(diff -rq "$dir/recorded/$backend" "$dir/after/$backend" | sed 's/.*and //; s/ differ//' | xargs -r -n1 basename | tr '\n' ' '))"
  done
  exit $status
  ;;
*) echo "usage: golden.sh record|compare DIR" >&2; exit 64 ;;
esac
