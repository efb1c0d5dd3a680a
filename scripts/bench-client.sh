#!/usr/bin/env bash
# Client benchmark (issue 3): statuses fetched and decoded per second against
# fuse-mock on loopback at concurrency 8, 32 and 64, beside the ceiling wrk
# measures against the same mock in the same run; the latency-bound rate
# against the ideal concurrency/latency; and decoder rates per parser.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/test.sh" >&2; exit 1; }
swift build -c release --static-swift-stdlib --product fuse-mock >/dev/null
swift build -c release --static-swift-stdlib --product fuse-bench >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
count=${COUNT:-50000}

mock=
start_mock() {  # sets $mock and $port
  rm -f "$tmp/port"
  "$bin/fuse-mock" --port 0 --speed 0 --calls "$count" "$@" >"$tmp/port" 2>/dev/null &
  mock=$!
  for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(head -1 "$tmp/port")
}
tmp=$(mktemp -d)
trap '[ -n "$mock" ] && kill $mock 2>/dev/null; rm -rf "$tmp"' EXIT
cat >"$tmp/auth.lua" <<'LUA'
wrk.headers["Authorization"] = "Basic ZGVtb0BleGFtcGxlLmNvbTpkZW1vLWtleQ=="
LUA

echo "== decode rate (documented example bodies)"
"$bin/fuse-bench" decode --json Tests/FuseAPITests/Fixtures/status-completed.json \
  --xml Tests/FuseAPITests/Fixtures/status-completed.xml --iterations 100000

echo "== throughput, no latency ($count ids per run)"
start_mock
printf "%-12s %14s %14s %8s\n" concurrency "client ids/s" "wrk req/s" ratio
for c in 8 32 64; do
  ceiling=$(wrk -t2 -c"$c" -d4s -s "$tmp/auth.lua" "http://127.0.0.1:$port/api/outbound/call-0000001" | awk '/Requests\/sec/ {print $2}')
  rate=$("$bin/fuse-bench" fetch --base-url "http://127.0.0.1:$port/api" --count "$count" --concurrency "$c" | sed 's/.*per_second=//')
  printf "%-12s %14s %14s %8s\n" "$c" "$rate" "$ceiling" "$(awk -v a="$rate" -v b="$ceiling" 'BEGIN {printf "%.2f", a/b}')"
done
kill $mock; wait $mock 2>/dev/null || true

echo "== latency-bound: --latency 50"
start_mock --latency 50
printf "%-12s %14s %14s %8s\n" concurrency "client ids/s" "ideal c/0.05s" ratio
for c in 8 32 64; do
  n=$((c * 40))
  rate=$("$bin/fuse-bench" fetch --base-url "http://127.0.0.1:$port/api" --count "$n" --concurrency "$c" | sed 's/.*per_second=//')
  ideal=$((c * 20))
  printf "%-12s %14s %14s %8s\n" "$c" "$rate" "$ideal" "$(awk -v a="$rate" -v b="$ideal" 'BEGIN {printf "%.2f", a/b}')"
done
