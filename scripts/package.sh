#!/usr/bin/env bash
# Builds the Debian package of mkimg (CPack DEB, cmake/package.cmake) into dist/: installs
# the build dependencies (scripts/setup.sh), builds the binary, the preload library, the
# man page and the completions in a Release tree without tests, and packs what
# `cmake --install` installs under /usr. Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
build_dir=${BUILD_DIR:-build-package}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DMKIMG_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target mkimg mkimg_preload mkimg_docs >&2
mkdir -p dist
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B dist >&2
ls -1 "$PWD"/dist/mkimg_*.deb | tail -1
