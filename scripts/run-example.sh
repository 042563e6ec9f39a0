#!/usr/bin/env bash
# The main job on the bundled example: set up, build, then build examples/basic/manifest.json
# into out/example.iso and list it with xorriso, an independent reader.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p out
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600} \
  build/mkimg/mkimg build examples/basic/manifest.json -o out/example.iso
xorriso -indev out/example.iso -find / -exec lsdl 2>/dev/null
echo "example image: out/example.iso"
