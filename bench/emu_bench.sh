#!/usr/bin/env bash
# The virtual recorder benchmark (issue 16 item 6, bench/README.md): each unmodified burn
# program burns one image through `mkimg emu run` onto the media it supports, and the same
# program writes the same data to a file (xorriso -outdev stdio:, cdrskin dev=stdio:) or,
# for programs that cannot, a durable copy of the image is made (dd conv=fdatasync). The
# table gives both wall times, their ratio and the peak RSS of the emulator server (the
# `mkimg emu run` process). Target: at most 1.5x, never more than 2x. Not a test; not run
# in CI.
#
# usage: bench/emu_bench.sh [--scratch DIR] [--mkimg PATH] [--mib N] [--big] [--repeat N]
#                           [--only xorriso,cdrskin,growisofs,wodim,cdrdao] [--strace]
#   --mib N   image size (default 200); --big is --mib 2048 (cdrdao is CD-only: skipped,
#             wodim writes DVD-R instead of CD-R)
#   --repeat  runs every command N times and keeps the fastest
#   --strace  also runs every burn once under strace -f (not timed) and adds the socket
#             calls (send/recv family, program and server together) and the bytes they
#             moved
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="${TMPDIR:-/tmp}/mkimg-emu-bench"
mkimg="$root/build/mkimg/mkimg"
mib=200
repeat=1
only="xorriso,cdrskin,growisofs,wodim,cdrdao"
trace=0
usage="usage: bench/emu_bench.sh [--scratch DIR] [--mkimg PATH] [--mib N] [--big] [--repeat N] [--only LIST] [--strace]"

while [ $# -gt 0 ]; do
  case "$1" in
    --scratch) scratch="$2"; shift 2 ;;
    --mkimg) mkimg="$2"; shift 2 ;;
    --mib) mib="$2"; shift 2 ;;
    --big) mib=2048; shift ;;
    --repeat) repeat="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --strace) trace=1; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
mkimg="$(cd "$(dirname "$mkimg")" && pwd)/$(basename "$mkimg")"
# The preload library of the mkimg measured (the one beside it), unless one is given.
if [ -z "${MKIMG_PRELOAD_LIBRARY:-}" ] && [ -f "$(dirname "$mkimg")/libmkimg_preload.so" ]; then
  export MKIMG_PRELOAD_LIBRARY="$(dirname "$mkimg")/libmkimg_preload.so"
fi
export LC_ALL=C

mkdir -p "$scratch"
tree="$scratch/tree-$mib"
python3 "$here/gen_tree.py" large "$tree" --count 1 --size $((mib << 20))
image="$scratch/image.iso"
xorriso -as mkisofs -quiet -R -J -o "$image" "$tree" 2> /dev/null
sectors=$(( $(stat -c %s "$image") / 2048 ))
cat "$tree"/* "$image" > /dev/null  # the page cache warm for every run alike

# run NAME CMD...: the fastest wall time of $repeat runs of CMD in $scratch/t_NAME.
run() {
  local name="$1" best="" i start end t
  shift
  for ((i = 0; i < repeat; i++)); do
    [ -n "${PREPARE:-}" ] && eval "$PREPARE"
    sync
    start=$(date +%s.%N)
    if ! ("$@") > "$scratch/log_$name" 2>&1; then
      echo "$name failed; its output:" >&2
      cat "$scratch/log_$name" >&2
      exit 1
    fi
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best" > "$scratch/t_$name"
}

# sampled NAME CMD...: CMD once more, not timed, while the peak RSS (KiB) of the
# `mkimg emu run` process (the server) is sampled into $scratch/rss_NAME. Apart from the
# timed runs, so that the sampling does not slow them down.
sampled() {
  local name="$1" pid hwm=0 t
  shift
  [ -n "${PREPARE:-}" ] && eval "$PREPARE"
  "$@" > "$scratch/log_$name" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    t=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
    [ -n "$t" ] && [ "$t" -gt "$hwm" ] && hwm=$t
    sleep 0.05
  done
  if ! wait "$pid"; then
    echo "$name failed while sampled; its output:" >&2
    cat "$scratch/log_$name" >&2
    exit 1
  fi
  echo "$hwm" > "$scratch/rss_$name"
}

# counted NAME CMD...: with --strace, CMD once more under strace -f; $scratch/sys_NAME gets
# "CALLS BYTES" of the socket calls (sendto, recvfrom, sendmsg, recvmsg) of every process.
counted() {
  local name="$1"
  shift
  echo "- -" > "$scratch/sys_$name"
  [ "$trace" = 1 ] || return 0
  [ -n "${PREPARE:-}" ] && eval "$PREPARE"
  strace -f -qq -o "$scratch/strace_$name" -e trace=sendto,recvfrom,sendmsg,recvmsg \
    "$mkimg" emu run --drive "/dev/sr0=$disc" -- "$@" > "$scratch/log_$name" 2>&1 || {
    echo "$name failed under strace; its output:" >&2; cat "$scratch/log_$name" >&2; exit 1; }
  awk '/ resumed>/ || (/(sendto|recvfrom|sendmsg|recvmsg)\(/ && !/unfinished/) {
         calls++; if (match($0, /= [0-9]+$/)) bytes += substr($0, RSTART + 2) }
       END { printf "%d %d\n", calls, bytes }' "$scratch/strace_$name" > "$scratch/sys_$name"
  rm -f "$scratch/strace_$name"
}

disc="$scratch/disc.emu"
copy="$scratch/copy.iso"
fresh() { echo "rm -f '$disc' '$copy'; '$mkimg' emu new $1 '$disc'"; }
emu() { exec "$mkimg" emu run --drive "/dev/sr0=$disc" -- "$@"; }
# check MEDIA: the disc holds the image (the first $sectors sectors exported).
check() {
  "$mkimg" emu export "$disc" "$scratch/export.iso"
  cmp -n $((sectors * 2048)) "$image" "$scratch/export.iso" || {
    echo "$1: the disc does not hold the image" >&2; exit 1; }
  rm -f "$scratch/export.iso"
}
dd_copy() { dd if="$image" of="$copy" bs=1M conv=fdatasync status=none; }

rows=()
add_row() {  # add_row PROGRAM MEDIA BASELINE-NAME
  local t b r
  t=$(cat "$scratch/t_$1")
  b=$(cat "$scratch/t_$3")
  r=$(echo "$t / $b" | bc -l)
  read -r calls bytes < "$scratch/sys_$1"
  rows+=("$(printf '%-10s %-7s %9.2f %-22s %9.2f %7.2f %9.1f %10s %12s' "$1" "$2" "$t" "$3" "$b" \
    "$r" "$(echo "$(cat "$scratch/rss_$1") / 1024" | bc -l)" "$calls" "$bytes")")
}

PREPARE="rm -f '$copy'" run dd dd_copy
wodim_media=cd-r
wodim_mode=-tao
if [ "$mib" -gt 600 ]; then wodim_media=dvd-r; wodim_mode=-sao; fi

for program in ${only//,/ }; do
  case "$program" in
    xorriso)
      PREPARE="rm -f '$copy'" run xorriso-file xorriso -outdev "stdio:$copy" -map "$tree" / -commit
      PREPARE="$(fresh dvd+r)" run xorriso emu xorriso -outdev /dev/sr0 -map "$tree" / -commit
      PREPARE="$(fresh dvd+r)" sampled xorriso emu xorriso -outdev /dev/sr0 -map "$tree" / -commit
      PREPARE="$(fresh dvd+r)" counted xorriso xorriso -outdev /dev/sr0 -map "$tree" / -commit
      add_row xorriso dvd+r xorriso-file ;;
    cdrskin)
      # As root, cdrskin writes to stdio: files only with /root/cdrskin_permissions; as
      # nobody it needs nothing.
      as_user=()
      if [ "$(id -u)" = 0 ]; then
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        mkdir -p "$scratch/out" && chmod 1777 "$scratch/out"
        chmod a+rx "$scratch" && chmod a+r "$image"
      fi
      PREPARE="rm -f '$scratch/out/copy.iso'" run cdrskin-file "${as_user[@]}" cdrskin -v \
        --allow_emulated_drives gracetime=0 "dev=stdio:$scratch/out/copy.iso" "$image"
      rm -f "$scratch/out/copy.iso"
      PREPARE="$(fresh dvd+r)" run cdrskin emu cdrskin -v gracetime=0 dev=/dev/sr0 "$image"
      check cdrskin
      PREPARE="$(fresh dvd+r)" sampled cdrskin emu cdrskin -v gracetime=0 dev=/dev/sr0 "$image"
      PREPARE="$(fresh dvd+r)" counted cdrskin cdrskin -v gracetime=0 dev=/dev/sr0 "$image"
      add_row cdrskin dvd+r cdrskin-file ;;
    growisofs)
      PREPARE="$(fresh dvd+r)" run growisofs emu growisofs -Z "/dev/sr0=$image"
      check growisofs
      PREPARE="$(fresh dvd+r)" sampled growisofs emu growisofs -Z "/dev/sr0=$image"
      PREPARE="$(fresh dvd+r)" counted growisofs growisofs -Z "/dev/sr0=$image"
      add_row growisofs dvd+r dd ;;
    wodim)
      PREPARE="$(fresh $wodim_media)" run wodim \
        emu wodim -v dev=/dev/sr0 gracetime=0 "$wodim_mode" "$image"
      check wodim
      PREPARE="$(fresh $wodim_media)" sampled wodim \
        emu wodim -v dev=/dev/sr0 gracetime=0 "$wodim_mode" "$image"
      PREPARE="$(fresh $wodim_media)" counted wodim wodim -v dev=/dev/sr0 "$wodim_mode" "$image"
      add_row wodim "$wodim_media" dd ;;
    cdrdao)
      if [ "$mib" -gt 700 ]; then continue; fi  # a CD holds at most 700 MiB
      printf 'CD_ROM\n\nTRACK MODE1\nDATAFILE "%s"\n' "$image" > "$scratch/disc.toc"
      PREPARE="$(fresh cd-r)" run cdrdao \
        emu cdrdao write --device /dev/sr0 --driver generic-mmc -n "$scratch/disc.toc"
      check cdrdao
      PREPARE="$(fresh cd-r)" sampled cdrdao \
        emu cdrdao write --device /dev/sr0 --driver generic-mmc -n "$scratch/disc.toc"
      PREPARE="$(fresh cd-r)" counted cdrdao \
        cdrdao write --device /dev/sr0 --driver generic-mmc -n "$scratch/disc.toc"
      add_row cdrdao cd-r dd ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
rm -f "$disc" "$copy"

printf '%-10s %-7s %9s %-22s %9s %7s %9s %10s %12s\n' program media "emu s" baseline "base s" \
  ratio "srv MiB" "sock calls" "sock bytes"
for r in "${rows[@]}"; do echo "$r"; done
echo "image: $sectors sectors ($mib MiB of data); best of $repeat"
