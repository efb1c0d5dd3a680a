# Sourced by the benchmarks. best CMD…: the best wall time of 3 runs of
# CMD, in seconds (output discarded); needs $tmp, a scratch folder.
best() {  # best wall time of 3 runs of "$@", in seconds
  local b=999
  for _ in 1 2 3; do
    /usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null 2>&1
    b=$(awk -v a="$b" -v t="$(cat "$tmp/t")" 'BEGIN {print (t < a ? t : a)}')
  done
  echo "$b"
}
