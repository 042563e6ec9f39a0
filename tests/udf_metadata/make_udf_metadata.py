#!/usr/bin/python3
"""Writes a small UDF 2.50 or 2.60 image with a metadata partition (2048-byte blocks), from
the specifications alone, so that mkimg's metadata-partition reader can be checked against
independent readers (libudfread, udfinfo, 7-Zip) on an image mkimg did not make.

References: ECMA-167 3rd edition (parts 2, 3 and 4, cited as "ECMA 3/10.6" etc.) and
OSTA UDF 2.60 (cited as "UDF 2.2.10" etc.). No Debian or npm package writes a metadata
partition (mkudffs 2.3 only writes UDF > 2.01 for BD-R, with a VAT instead).

Usage: make_udf_metadata.py OUTPUT [--revision 2.50|2.60] [--corrupt-main-metadata[=data|fe|both]]
                            [--corrupt-mirror-metadata]
                            [--second-anchor n-1|n-257] [--damage-anchor-256]
                            [--metadata-extents 1|2] [--no-symlinks] [--manifest FILE]

The tree written is TREE below; --manifest writes what the generator meant (paths, types,
sizes, SHA-256, targets, modes, owners, mtimes) as JSON, for diagnostics only: the test
takes its expectations from the independent readers.
"""

import argparse
import hashlib
import json
import struct
import sys

BS = 2048  # logical block size = sector size (UDF 2.2.4.2 for optical media)

# ---------------------------------------------------------------------------------------
# Descriptor primitives

def crc_itu(data):
    """ECMA 3/7.2.6: CRC-CCITT, x^16 + x^12 + x^5 + 1, initial value 0, MSB first."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def finish_tag(desc, ident, location, crc_length=None):
    """ECMA 3/7.2: fills the 16-byte descriptor tag at the start of `desc` (bytearray).
    Descriptor version 3 (NSR03, ECMA 3/7.2.2), serial 0, CRC over the body (UDF 2.2.1.2:
    CRC length = descriptor length - 16), checksum over bytes 0-3 and 5-15 (ECMA 3/7.2.3)."""
    if crc_length is None:
        crc_length = len(desc) - 16
    struct.pack_into("<HHBBHHHI", desc, 0, ident, 3, 0, 0, 0,
                     crc_itu(bytes(desc[16:16 + crc_length])), crc_length, location)
    desc[4] = (sum(desc[0:4]) + sum(desc[5:16])) & 0xFF
    return desc


def regid(ident, suffix=b"", flags=0):
    """ECMA 1/7.4 entity identifier: flags, 23-byte identifier, 8-byte suffix."""
    raw = ident.encode("ascii")
    assert len(raw) <= 23 and len(suffix) <= 8
    return bytes([flags]) + raw.ljust(23, b"\0") + suffix.ljust(8, b"\0")


def domain_suffix(rev):
    """UDF 2.1.5.3 Domain Identifier Suffix: UDF revision (BCD), domain flags (none)."""
    return struct.pack("<HB", rev, 0)


def udf_suffix(rev):
    """UDF 2.1.5.3 UDF Identifier Suffix: UDF revision, OS class 4 (UNIX), OS identifier 0."""
    return struct.pack("<HBB", rev, 4, 0)


IMPL = regid("*mkimg udf metadata", struct.pack("<BB", 4, 0))  # UDF 2.1.5.3 impl suffix


def charspec():
    """UDF 2.1.2: CS0, "OSTA Compressed Unicode"."""
    return bytes([0]) + b"OSTA Compressed Unicode".ljust(63, b"\0")


def cs0(name):
    """UDF 2.1.1 OSTA Compressed Unicode: compression ID 8 (one byte per character, i.e.
    Latin-1) when every character fits, else 16 (UTF-16 big-endian, BMP only)."""
    if all(ord(c) < 256 for c in name):
        return b"\x08" + name.encode("latin-1")
    if any(ord(c) > 0xFFFF for c in name):
        raise ValueError("characters outside the BMP are not written: %r" % name)
    return b"\x10" + name.encode("utf-16-be")


def dstring(text, size):
    """ECMA 1/7.2.12: CS0 bytes, zero padding, length in the last byte (0 = empty)."""
    if not text:
        return bytes(size)
    raw = cs0(text)
    assert len(raw) < size
    return raw.ljust(size - 1, b"\0") + bytes([len(raw)])


def timestamp(epoch, tz_minutes=0):
    """ECMA 1/7.3: type 1 (local time) with its offset from UTC in minutes (UDF 2.1.4.1)."""
    import datetime
    t = datetime.datetime.fromtimestamp(epoch + tz_minutes * 60, datetime.timezone.utc)
    type_tz = (1 << 12) | (tz_minutes & 0xFFF)
    return struct.pack("<HhBBBBBBBB", type_tz, t.year, t.month, t.day, t.hour, t.minute,
                       t.second, 0, 0, 0)


def extent_ad(length, location):
    return struct.pack("<II", length, location)  # ECMA 3/7.1


def short_ad(length, position, kind=0):
    return struct.pack("<II", (kind << 30) | length, position)  # ECMA 4/14.14.1


def long_ad(length, lbn, partref, unique_id=None, kind=0):
    """ECMA 4/14.14.2. In FIDs the implementation use holds UDF 2.3.4.3's ADImpUse
    (flags, UDF unique ID)."""
    impl = struct.pack("<HI", 0, unique_id) if unique_id is not None else bytes(6)
    return struct.pack("<IIH", (kind << 30) | length, lbn, partref) + impl


# ---------------------------------------------------------------------------------------
# The tree. Files carry their data, a mode, owner, mtime (seconds since the epoch) and
# optionally an offset from UTC for the recorded timestamp; "how" says how data is stored.

def pattern(seed, size):
    out = bytearray()
    h = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        out += h
        h = hashlib.sha256(h).digest()
    return bytes(out[:size])


T0 = 1767225600  # 2026-01-01T00:00:00Z

TREE = [
    # path, type, options
    ("/README.txt", "file", dict(data=b"UDF 2.50 metadata partition test image\n" * 3,
                                 mode=0o644, uid=1000, gid=1000, mtime=T0 + 60, how="long")),
    ("/empty", "file", dict(data=b"", mode=0o600, uid=0, gid=0, mtime=T0 + 120, how="long")),
    ("/inline.txt", "file", dict(data=b"small file kept inside its ICB\n", mode=0o444, uid=0,
                                 gid=0, mtime=T0 + 180, how="embedded")),
    ("/multi.bin", "file", dict(data=pattern("multi", 2 * BS + BS + 1000), mode=0o640,
                                uid=1001, gid=100, mtime=T0 + 240, how="long",
                                extents=[2 * BS, BS, 1000])),
    ("/short.bin", "file", dict(data=pattern("short", 3 * BS + 17), mode=0o644, uid=0, gid=0,
                                mtime=T0 + 300, how="short-fe")),
    ("/run.sh", "file", dict(data=b"#!/bin/sh\necho udf\n", mode=0o4755, uid=0, gid=0,
                             mtime=T0 + 360, how="long", tz=120)),
    ("/docs", "dir", dict(mode=0o755, uid=0, gid=0, mtime=T0 + 420)),
    ("/docs/Ελληνικά.txt", "file", dict(data="Γειά σου κόσμε\n".encode(), mode=0o644,
                                        uid=0, gid=0, mtime=T0 + 480, how="long")),
    ("/docs/café-résumé.txt", "file", dict(data=b"latin-1 name, compression ID 8\n",
                                           mode=0o644, uid=0, gid=0, mtime=T0 + 540,
                                           how="long")),
    ("/docs/deep", "dir", dict(mode=0o2775, uid=0, gid=50, mtime=T0 + 600)),
    ("/docs/deep/nested", "dir", dict(mode=0o1777, uid=0, gid=0, mtime=T0 + 660)),
    ("/docs/deep/nested/file.txt", "file", dict(data=pattern("nested", 5000), mode=0o644,
                                                uid=0, gid=0, mtime=T0 + 720, how="long")),
    ("/empty-dir", "dir", dict(mode=0o700, uid=0, gid=0, mtime=T0 + 780)),
    ("/links", "dir", dict(mode=0o755, uid=0, gid=0, mtime=T0 + 840)),
    ("/links/to-cafe", "symlink", dict(target="../docs/café-résumé.txt", mode=0o777, uid=0,
                                       gid=0, mtime=T0 + 900, how="embedded")),
    ("/links/absolute", "symlink", dict(target="/docs/deep/nested", mode=0o777, uid=0,
                                        gid=0, mtime=T0 + 960, how="long")),
    ("/links/dot", "symlink", dict(target="./Ελληνικά", mode=0o777, uid=0, gid=0,
                                   mtime=T0 + 1020, how="embedded")),
]


def symlink_data(target):
    """ECMA 4/14.16.1 path components: type 2 root, 3 parent, 4 current, 5 named (with a
    CS0 identifier, UDF 2.3.12.1); component file version 0."""
    out = b""
    parts = target.split("/")
    if target.startswith("/"):
        out += struct.pack("<BBH", 2, 0, 0)
        parts = parts[1:]
    for p in parts:
        if p == "..":
            out += struct.pack("<BBH", 3, 0, 0)
        elif p == ".":
            out += struct.pack("<BBH", 4, 0, 0)
        elif p:
            ident = cs0(p)
            out += struct.pack("<BBH", 5, len(ident), 0) + ident
    return out


def udf_permissions(mode):
    """ECMA 4/14.9.5: per class (other, group, owner: shifts 0, 5, 10) execute 1, write 2,
    read 4, change attributes 8, delete 16; UDF 3.3.3.4 sets delete and chattr with write."""
    perms = 0
    for shift, bits in ((0, mode & 7), (5, (mode >> 3) & 7), (10, (mode >> 6) & 7)):
        p = (bits & 1) | (bits & 2) | (bits & 4)
        if bits & 2:
            p |= 8 | 16
        perms |= p << shift
    return perms


def icb_flags(mode, alloc):
    """ECMA 4/14.6.8: allocation type in bits 0-2 (0 short_ad, 1 long_ad, 3 embedded),
    setuid bit 6, setgid bit 7, sticky bit 8."""
    f = alloc
    if mode & 0o4000:
        f |= 1 << 6
    if mode & 0o2000:
        f |= 1 << 7
    if mode & 0o1000:
        f |= 1 << 8
    return f


def icb_tag(file_type, flags):
    """ECMA 4/14.6: strategy 4, one entry, file type, no parent ICB, flags."""
    return struct.pack("<IHHHBB", 0, 4, 0, 1, 0, file_type) + bytes(6) + struct.pack("<H", flags)


def file_entry(extended, location, file_type, flags, uid, gid, perms, links, info_len,
               blocks, mtime, tz, unique_id, ads):
    """ECMA 4/14.9 File Entry (tag 261) or 4/14.17 Extended File Entry (tag 266), no
    extended attributes, `ads` holding the allocation descriptors or embedded data."""
    ts = timestamp(mtime, tz)
    if extended:
        d = bytearray(216)
        d[16:36] = icb_tag(file_type, flags)
        struct.pack_into("<IIIHBBIQQQ", d, 36, uid, gid, perms, links, 0, 0, 0, info_len,
                         info_len, blocks)
        d[80:92] = ts   # access
        d[92:104] = ts  # modification
        d[104:116] = ts  # creation
        d[116:128] = ts  # attribute
        struct.pack_into("<I", d, 128, 1)  # checkpoint
        d[168:200] = IMPL
        struct.pack_into("<QII", d, 200, unique_id, 0, len(ads))
        ident = 266
    else:
        d = bytearray(176)
        d[16:36] = icb_tag(file_type, flags)
        struct.pack_into("<IIIHBBIQQ", d, 36, uid, gid, perms, links, 0, 0, 0, info_len,
                         blocks)
        d[72:84] = ts
        d[84:96] = ts
        d[96:108] = ts
        struct.pack_into("<I", d, 108, 1)
        d[128:160] = IMPL
        struct.pack_into("<QII", d, 160, unique_id, 0, len(ads))
        ident = 261
    d += ads
    assert len(d) <= BS
    return finish_tag(d, ident, location)


def fid(location, characteristics, name, icb_lbn, icb_part, icb_len, unique_id):
    """ECMA 4/14.4 File Identifier Descriptor, padded to a multiple of 4 (4/14.4.9); UDF
    2.3.4: no implementation use, the ICB long_ad carries the UDF unique ID."""
    ident = cs0(name) if name else b""
    body = bytearray(38)
    struct.pack_into("<HBB", body, 16, 1, characteristics, len(ident))
    body[20:36] = long_ad(icb_len, icb_lbn, icb_part, unique_id)
    struct.pack_into("<H", body, 36, 0)
    body += ident
    body += bytes((-len(body)) % 4)
    return finish_tag(body, 257, location)


# ---------------------------------------------------------------------------------------

class Image:
    def __init__(self, blocks):
        self.data = bytearray(blocks * BS)

    def put(self, sector, payload):
        assert len(payload) <= BS * ((len(payload) + BS - 1) // BS)
        self.data[sector * BS:sector * BS + len(payload)] = payload


def build(args):
    rev = 0x0250 if args.revision == "2.50" else 0x0260
    part_start = 257                 # physical partition, just after the anchor at 256
    meta_blocks = 32                 # metadata file size (two allocation units)
    align = 16                       # UDF 2.2.10: allocation unit / alignment unit (blocks)
    main_fe_lbn = 1                  # partition-relative: main metadata file entry
    main_extent = 16                 # its extent (one short_ad, or two adjacent ones)
    data_lbn = main_extent + meta_blocks  # file data from here on

    # ---- metadata partition contents (blocks relative to the metadata file) ----
    meta = bytearray(meta_blocks * BS)
    next_meta = [0]

    def meta_alloc(n=1):
        b = next_meta[0]
        next_meta[0] += n
        assert next_meta[0] <= meta_blocks, "metadata file full"
        return b

    # physical data allocation (partition-relative blocks)
    phys_writes = []  # (lbn, bytes)
    next_phys = [data_lbn]

    def phys_alloc(n):
        b = next_phys[0]
        next_phys[0] += n
        return b

    fsd_lbn = meta_alloc()   # UDF 2.2.10: the FSD is in the metadata partition
    td_lbn = meta_alloc()    # UDF 2.60 DCN-5105: terminating descriptor after the FSD
    unique = [16]            # UDF 3.2.1.1: unique IDs 1-15 are reserved; root has 0
    counts = {"files": 0, "dirs": 0}

    # Every entry gets an ICB location first, so that FIDs can point to it.
    nodes = {"/": {"type": "dir", "children": [], "opts": dict(mode=0o755, uid=0, gid=0,
                                                              mtime=T0), "uid": 0}}
    for path, kind, opts in TREE:
        if kind == "symlink" and args.no_symlinks:
            continue
        parent = path.rsplit("/", 1)[0] or "/"
        nodes[path] = {"type": kind, "children": [], "opts": opts}
        nodes[parent]["children"].append(path)
    for path, node in nodes.items():
        if path != "/":
            node["uid"] = unique[0]
            unique[0] += 1
        if node["type"] == "file" and node["opts"].get("how") == "short-fe":
            # ECMA 4/14.14.1.1: a short_ad refers to the partition the ICB is in; this one
            # file entry is recorded in the physical partition (reference 0) so that its
            # short_ads address file data there.
            node["icb"] = (phys_alloc(1), 0)
        else:
            node["icb"] = (meta_alloc(), 1)

    manifest = []
    dir_blocks = {}
    # Directories: FIDs in one metadata block each (a directory's data is one short_ad
    # extent in the metadata partition; its file entry refers to it with a short_ad, which
    # ECMA 4/14.14.1.1 resolves in the metadata partition, where the ICB is).
    for path, node in nodes.items():
        if node["type"] != "dir":
            continue
        counts["dirs"] += 1
        parent = path.rsplit("/", 1)[0] or "/"
        blk = meta_alloc()
        fids = bytearray()
        pnode = nodes[parent]
        fids += fid(blk, 0x0A, "", pnode["icb"][0], pnode["icb"][1], BS, pnode["uid"])
        for child in node["children"]:
            c = nodes[child]
            chars = 0x02 if c["type"] == "dir" else 0
            fids += fid(blk, chars, child.rsplit("/", 1)[1], c["icb"][0], c["icb"][1], BS,
                        c["uid"])
        assert len(fids) <= BS
        meta[blk * BS:blk * BS + len(fids)] = fids
        o = node["opts"]
        subdirs = sum(1 for ch in node["children"] if nodes[ch]["type"] == "dir")
        fe = file_entry(True, node["icb"][0], 4, icb_flags(o["mode"], 0), o["uid"], o["gid"],
                        udf_permissions(o["mode"]), 1 + subdirs, len(fids), 1, o["mtime"], 0,
                        0 if path == "/" else node["uid"], short_ad(len(fids), blk))
        meta[node["icb"][0] * BS:node["icb"][0] * BS + len(fe)] = fe
        dir_blocks[path] = blk
        if path != "/":
            manifest.append({"path": path, "type": "dir", "mode": "%04o" % o["mode"],
                             "uid": o["uid"], "gid": o["gid"], "mtime": o["mtime"]})

    # Files and symbolic links.
    for path, node in nodes.items():
        if node["type"] == "dir":
            continue
        counts["files"] += 1
        o = node["opts"]
        data = o["data"] if node["type"] == "file" else symlink_data(o["target"])
        ftype = 5 if node["type"] == "file" else 12  # ECMA 4/14.6.6
        how = o["how"]
        lbn, pref = node["icb"]
        if how == "embedded":
            alloc, ads, blocks = 3, data, 0  # UDF 2.3.10: data in the ICB
        elif how == "short-fe":
            n = (len(data) + BS - 1) // BS
            start = phys_alloc(n)
            phys_writes.append((start, data))
            alloc, ads, blocks = 0, short_ad(len(data), start), n
        else:
            alloc, ads, blocks = 1, b"", 0
            sizes = o.get("extents") or ([len(data)] if data else [])
            pos = 0
            for i, size in enumerate(sizes):
                n = (size + BS - 1) // BS
                start = phys_alloc(n)
                if i + 1 < len(sizes):
                    phys_alloc(1)  # a gap, so that the extents are not contiguous
                phys_writes.append((start, data[pos:pos + size]))
                # Data lives in the physical partition: partition reference 0 (the type 1
                # map), never the metadata partition (UDF 2.2.10).
                ads += long_ad(size, start, 0)
                blocks += n
                pos += size
        fe = file_entry(pref == 1, lbn, ftype, icb_flags(o["mode"], alloc), o["uid"], o["gid"],
                        udf_permissions(o["mode"]), 1, len(data), blocks, o["mtime"],
                        o.get("tz", 0), node["uid"], ads)
        if pref == 1:
            meta[lbn * BS:lbn * BS + len(fe)] = fe
        else:
            phys_writes.append((lbn, bytes(fe)))
        e = {"path": path, "type": node["type"], "mode": "%04o" % o["mode"], "uid": o["uid"],
             "gid": o["gid"], "mtime": o["mtime"]}
        if node["type"] == "file":
            e.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
        else:
            e["target"] = o["target"]
        manifest.append(e)

    # FSD (ECMA 4/14.1) and its terminating descriptor (ECMA 4/14.2).
    root = nodes["/"]
    fsd = bytearray(512)
    fsd[16:28] = timestamp(T0)
    struct.pack_into("<HHIIII", fsd, 28, 3, 3, 1, 1, 0, 0)
    fsd[48:112] = charspec()
    fsd[112:240] = dstring("UDF250META", 128)
    fsd[240:304] = charspec()
    fsd[304:336] = dstring("UDF250META", 32)
    fsd[400:416] = long_ad(BS, root["icb"][0], 1)
    fsd[416:448] = regid("*OSTA UDF Compliant", domain_suffix(rev))
    meta[fsd_lbn * BS:fsd_lbn * BS + 512] = finish_tag(fsd, 256, fsd_lbn)
    meta[td_lbn * BS:td_lbn * BS + 512] = finish_tag(bytearray(512), 8, td_lbn)

    # ---- physical partition: size and the metadata file and its mirror ----
    data_end = next_phys[0]
    mirror_extent = (data_end + align - 1) // align * align  # aligned (UDF 2.2.10)
    mirror_fe_lbn = mirror_extent + meta_blocks              # after its extent, unlike main
    part_len = mirror_fe_lbn + 2
    if args.second_anchor == "n-1":
        total = part_start + part_len + 1
        second_anchor = total - 1
    else:
        total = part_start + part_len + 257
        second_anchor = total - 257  # ECMA 3/8.4.2.1: N - 256 with N the last sector
    img = Image(total)

    def metadata_fe(location, file_type, extents):
        # UDF 2.2.13.1: EFE, file type 250 (metadata) / 251 (mirror), short_ads in the
        # physical partition, information length = size of the metadata partition.
        ads = b"".join(short_ad(n * BS, s) for s, n in extents)
        return file_entry(True, location, file_type, icb_flags(0, 0), 0, 0, 0, 0,
                          meta_blocks * BS, meta_blocks, T0, 0, 0, ads)

    if args.metadata_extents == 2:
        # Two adjacent extents of one allocation unit each: the metadata partition's blocks
        # 0-15 and 16-31 come from different allocation descriptors.
        half = meta_blocks // 2
        main_extents = [(main_extent, half), (main_extent + half, half)]
    else:
        main_extents = [(main_extent, meta_blocks)]
    main_fe = metadata_fe(main_fe_lbn, 250, main_extents)
    mirror_fe = metadata_fe(mirror_fe_lbn, 251, [(mirror_extent, meta_blocks)])
    img.put(part_start + main_fe_lbn, main_fe)
    img.put(part_start + mirror_fe_lbn, mirror_fe)
    img.put(part_start + main_extent, meta)
    img.put(part_start + mirror_extent, meta)
    for lbn, payload in phys_writes:
        img.put(part_start + lbn, payload)

    corrupt = args.corrupt_main_metadata
    if corrupt in ("data", "both"):
        # The main metadata file's extent becomes garbage: every descriptor tag in it fails
        # its checksum, so its FSD, file entries and FIDs must come from the mirror.
        off = (part_start + main_extent) * BS
        img.data[off:off + meta_blocks * BS] = b"\xE5" * (meta_blocks * BS)
    if args.corrupt_mirror_metadata:
        # The mirror's extent becomes garbage and the main metadata file stays intact: a
        # reader that takes the mirror for the metadata file fails.
        off = (part_start + mirror_extent) * BS
        img.data[off:off + meta_blocks * BS] = b"\x5A" * (meta_blocks * BS)
    if corrupt in ("fe", "both"):
        # The main metadata file entry's tag checksum is broken: readers must use the
        # mirror's file entry (UDF 2.2.13.2) to find the metadata partition.
        img.data[(part_start + main_fe_lbn) * BS + 4] ^= 0xFF

    # ---- volume structures ----
    # ECMA 2/9.1 volume recognition sequence at sector 16: BEA01, NSR03, TEA01.
    for i, ident in enumerate((b"BEA01", b"NSR03", b"TEA01")):
        img.put(16 + i, b"\0" + ident + b"\1")

    def vds(start):
        """ECMA 3/8.4.2: PVD, IUVD, PD, LVD, USD, TD; tags carry their own sector."""
        pvd = bytearray(512)  # ECMA 3/10.1
        struct.pack_into("<II", pvd, 16, 1, 0)
        pvd[24:56] = dstring("UDF250META", 32)
        struct.pack_into("<HHHHII", pvd, 56, 1, 1, 2, 3, 1, 1)
        pvd[72:200] = dstring("0123456789ABCDEFmkimg udf test", 128)
        pvd[200:264] = charspec()
        pvd[264:328] = charspec()
        pvd[344:376] = IMPL
        pvd[376:388] = timestamp(T0)
        pvd[388:420] = IMPL
        img.put(start, finish_tag(pvd, 1, start))
        iuvd = bytearray(512)  # ECMA 3/10.4, UDF 2.2.7: "*UDF LV Info"
        struct.pack_into("<I", iuvd, 16, 2)
        iuvd[20:52] = regid("*UDF LV Info", udf_suffix(rev))
        iuvd[52:116] = charspec()
        iuvd[116:244] = dstring("UDF250META", 128)
        iuvd[244:280] = dstring("mkimg tests", 36)
        iuvd[352:384] = IMPL
        img.put(start + 1, finish_tag(iuvd, 4, start + 1))
        pd = bytearray(512)  # ECMA 3/10.5
        struct.pack_into("<IHH", pd, 16, 3, 1, 0)  # allocated, partition number 0
        pd[24:56] = regid("+NSR03")
        # Partition header descriptor (ECMA 4/14.3) left empty: no space bitmap on a
        # read-only partition (access type 1, ECMA 3/10.5.7; UDF 2.2.14.2).
        struct.pack_into("<III", pd, 184, 1, part_start, part_len)
        pd[196:228] = IMPL
        img.put(start + 2, finish_tag(pd, 5, start + 2))
        maps = struct.pack("<BBHH", 1, 6, 1, 0)  # ECMA 3/10.7.2: type 1, partition 0
        # UDF 2.2.10 metadata partition map (type 2, 64 bytes).
        mmap = bytearray(64)
        mmap[0:2] = bytes([2, 64])
        mmap[4:36] = regid("*UDF Metadata Partition", udf_suffix(rev))
        struct.pack_into("<HHIIIIHB", mmap, 36, 1, 0, main_fe_lbn, mirror_fe_lbn, 0xFFFFFFFF,
                         align, align, 1)  # flags bit 0: metadata duplicated (mirror)
        maps += mmap
        lvd = bytearray(440) + maps  # ECMA 3/10.6
        struct.pack_into("<I", lvd, 16, 4)
        lvd[20:84] = charspec()
        lvd[84:212] = dstring("UDF250META", 128)
        struct.pack_into("<I", lvd, 212, BS)
        lvd[216:248] = regid("*OSTA UDF Compliant", domain_suffix(rev))
        lvd[248:264] = long_ad(BS, fsd_lbn, 1)  # FSD in partition reference 1 (metadata)
        struct.pack_into("<II", lvd, 264, len(maps), 2)
        lvd[272:304] = IMPL
        lvd[432:440] = extent_ad(2 * BS, 64)  # integrity sequence: LVID + TD
        img.put(start + 3, finish_tag(lvd, 6, start + 3))
        usd = bytearray(24)  # ECMA 3/10.8, no free extents
        struct.pack_into("<II", usd, 16, 5, 0)
        img.put(start + 4, finish_tag(usd, 7, start + 4))
        img.put(start + 5, finish_tag(bytearray(512), 8, start + 5))

    vds(32)
    vds(48)

    # ECMA 3/10.10 LVID with UDF 2.2.6.4 implementation use; closed (integrity type 1).
    n_maps = 2
    iu = bytearray(46)
    iu[0:32] = IMPL
    struct.pack_into("<IIHHH", iu, 32, counts["files"], counts["dirs"], 0x0250, rev, rev)
    lvid = bytearray(80)
    lvid[16:28] = timestamp(T0)
    struct.pack_into("<I", lvid, 28, 1)
    struct.pack_into("<Q", lvid, 40, unique[0])  # ECMA 4/14.15 logical volume header
    struct.pack_into("<II", lvid, 72, n_maps, len(iu))
    lvid += struct.pack("<II", 0, 0)                    # free space per map
    lvid += struct.pack("<II", part_len, meta_blocks)   # size per map
    lvid += iu
    img.put(64, finish_tag(lvid, 9, 64))
    img.put(65, finish_tag(bytearray(512), 8, 65))

    # ECMA 3/10.2 anchors: sector 256 and the last sector or N - 256 (UDF 2.2.3).
    for where in (256, second_anchor):
        avdp = bytearray(512)
        avdp[16:24] = extent_ad(16 * BS, 32)
        avdp[24:32] = extent_ad(16 * BS, 48)
        img.put(where, finish_tag(avdp, 2, where))
    if args.damage_anchor_256:
        img.data[256 * BS:257 * BS] = bytes(BS)

    info = {"revision": args.revision, "files": counts["files"], "dirs": counts["dirs"],
            "blocks": total, "entries": manifest}
    return img.data, info


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output")
    ap.add_argument("--revision", choices=("2.50", "2.60"), default="2.50")
    ap.add_argument("--corrupt-main-metadata", nargs="?", const="data",
                    choices=("data", "fe", "both"))
    ap.add_argument("--corrupt-mirror-metadata", action="store_true")
    ap.add_argument("--second-anchor", choices=("n-1", "n-257"), default="n-1")
    ap.add_argument("--damage-anchor-256", action="store_true")
    ap.add_argument("--metadata-extents", type=int, choices=(1, 2), default=1)
    ap.add_argument("--no-symlinks", action="store_true",
                    help="leave out the symbolic links (7-Zip refuses UDF file type 12)")
    ap.add_argument("--manifest")
    args = ap.parse_args(argv)
    data, info = build(args)
    with open(args.output, "wb") as f:
        f.write(data)
    if args.manifest:
        with open(args.manifest, "w") as f:
            json.dump(info, f, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
