#!/bin/sh
# Fuzzing campaigns: builds every fuzz target with clang 14 + libFuzzer + ASan/UBSan in a
# separate build folder, runs each target for SECONDS seconds on a scratch copy of its
# seed corpus (the committed corpus is not modified), and prints, per target, the
# executions, the edge coverage and the corpus size reached. Crashes, leaks and timeouts
# are saved under the work folder and make the script exit 1; each should become a
# regression input in fuzz/regressions/<target>/ (replayed by ctest) once fixed.
#
# Usage: fuzz/run_campaign.sh [--short|--long] [--seconds N] [--jobs J] [TARGET...]
#   --short       CI mode: 20 seconds per target
#   --long        the release campaign: 600 seconds (10 minutes) per target, two hours
#                 for all twelve; every input is limited to 10 s and 2 GiB RSS
#   --seconds N   seconds per target (default 300)
#   --build DIR   build folder (default build-fuzz under the source tree)
#   --work DIR    scratch corpora and artifacts (default a temporary folder, kept on failure)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
seconds=300
build=$src/build-fuzz
work=
jobs=2
targets=
while [ $# -gt 0 ]; do
  case $1 in
    --short) seconds=20 ;;
    --long) seconds=600 ;;
    --seconds) seconds=$2; shift ;;
    --build) build=$2; shift ;;
    --work) work=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "run_campaign.sh: unknown option $1" >&2; exit 2 ;;
    *) targets="$targets $1" ;;
  esac
  shift
done
[ -n "$targets" ] || targets="image_reader_fuzzer eltorito_fuzzer partition_table_fuzzer susp_fuzzer udf_fuzzer manifest_fuzzer roundtrip_fuzzer mmc_response_fuzzer drive_command_fuzzer server_wire_fuzzer toc_fuzzer disc_file_fuzzer"
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/mkimg-fuzz.XXXXXX")
mkdir -p "$work"

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMKIMG_SANITIZE=ON -DMKIMG_BUILD_TESTS=ON \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link >"$work/cmake.log" 2>&1 ||
  { cat "$work/cmake.log" >&2; exit 2; }
# shellcheck disable=SC2086
cmake --build "$build" -j"$jobs" --target $targets >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log" >&2; exit 2; }

failed=0
printf '%-24s %12s %10s %8s %s\n' target executions coverage corpus result
for t in $targets; do
  bin=$build/fuzz/$t
  [ -x "$bin" ] || { printf '%-24s %s\n' "$t" "not built"; continue; }
  corpus=$work/corpus/$t
  mkdir -p "$corpus" "$work/artifacts/$t"
  [ -d "$here/corpus/$t" ] && cp -r "$here/corpus/$t/." "$corpus/"
  [ -d "$here/regressions/$t" ] && cp -r "$here/regressions/$t/." "$corpus/"
  log=$work/$t.log
  result=ok
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -max_len=1048576 -artifact_prefix="$work/artifacts/$t/" "$corpus" >"$log" 2>&1 || result=FAILED
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  size=$(ls "$corpus" | wc -l)
  printf '%-24s %12s %10s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" "$size" "$result"
  if [ "$result" != ok ]; then
    failed=1
    grep -m1 -E 'ERROR: |runtime error|CHECK failed|roundtrip:' "$log" >&2 || tail -5 "$log" >&2
    ls "$work/artifacts/$t" >&2
  fi
done
if [ "$failed" != 0 ]; then
  echo "run_campaign.sh: failures; logs and artifacts in $work" >&2
  exit 1
fi
rm -rf "$work"
