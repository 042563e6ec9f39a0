#!/usr/bin/env bash
# The copy-free benchmark (specs/layout.md, "Data alignment"): on an XFS file system with
# reflink, made on a loop device (root needed), builds an image of 8 x 256 MiB files and of
# the 100,000-file tree with mkimg, and compares in one run against `cat` of the same
# files, `cp --reflink=always` of each file, and `xorriso -as mkisofs -R -J`: wall time
# (/usr/bin/time) and disk space used (statvfs before and after, after sync). Not run in CI.
#
# Usage: sudo bench/copy_free.sh [--mkimg PATH] [--fs xfs|btrfs] [--large-count N]
#                                [--large-mib N] [--files N]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mkimg="$root/build/mkimg/mkimg"
fs=xfs
large_count=8
large_mib=256
small_files=100000
while [ $# -gt 0 ]; do
  case $1 in
    --mkimg) mkimg=$2; shift ;;
    --fs) fs=$2; shift ;;
    --large-count) large_count=$2; shift ;;
    --large-mib) large_mib=$2; shift ;;
    --files) small_files=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "copy_free.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "copy_free.sh: needs root (mount -o loop)" >&2; exit 2; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mkimg-copy-free.XXXXXX")
mnt=$scratch/mnt
mkdir -p "$mnt"
size_mib=$(( large_count * large_mib * 3 + 2048 ))
truncate -s "${size_mib}M" "$scratch/fs.img"
case $fs in
  xfs) mkfs.xfs -q -m reflink=1 "$scratch/fs.img" ;;
  btrfs) mkfs.btrfs -q "$scratch/fs.img" ;;
  *) echo "copy_free.sh: --fs xfs or btrfs" >&2; exit 2 ;;
esac
mount -o loop "$scratch/fs.img" "$mnt"
cleanup() { umount "$mnt" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

free_kib() { sync; df -k --output=avail "$mnt" | tail -1 | tr -d ' '; }
# run NAME COMMAND...: prints name, wall seconds, MiB of disk used, then removes outputs.
run() {
  local name=$1; shift
  local before after secs
  before=$(free_kib)
  if ! /usr/bin/time -f '%e' -o "$scratch/time" "$@" >/dev/null 2>"$scratch/err"; then
    echo "copy_free.sh: $name failed: $(head -c 300 "$scratch/err")" >&2
    exit 1
  fi
  secs=$(tail -1 "$scratch/time")
  after=$(free_kib)
  printf '%-28s %8s s %10s MiB\n' "$name" "$secs" "$(( (before - after) / 1024 ))"
  rm -rf "$mnt/out" "$mnt/out.iso"
  sync
}

echo "making $large_count x $large_mib MiB on $fs ..."
/usr/bin/python3 "$here/gen_tree.py" large "$mnt/large" --count "$large_count" \
  --size $(( large_mib << 20 )) >/dev/null
# A 2 KiB file in front, so that without alignment the large files' data starts off a
# 4 KiB boundary of the image (as any real tree does).
head -c 2048 /dev/urandom > "$mnt/large/0-small.txt"
/usr/bin/python3 "$here/gen_tree.py" small "$mnt/small" --files "$small_files" >/dev/null
sync

printf '%-28s %10s %14s\n' "large ($large_count x $large_mib MiB)" wall disk
# coreutils 9 `cat` uses copy_file_range, so it shares aligned files too; `cat | cat`
# is the copy floor every copying tool pays.
run "cat > file" sh -c "cat $mnt/large/* > $mnt/out.iso"
run "cat | cat > file" sh -c "cat $mnt/large/* | cat > $mnt/out.iso"
run "cp --reflink=always" sh -c "mkdir $mnt/out && cp --reflink=always $mnt/large/*.bin $mnt/out/"
run "mkimg build" "$mkimg" build -o "$mnt/out.iso" "$mnt/large" --quiet
run "mkimg build --align-data 0" "$mkimg" build --align-data 0 -o "$mnt/out.iso" "$mnt/large" --quiet
run "xorriso -as mkisofs -R -J" xorriso -as mkisofs -R -J -quiet -o "$mnt/out.iso" "$mnt/large"
printf '%-28s\n' "small ($small_files files)"
run "mkimg build" "$mkimg" build -o "$mnt/out.iso" "$mnt/small" --quiet
run "xorriso -as mkisofs -R -J" xorriso -as mkisofs -R -J -quiet -o "$mnt/out.iso" "$mnt/small"
