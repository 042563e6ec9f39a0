#!/usr/bin/env bash
# The authoring benchmark (issue 2 item 8, issue 3 item 6): builds the same trees with
# mkimg, `xorriso -as mkisofs -R -J` and `genisoimage -R -J`, and `cat`s the same payload
# as the floor, printing one table of wall time, ratio to cat, peak RSS and RSS per file.
# Trees: 100,000 files of 0-8 KiB in 1,000 folders, and 8 x 256 MiB. Optional runs: the
# 1,000,000-file peak-RSS run (--million) and the listing race on the 100,000-file image
# (`mkimg ls -l` vs `isoinfo -R -l`, xorriso and pycdlib; run when `mkimg ls` exists).
# Usage and the numbers seen on the project machine: bench/README.md. Not run in CI.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="${TMPDIR:-/tmp}/mkimg-bench"
mkimg="$root/build/mkimg/mkimg"
small_files=100000
folders=1000
large_count=8
large_size=$((256 << 20))
million=0
million_files=1000000
repeat=1
only="small,large,ls"

usage() {
  cat <<EOF
usage: bench/run_bench.sh [--scratch DIR] [--mkimg PATH] [--only small,large,ls,udf]
                          [--files N] [--folders N] [--large-count N] [--large-mib N]
                          [--million [N]] [--repeat N]
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --scratch) scratch="$2"; shift 2 ;;
    --mkimg) mkimg="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --files) small_files="$2"; shift 2 ;;
    --folders) folders="$2"; shift 2 ;;
    --large-count) large_count="$2"; shift 2 ;;
    --large-mib) large_size=$(($2 << 20)); shift 2 ;;
    --million)
      million=1
      if [ $# -gt 1 ] && [[ "$2" =~ ^[0-9]+$ ]]; then million_files="$2"; shift; fi
      shift ;;
    --repeat) repeat="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

for tool in xorriso genisoimage isoinfo /usr/bin/time /usr/bin/python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "run_bench: $tool is missing (scripts/setup.sh installs it)" >&2
    exit 2
  fi
done
have_mkimg_build=0
if [ -x "$mkimg" ] && "$mkimg" build --help >/dev/null 2>&1; then have_mkimg_build=1; fi
have_mkimg_ls=0
if [ -x "$mkimg" ] && "$mkimg" ls --help >/dev/null 2>&1; then have_mkimg_ls=1; fi

mkdir -p "$scratch"
out="$scratch/out.iso"
rows="$scratch/rows.txt"
: > "$rows"

# timed TREE TOOL FILES COMMAND...: runs COMMAND under /usr/bin/time, best of $repeat, and
# appends "tree tool seconds peak_kib files" to the table.
timed() {
  local tree="$1" tool="$2" files="$3"
  shift 3
  local best_s="" best_k="" i s k
  for ((i = 0; i < repeat; i++)); do
    rm -f "$out"
    sync  # no writeback of an earlier run's output lands inside this one
    if ! /usr/bin/time -f '%e %M' -o "$scratch/time.txt" "$@" >/dev/null 2>"$scratch/err.txt"; then
      echo "run_bench: $tool failed on $tree:" >&2
      tail -3 "$scratch/err.txt" >&2
      echo "$tree $tool failed - $files" >> "$rows"
      return 0
    fi
    read -r s k < <(tail -1 "$scratch/time.txt")
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s="$s"; best_k="$k"; fi
  done
  rm -f "$out"
  echo "$tree $tool $best_s $best_k $files" >> "$rows"
}

manifest_for() {  # manifest_for TREE [UDF_REVISION] -> the path of a manifest importing TREE at /
  local m="$scratch/manifest-$(basename "$1")${2:+-udf$2}.json" fs=""
  if [ -n "${2:-}" ]; then
    fs='"filesystems": {"iso9660": {"level": 3, "rock_ridge": true}, "joliet": {}, "udf": {"revision": "'"$2"'"}},'
  fi
  printf '{"mkimg": 1, "volume": {"id": "BENCH", "timestamp": "2026-01-01T00:00:00Z"}, %s\n "contents": [{"source": "%s/", "target": "/"}]}\n' "$fs" "$1" > "$m"
  echo "$m"
}

warm() {  # reads every file once so every tool starts from the same warm page cache
  find "$1" -type f -print0 | xargs -0 cat > /dev/null
}

build_rows() {  # build_rows NAME TREE FILES
  local name="$1" tree="$2" files="$3"
  warm "$tree"
  timed "$name" cat "$files" sh -c 'find "$1" -type f -print0 | sort -z | xargs -0 cat > "$2"' \
    sh "$tree" "$out"
  if [ "$have_mkimg_build" = 1 ]; then
    timed "$name" mkimg "$files" "$mkimg" build "$(manifest_for "$tree")" -o "$out" --quiet
  else
    echo "$name mkimg n/a - $files" >> "$rows"
  fi
  timed "$name" "xorriso" "$files" xorriso -as mkisofs -quiet -iso-level 3 -R -J -o "$out" "$tree"
  timed "$name" "genisoimage" "$files" genisoimage -quiet -R -J -o "$out" "$tree"
}

if [[ ",$only," == *",small,"* ]] || [[ ",$only," == *",ls,"* ]] || [[ ",$only," == *",udf,"* ]]; then
  small="$scratch/small-$small_files"
  /usr/bin/python3 "$here/gen_tree.py" small "$small" --files "$small_files" --folders "$folders"
fi
if [[ ",$only," == *",small,"* ]]; then
  build_rows "small" "$small" "$small_files"
fi
if [[ ",$only," == *",udf,"* ]] && [ "$have_mkimg_build" = 1 ]; then
  # The bridge (ISO 9660 + RR + Joliet + UDF 2.60) against the same build without UDF.
  warm "$small"
  timed "udf" "mkimg-no-udf" "$small_files" "$mkimg" build "$(manifest_for "$small")" -o "$out" --quiet
  timed "udf" "mkimg-udf-2.60" "$small_files" "$mkimg" build "$(manifest_for "$small" 2.60)" \
    -o "$out" --quiet
fi
if [[ ",$only," == *",large,"* ]]; then
  large="$scratch/large-$large_count"
  /usr/bin/python3 "$here/gen_tree.py" large "$large" --count "$large_count" --size "$large_size"
  build_rows "large" "$large" "$large_count"
fi
if [[ ",$only," == *",ls,"* ]]; then
  # The listing race on the small tree's image (mkimg's when it can build, else xorriso's).
  img="$scratch/list.iso"
  if [ "$have_mkimg_build" = 1 ]; then
    "$mkimg" build "$(manifest_for "$small")" -o "$img" --quiet
  else
    xorriso -as mkisofs -quiet -iso-level 3 -R -J -o "$img" "$small" 2>/dev/null
  fi
  cat "$img" > /dev/null
  if [ "$have_mkimg_ls" = 1 ]; then
    timed "ls" "mkimg-ls-l" "$small_files" "$mkimg" ls "$img" -l
  else
    echo "ls mkimg-ls-l n/a - $small_files" >> "$rows"
  fi
  timed "ls" "isoinfo-R-l" "$small_files" isoinfo -R -l -i "$img"
  timed "ls" "xorriso-lsdl" "$small_files" xorriso -indev "$img" -find / -exec lsdl
  timed "ls" "pycdlib-walk" "$small_files" /usr/bin/python3 -c '
import sys, pycdlib
iso = pycdlib.PyCdlib(); iso.open(sys.argv[1]); n = 0
for path, dirs, files in iso.walk(rr_path="/"):
    for f in files:
        rec = iso.get_record(rr_path=path.rstrip("/") + "/" + f)
        n += 1
print(n)' "$img"
  rm -f "$img"
fi
if [ "$million" = 1 ]; then
  many="$scratch/many-$million_files"
  /usr/bin/python3 "$here/gen_tree.py" many "$many" --files "$million_files" --folders "$folders"
  warm "$many"
  if [ "$have_mkimg_build" = 1 ]; then
    timed "million" mkimg "$million_files" "$mkimg" build "$(manifest_for "$many")" -o "$out" --quiet
  else
    echo "million mkimg n/a - $million_files" >> "$rows"
  fi
  timed "million" xorriso "$million_files" xorriso -as mkisofs -quiet -iso-level 3 -R -J -o "$out" "$many"
fi

# One table: ratios are to `cat` of the same tree (to isoinfo for the listing race).
awk '
  { tree[NR] = $1; tool[NR] = $2; sec[NR] = $3; kib[NR] = $4; files[NR] = $5; n = NR
  }
  END {
    printf "%-8s %-14s %9s %9s %11s %12s\n", "tree", "tool", "time s", "x floor", "peak RSS", "RSS/file B"
    for (i = 1; i <= n; i++) {
      if (tool[i] == "cat" || tool[i] == "isoinfo-R-l" || tool[i] == "mkimg-no-udf") floor[tree[i]] = sec[i]
    }
    for (i = 1; i <= n; i++) {
      if (sec[i] == "n/a" || sec[i] == "failed") {
        printf "%-8s %-14s %9s\n", tree[i], tool[i], sec[i]; continue
      }
      ratio = (floor[tree[i]] > 0) ? sprintf("%.2f", sec[i] / floor[tree[i]]) : "-"
      printf "%-8s %-14s %9.2f %9s %8.1f MiB %12.0f\n", tree[i], tool[i], sec[i], ratio,
             kib[i] / 1024, kib[i] * 1024 / files[i]
    }
  }' "$rows"
