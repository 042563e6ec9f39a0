#!/usr/bin/env bash
# Configures and builds mkimg into build/ (or $BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMKIMG_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
