#!/usr/bin/env bash
# Fuzzes the JSON and XML status decoders and the ids-file reader with
# libFuzzer + AddressSanitizer for SECONDS each (default 60), starting from
# the seed corpus in Fuzz/corpus. Prints executions and coverage per target;
# exits non-zero when a target crashes (the input is saved as crash-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build/fuzz
mkdir -p "$out"
# The decoders build alone, without libcurl: gather their sources into one
# module (dropping the cross-module imports) so libFuzzer instruments only them.
src="$out/src"
rm -rf "$src"; mkdir -p "$src"
for f in StatusDecoder JSONReader XMLTree LooseValue CallStatus BodyFormat StatusDecodingError CallID; do
  grep -v '^import FuseAPI$' "Sources/FuseAPI/$f.swift" >"$src/$f.swift"
done
for f in IDFileReader InputError; do
  grep -v '^import FuseAPI$' "Sources/CallHistory/$f.swift" >"$src/$f.swift"
done
status=0
for target in json xml ids; do
  flag=FUZZ_$(echo "$target" | tr a-z A-Z)
  if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzz -D "$flag" \
      "$src"/*.swift Fuzz/FuzzTarget.swift -o "$out/fuzz-$target" >"$out/build-$target.log" 2>&1; then
    cat "$out/build-$target.log" >&2
    exit 2
  fi
  work="$out/corpus-$target"
  mkdir -p "$work"
  cp -n Fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
  echo "== $target: ${seconds}s"
  if "$out/fuzz-$target" "$work" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$out/crash-$target-" -print_final_stats=1 >"$out/log-$target" 2>&1; then
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb" "$out/log-$target" | sed 's/^/   /'
    grep -Eo "cov: [0-9]+ ft: [0-9]+" "$out/log-$target" | tail -1 | sed 's/^/   /'
    echo "   no crash"
  else
    status=1
    echo "   CRASH — see $out/log-$target and $out/crash-$target-*"
    tail -30 "$out/log-$target"
  fi
done
exit $status
