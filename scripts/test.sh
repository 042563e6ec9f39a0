#!/usr/bin/env bash
# Sets up, builds and runs every test: the GoogleTest suites and the checks against
# independent tools and real burn programs (ctest), in a GCC build; then each fuzz target
# briefly under clang + libFuzzer + ASan/UBSan. Ends with one line "tests: N passed, N
# failed[, N skipped]" from ctest's and the campaign's own counts (scripts/test_summary.py)
# and exits non-zero when anything failed, or, with CI set, when anything was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
# Some tools the tests check against live in sbin (mkudffs, sgdisk).
export PATH="$PATH:/usr/sbin:/sbin"
scripts/setup.sh
scripts/build.sh
ctest_status=0
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900 | tee build/ctest.log ||
  ctest_status=$?
fuzz_args=()
if [ "${MKIMG_SKIP_FUZZ:-0}" != 1 ]; then
  fuzz_status=0
  fuzz/run_campaign.sh --short | tee build/fuzz.log || fuzz_status=$?
  fuzz_args=(--fuzz build/fuzz.log --fuzz-status "$fuzz_status")
fi
# Passed, failed and skipped as ctest and the campaign report them; exits 1 on any
# failure, and under CI on any skip.
exec python3 scripts/test_summary.py --ctest build/ctest.log --ctest-status "$ctest_status" \
  "${fuzz_args[@]}"
