#!/bin/sh
# Measures the structure-aware mutator (fuzz/mutator/, specs/fuzzing.md) against plain
# libFuzzer: for each TARGET, runs TARGET (with the mutator) and TARGET_bytes (the same
# target without it) side by side for SECONDS seconds each from scratch copies of the same
# seed corpus, then replays both final corpora through TARGET_bytes with -runs=0 so that
# coverage is counted by one binary. Prints executions per second, libFuzzer's cov and ft
# at the end of each run, and the replayed edge coverage.
#
# Usage: fuzz/compare_mutator.sh [--seconds N] [--build DIR] TARGET...
#   --seconds N  seconds per run (default 300)
#   --build DIR  a clang build configured as fuzz/run_campaign.sh does, plus
#                -DMKIMG_FUZZ_BASELINE=ON (default build-fuzz under the source tree)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
seconds=300
build=$src/build-fuzz
targets=
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --build) build=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "compare_mutator.sh: unknown option $1" >&2; exit 2 ;;
    *) targets="$targets $1" ;;
  esac
  shift
done
[ -n "$targets" ] || targets="udf_fuzzer susp_fuzzer"
work=$(mktemp -d "${TMPDIR:-/tmp}/mkimg-compare.XXXXXX")

run() {  # run BINARY CORPUS LOG
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    "$1" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -max_len=1048576 -artifact_prefix="$work/" "$2" >"$3" 2>&1 || true
}
replay_cov() {  # replay_cov BINARY CORPUS
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$1" -runs=0 -timeout=25 \
    -rss_limit_mb=2048 "$2" 2>&1 | grep -o 'cov: [0-9]*' | tail -1 | cut -d' ' -f2
}

printf '%-22s %-9s %10s %8s %8s %8s %8s %s\n' target mutator executions exec/s cov ft corpus replayed-cov
for t in $targets; do
  for v in structure bytes; do
    bin=$build/fuzz/$t
    [ "$v" = bytes ] && bin=${bin}_bytes
    [ -x "$bin" ] || { echo "compare_mutator.sh: $bin is not built" >&2; exit 2; }
    mkdir -p "$work/$t-$v"
    [ -d "$here/corpus/$t" ] && cp -r "$here/corpus/$t/." "$work/$t-$v/"
    [ -d "$here/regressions/$t" ] && cp -r "$here/regressions/$t/." "$work/$t-$v/"
  done
  run "$build/fuzz/$t" "$work/$t-structure" "$work/$t-structure.log" &
  run "$build/fuzz/${t}_bytes" "$work/$t-bytes" "$work/$t-bytes.log" &
  wait
  for v in structure bytes; do
    log=$work/$t-$v.log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    size=$(ls "$work/$t-$v" | wc -l)
    replayed=$(replay_cov "$build/fuzz/${t}_bytes" "$work/$t-$v")
    printf '%-22s %-9s %10s %8s %8s %8s %8s %s\n' "$t" "$v" "${execs:-?}" "${rate:-?}" \
      "${cov:-?}" "${ft:-?}" "$size" "${replayed:-?}"
    if grep -m1 -E 'ERROR: |runtime error' "$log" >&2; then found=1; fi
  done
done
if [ "${found:-0}" = 1 ]; then
  echo "compare_mutator.sh: findings; logs and artifacts in $work" >&2
  exit 1
fi
rm -rf "$work"
