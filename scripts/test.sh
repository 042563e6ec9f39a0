#!/usr/bin/env bash
# Sets up, builds and runs every test: the GoogleTest suites and the checks against
# independent tools (ctest), in a GCC build; then the fuzz targets briefly under
# clang + libFuzzer + ASan/UBSan when fuzz/run_campaign.sh exists.
set -euo pipefail
cd "$(dirname "$0")/.."
# Some tools the tests check against live in sbin (mkudffs, sgdisk).
export PATH="$PATH:/usr/sbin:/sbin"
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
if [ -x fuzz/run_campaign.sh ] && [ "${MKIMG_SKIP_FUZZ:-0}" != 1 ]; then
  fuzz/run_campaign.sh --short
fi
