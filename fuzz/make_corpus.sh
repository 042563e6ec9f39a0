#!/bin/sh
# Regenerates the seed corpora in fuzz/corpus/ from images made by xorriso, genisoimage
# and mkudffs (Debian packages xorriso, genisoimage, udftools) and from `mkimg corpus`
# when mkimg is built (MKIMG=path/to/mkimg). Seeds are kept small: tiny trees,
# no padding. Usage: fuzz/make_corpus.sh [MKIMG]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
mkimg=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$corpus/image_reader_fuzzer" "$corpus/eltorito_fuzzer" "$corpus/partition_table_fuzzer" \
  "$corpus/susp_fuzzer" "$corpus/udf_fuzzer" "$corpus/manifest_fuzzer" "$corpus/roundtrip_fuzzer"

# A tree with the features the readers care about: deep nesting (Rock Ridge relocation
# in genisoimage), long names, symlinks, modes and times.
t=$work/tree
mkdir -p "$t/a/b/c/d/e/f/g/h/i" "$t/dir"
echo hello > "$t/hello.txt"
ln -s hello.txt "$t/link"
ln -s ../../outside "$t/dir/up"
echo deep > "$t/a/b/c/d/e/f/g/h/i/deep.txt"
echo long > "$t/dir/$(printf 'n%.0s' $(seq 1 120)).txt"
chmod 0640 "$t/hello.txt"
touch -d '2020-01-02 03:04:05' "$t/hello.txt"

xorriso -as mkisofs -quiet -R -J -no-pad -o "$work/xorriso.iso" "$t" 2>/dev/null
genisoimage -quiet -R -J -o "$work/genisoimage.iso" "$t"
genisoimage -quiet -R -J -udf -o "$work/genisoimage-udf.iso" "$t"
# (Seed names carry no .iso suffix: the repository ignores *.iso.)
cp "$work/xorriso.iso" "$corpus/image_reader_fuzzer/xorriso-rr-joliet"
cp "$work/genisoimage.iso" "$corpus/image_reader_fuzzer/genisoimage-rr-joliet"

# Bootable with El Torito (BIOS + EFI) and a GPT.
b=$work/boot
mkdir -p "$b"
cp -r "$t/hello.txt" "$b/"
head -c 2048 /dev/zero | tr '\0' '\220' > "$b/boot.img"
truncate -s 32K "$b/efi.img"
xorriso -as mkisofs -quiet -R -J -no-pad -b boot.img -no-emul-boot -boot-load-size 4 \
  -eltorito-alt-boot -e efi.img -no-emul-boot -append_partition 2 0xef "$b/efi.img" \
  -appended_part_as_gpt -o "$work/boot.iso" "$b" 2>/dev/null
cp "$work/boot.iso" "$corpus/image_reader_fuzzer/xorriso-boot-gpt"
head -c 32768 "$work/boot.iso" > "$corpus/partition_table_fuzzer/xorriso-gpt"
# The catalog's LBA is at byte 71 of the boot record at LBA 17.
cat_lba=$(od -An -tu4 -j $((17 * 2048 + 71)) -N4 "$work/boot.iso" | tr -d ' ')
dd if="$work/boot.iso" of="$corpus/eltorito_fuzzer/xorriso-bios-efi" bs=2048 skip="$cat_lba" count=1 2>/dev/null

# UDF: genisoimage's bridge (1.02) and an empty mkudffs volume (2.01, 512-byte blocks).
cp "$work/genisoimage-udf.iso" "$corpus/udf_fuzzer/genisoimage-udf102"
truncate -s 1M "$work/mkudffs.img"
mkudffs --media-type=hd --udfrev=0x0201 "$work/mkudffs.img" >/dev/null
cp "$work/mkudffs.img" "$corpus/udf_fuzzer/mkudffs-201-512"
# UDF VAT (sequentially recorded media, UDF 2.2.11): empty mkudffs CD-R volumes with
# 512-byte blocks in the 2.00 format and the 1.50 one (file type 0, trailing regid). The
# empty blocks between the root and the VAT's file entry are cut out and the entry's tag
# location is moved with it, so the seed is the anchor plus a few blocks.
for rev in 2.01 1.50; do
  mkudffs --new-file --media-type=cdr --udfrev="$rev" --blocksize=512 "$work/vat-$rev.img" 4000 \
    >/dev/null
  python3 - "$work/vat-$rev.img" "$corpus/udf_fuzzer/mkudffs-vat-$(echo "$rev" | tr -d .)-512" <<'PY'
import struct, sys
bs = 512
img = bytearray(open(sys.argv[1], 'rb').read())
n = len(img) // bs
vat = img[(n - 1) * bs:n * bs]
start = (n - 1) - struct.unpack_from('<I', vat, 12)[0]  # the partition's first sector
used = max(i for i in range(n - 1) if any(img[i * bs:(i + 1) * bs]))
struct.pack_into('<I', vat, 12, used + 1 - start)
vat[4] = sum(vat[i] for i in range(16) if i != 4) & 0xFF
open(sys.argv[2], 'wb').write(bytes(img[:(used + 1) * bs]) + bytes(vat))
PY
done
cp "$corpus/udf_fuzzer/mkudffs-vat-201-512" "$corpus/image_reader_fuzzer/mkudffs-vat-201-512"
# UDF 2.50 with a metadata partition and its mirror (no Debian package writes one; the
# generator is checked against libudfread, udfclient and 7-Zip in tests/udf_metadata/).
/usr/bin/python3 "$here/../tests/udf_metadata/make_udf_metadata.py" "$corpus/udf_fuzzer/udf250-metadata-mirror"
cp "$corpus/udf_fuzzer/udf250-metadata-mirror" "$corpus/image_reader_fuzzer/udf250-metadata-mirror"

# SUSP: the System Use areas of the root "." record and of the first records.
python3 - "$work/genisoimage.iso" "$corpus/susp_fuzzer" <<'PY'
import struct, sys
img = open(sys.argv[1], 'rb').read()
root = img[16 * 2048 + 156: 16 * 2048 + 190]
lba = struct.unpack('<I', root[2:6])[0]
size = struct.unpack('<I', root[10:14])[0]
d = img[lba * 2048: lba * 2048 + size]
pos, n = 0, 0
while pos < len(d) and n < 8:
    l = d[pos]
    if l == 0:
        pos = (pos // 2048 + 1) * 2048
        continue
    rec = d[pos:pos + l]
    nl = rec[32]
    su = rec[33 + nl + (1 - nl % 2):]
    open('%s/genisoimage-%d' % (sys.argv[2], n), 'wb').write(bytes([len(su)]) + su)
    pos += l
    n += 1
PY

cat > "$corpus/manifest_fuzzer/full.json" <<'JSON'
{"mkimg": 1,
 "volume": {"id": "MYDISC_2026", "label": "My Disc", "timestamp": "2026-01-01T00:00:00Z"},
 "filesystems": {"iso9660": {"level": 3, "rock_ridge": true}, "joliet": {"long_names": false}},
 "media": "dvd+r",
 "contents": [
   {"target": "/empty", "directory": true},
   {"target": "/hello.txt", "text": "hello\n", "mode": "0600", "uid": 1, "gid": 2},
   {"target": "/zeros.bin", "size": 4096},
   {"target": "/latest", "symlink": "releases/v2"},
   {"target": "/a/b/c/d/e/f/g/h/i/deep.txt", "text": "deep"},
   {"target": "/secret.txt", "text": "s", "hidden_in": ["joliet"]}],
 "exclude": ["**/*.tmp"]}
JSON
cp "$corpus/manifest_fuzzer/full.json" "$corpus/roundtrip_fuzzer/full.json"
printf '{"mkimg": 1, "contents": [{"target": "/x", "text": "x"}]}' > "$corpus/manifest_fuzzer/minimal.json"
cp "$corpus/manifest_fuzzer/minimal.json" "$corpus/roundtrip_fuzzer/minimal.json"

# mmc_response_fuzzer: the golden response vectors of mmc/src/responses_test.cc (each
# `Bytes NAME = {0x.., ...};`), plus a fixed and a descriptor-format sense.
mkdir -p "$corpus/mmc_response_fuzzer"
python3 - "$here/../mmc/src/responses_test.cc" "$corpus/mmc_response_fuzzer" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
for m in re.finditer(r"Bytes\s+(\w+)\s*=\s*\{([^{};]*)\};", src):
    values = re.findall(r"0x([0-9A-Fa-f]{1,2})\b", re.sub(r"//[^\n]*", "", m.group(2)))
    if len(values) >= 4:
        line = src[:m.start()].count("\n") + 1
        with open("%s/responses_test-%d-%s" % (sys.argv[2], line, m.group(1)), "wb") as f:
            f.write(bytes(int(v, 16) for v in values))
PY
printf '\160\000\005\000\000\000\000\012\000\000\000\000\044\000\000\000\000\000' \
  > "$corpus/mmc_response_fuzzer/fixed-sense-invalid-field"
printf '\162\006\050\000\000\000\000\000' > "$corpus/mmc_response_fuzzer/descriptor-sense-medium-changed"

# mkimg's own images: one round of `mkimg corpus` (every feature it writes, specs/fuzzing.md):
# for image_reader_fuzzer those of 128 KiB or less; for udf_fuzzer the four smallest UDF
# ones (a UDF volume with its reserve anchors is over 1 MiB: anchors at 256 and N - 256).
if [ -n "$mkimg" ] && [ -x "$mkimg" ]; then
  "$mkimg" corpus "$work/corpus" --count 31 --seed 1 --no-multi-extent >/dev/null
  for image in "$work"/corpus/*.iso; do
    [ "$(wc -c < "$image")" -le 131072 ] || continue
    cp "$image" "$corpus/image_reader_fuzzer/mkimg-corpus-$(basename "$image" .iso)"
  done
  # shellcheck disable=SC2012
  ls -Sr "$work"/corpus/*.iso | while read -r image; do
    grep -q '"udf-[0-9]' "${image%.iso}.json" && echo "$image"
  done | head -4 | while read -r image; do
    cp "$image" "$corpus/udf_fuzzer/mkimg-corpus-$(basename "$image" .iso)"
  done
fi
ls -la "$corpus"/*
