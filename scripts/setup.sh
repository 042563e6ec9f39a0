#!/usr/bin/env bash
# Installs everything mkimg needs to build, test, fuzz and benchmark on Debian 12, from
# Debian's packages only. Idempotent: packages already present are left alone, and
# `apt-get update` runs only when something is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake g++ clang-14 libclang-rt-14-dev clang-format git pkg-config
  # libraries
  libboost-filesystem-dev libxxhash-dev libzstd-dev rapidjson-dev libgtest-dev libgmock-dev
  libcli11-dev libfmt-dev
  # independent readers and burn programs the tests check against
  xorriso genisoimage 7zip python3 python3-pycdlib udftools udfclient libudfread-dev libiso9660-dev libcdio-utils cdrdao bchunk
  gdisk dosfstools mtools wodim cdrskin growisofs
  # copy-free builds on XFS and btrfs loop file systems (tests/e2e/copy_free_test.cc)
  xfsprogs btrfs-progs
  # booting the images the boot tests build (tests/boot/boot_tests.py), and fdisk -l
  qemu-system-x86 ovmf grub-pc-bin grub-efi-amd64-bin grub-common fdisk
  # benchmarks
  time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
