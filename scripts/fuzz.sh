#!/usr/bin/env bash
# Fuzzes with libFuzzer + AddressSanitizer for SECONDS per target (default 60):
#   json, xml  the status decoders;
#   ids        the ids-file reader;
#   pipeline   the whole pipeline: decode → store (in-memory SQLite) → every
#              report in every format, every export, rebuild.
# Starts from the seed corpus in Fuzz/corpus. Prints executions and coverage
# per target; exits non-zero when a target crashes (the input is saved as
# crash-*). TARGETS="pipeline" ./scripts/fuzz.sh 600 runs one target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
targets=${TARGETS:-json xml ids pipeline}
out=.build/fuzz
mkdir -p "$out"
# The decoders build alone, without libcurl: gather their sources into one
# module (dropping the cross-module imports) so libFuzzer instruments only them.
src="$out/src"
rm -rf "$src"; mkdir -p "$src"
for f in StatusDecoder JSONReader XMLTree LooseValue CallStatus BodyFormat StatusDecodingError CallID FieldBounds; do
  grep -v '^import FuseAPI$' "Sources/FuseAPI/$f.swift" >"$src/$f.swift"
done
for f in IDFileReader InputError Label LineReader SafeText; do
  grep -v '^import FuseAPI$' "Sources/CallHistory/$f.swift" >"$src/$f.swift"
done

build() {  # $1: target. Leaves the binary at $out/fuzz-$1.
  if [ "$1" = pipeline ]; then
    # Through SwiftPM: the target uses the package's modules (SQLite, the store, the reports).
    # The build plugin's tool is built with the sanitizers too; Foundation's
    # Process leaks a few bytes when it runs git, which is not ours to fix.
    ASAN_OPTIONS=detect_leaks=0 CALLHIST_FUZZ=1 swift build -c release --product FuzzPipeline --build-path .build-fuzz \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >"$out/build-$1.log" 2>&1 || return 1
    cp .build-fuzz/release/FuzzPipeline "$out/fuzz-$1"
  else
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzz -D "FUZZ_$(echo "$1" | tr a-z A-Z)" \
      "$src"/*.swift Fuzz/FuzzTarget.swift -o "$out/fuzz-$1" >"$out/build-$1.log" 2>&1
  fi
}

status=0
for target in $targets; do
  if ! build "$target"; then
    tail -40 "$out/build-$target.log" >&2
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
    echo "   corpus: $(ls "$work" | wc -l) inputs; no crash"
  else
    status=1
    echo "   CRASH — see $out/log-$target and $out/crash-$target-*"
    tail -30 "$out/log-$target"
  fi
done
exit $status
