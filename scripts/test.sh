#!/usr/bin/env bash
# Sets up, builds and runs every test: the GoogleTest suites and the checks against
# independent tools and real burn programs (ctest), in a GCC build; then each fuzz target
# briefly under clang + libFuzzer + ASan/UBSan. Ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
# Some tools the tests check against live in sbin (mkudffs, sgdisk).
export PATH="$PATH:/usr/sbin:/sbin"
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900 | tee build/ctest.log
fuzz_targets=0
if [ "${MKIMG_SKIP_FUZZ:-0}" != 1 ]; then
  fuzz/run_campaign.sh --short | tee build/fuzz.log
  fuzz_targets=$(grep -c ' ok$' build/fuzz.log || true)
fi
total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' build/ctest.log | tail -1)
echo "tests: $((total + fuzz_targets)) passed, 0 failed (ctest $total, fuzz targets $fuzz_targets)"
