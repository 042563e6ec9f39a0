#!/usr/bin/env bash
# The main job on the bundled example: set up, build the mkimg binary alone (not the
# tests or fuzz targets: scripts/build.sh builds everything), then build
# examples/basic/manifest.json into out/example.iso and list it with xorriso, an
# independent reader.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMKIMG_WERROR=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target mkimg
mkdir -p out
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600} \
  "$build_dir"/mkimg/mkimg build examples/basic/manifest.json -o out/example.iso
xorriso -indev out/example.iso -find / -exec lsdl 2>/dev/null
echo "example image: out/example.iso"
