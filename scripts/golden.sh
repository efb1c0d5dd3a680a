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

# outputs BINARY DB OUTDIR: every report × format, exports, doctor.
outputs() {
  local callhist=$1 db=$2 out=$3 name
  mkdir -p "$out"
  local reports=("summary" "daily" "daily --by week" "daily --by hour --utc" "daily --utc" "attempts" "durations" "pending"
    "pending --limit 5" "runs" "labels campaign" "daily --label-column region" "anomalies --since @0" "summary --label campaign=spring"
    "call call-0000002" "call call-0001999" "summary --status completed" "durations --since @1" "summary --since 2026-11-10 --until 2026-11-20")
  for spec in "${reports[@]}"; do
    read -r -a args <<<"$spec"
    for format in table csv json markdown; do
      name=$(echo "report $spec $format" | tr ' /=@' '____')
      "$callhist" report "${args[@]}" --format "$format" --db "$db" >"$out/$name.out" 2>"$out/$name.err" || echo "exit $?" >>"$out/$name.err"
    done
  done
  for table in calls events snapshots; do
    for format in csv ndjson; do
      "$callhist" export "$table" --format "$format" --db "$db" >"$out/export_${table}_$format.out" 2>&1 || echo "exit $?" >>"$out/export_${table}_$format.out"
    done
  done
  "$callhist" report html --db "$db" --output "$out/report.html" >/dev/null 2>&1 || echo "exit $?" >"$out/report_html.err"
  # The page names its creation time: compare it without that line.
  [ -f "$out/report.html" ] && grep -v 'Generated\|generated' "$out/report.html" >"$out/report_html.out" && rm "$out/report.html"
  "$callhist" doctor --db "$db" >"$out/doctor.out" 2>&1 || echo "exit $?" >>"$out/doctor.out"
  "$callhist" archive --dry-run --list --no-refresh --db "$db" call-0000001 call-0000005 new-id >"$out/dry_run.out" 2>&1 || echo "exit $?" >>"$out/dry_run.out"
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
  outputs "$dir/callhist.before" "$dir/archive.sqlite" "$dir/recorded/sqlite"
  outputs "$dir/callhist.before" "$pg" "$dir/recorded/postgresql"
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
    outputs "$dir/callhist.before" "$db" "$dir/now-before/$backend"
    outputs "$bin/callhist" "$db" "$dir/after/$backend"
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
