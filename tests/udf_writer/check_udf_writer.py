#!/usr/bin/python3
"""mkimg's UDF writer against independent readers.

Each scenario builds a host tree with known bytes (Unicode names inside and outside
Latin-1 and the BMP, a name at the 255-byte CS0 limit, a deep tree, empty files and
folders, symbolic links, a hard link, modes, inline text and zero files), writes an image
with `mkimg build`, and compares what the independent readers see with the tree itself:

  libudfread  (mkimg-udfread scan) every path, size and content; link targets from their path
              components (ECMA-167 4/14.16.1)
  udfinfo     revision (minimum read / write), label, file and directory counts
  udfclient   ASCII paths, sizes, rwx permissions
  7-Zip       names, sizes, contents, times (on a variant without symbolic links and
              without unrecorded extents, which 7-Zip refuses: specs/udf.md)
  pycdlib     UDF facade on bridges of 1.02-2.01 (its LVD parser refuses two partition
              maps, so not on 2.50/2.60), and its ISO 9660/Joliet/Rock Ridge views
  iso-info -U on bridges of 1.02-2.01 (libcdio reads no metadata partition)
  mkimg       ls -l, extract, verify and info on what it wrote

Usage: check_udf_writer.py --mkimg PATH --udfread-ls PATH SCENARIO   (exit 0 pass,
       1 fail, 77 skipped because a reader is missing and CI is not set)
       check_udf_writer.py --list
"""
import argparse
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "udf_metadata"))
import check_udf_metadata as peers  # noqa: E402  (the reader drivers, shared)
from check_udf_metadata import Failure, Missing, fnv64, run  # noqa: E402

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-pycdlib lives there
T0 = 1767225600  # 2026-01-01T00:00:00Z
GREEK_255 = "\u03b1" * 127  # 127 characters of 16-bit CS0: 1 + 254 = 255 bytes

# revision, bridge (ISO 9660 + Rock Ridge + Joliet), redundant metadata
SCENARIOS = {
    "rev102": ("1.02", False, False),
    "rev150": ("1.50", False, False),
    "rev201": ("2.01", False, False),
    "rev250": ("2.50", False, False),
    "rev260": ("2.60", False, False),
    "rev260-mirror": ("2.60", False, True),
    "bridge102": ("1.02", True, False),
    "bridge150": ("1.50", True, False),
    "bridge201": ("2.01", True, False),
    "bridge250": ("2.50", True, True),
    "bridge260": ("2.60", True, True),
}
# Scenarios of their own (check_* functions below).
SPECIAL = ["big5g", "errors", "reproducible", "verify-damage", "dedupe"]
FIVE_GIB = 5 * 1024 ** 3
RANDOM_SIZE = 2000000
MIN_READ = {"1.02": "1.02", "1.50": "1.50", "2.01": "2.01", "2.50": "2.50", "2.60": "2.50"}


def pattern(seed, size):
    out = bytearray()
    h = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        out += h
        h = hashlib.sha256(h).digest()
    return bytes(out[:size])


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_tree(root, symlinks=True):
    """The host tree and what every reader must see: path -> type, size, bytes, target,
    mode; plus the number of distinct files (a hard link is one file)."""
    src = os.path.join(root, "src")
    expect = {}

    def f(path, data, mode=0o644):
        write(os.path.join(src, path), data, mode)
        expect["/" + path] = {"type": "file", "size": len(data), "fnv": fnv64(data),
                              "bytes": data, "mode": mode}

    f("hello.txt", b"hello, UDF\n")
    f("empty", b"", 0o600)
    f("run.sh", b"#!/bin/sh\necho udf\n", 0o755)
    f("data/random.bin", pattern("random", RANDOM_SIZE))
    f("data/three-blocks.bin", pattern("three", 3 * 2048))
    f("names/caf\u00e9-r\u00e9sum\u00e9.txt", b"latin-1: 8-bit CS0\n")
    f("names/\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac.txt", b"greek: 16-bit CS0\n")
    f("names/\u65e5\u672c\u8a9e.txt", b"CJK\n")
    f("names/\U0001F600 smile.txt", b"outside the BMP: a surrogate pair\n")
    f("names/" + GREEK_255, b"a name of 255 bytes in CS0\n")
    f("names/" + "n" * 250 + ".txt", b"254 bytes of ASCII: 255 with the CS0 ID\n")
    # A directory of 120 FIDs of about 90 bytes: its FIDs run over five blocks, and some
    # cross a block boundary (ECMA-167 4/8.6 lets them).
    for i in range(120):
        f("wide/%03d-" % i + "w" * 40 + "-\u00e9\u00e8.txt", b"%d\n" % i)
    deep = "/".join("level%d" % i for i in range(1, 12))
    f(deep + "/leaf.txt", b"eleven folders down\n")
    os.makedirs(os.path.join(src, "empty-dir"))
    expect["/empty-dir"] = {"type": "dir"}
    for d in ["data", "names", "wide"] + ["/".join(deep.split("/")[:i + 1]) for i in range(11)]:
        expect["/" + d] = {"type": "dir"}
    os.link(os.path.join(src, "hello.txt"), os.path.join(src, "data", "hard-link.txt"))
    expect["/data/hard-link.txt"] = dict(expect["/hello.txt"])
    if symlinks:
        os.makedirs(os.path.join(src, "links"))
        expect["/links"] = {"type": "dir"}
        for name, target in (("relative", "../hello.txt"), ("absolute", "/data/random.bin"),
                             ("greek", "../names/\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac.txt"),
                             ("dot", "./relative")):
            os.symlink(target, os.path.join(src, "links", name))
            expect["/links/" + name] = {"type": "symlink", "target": target}
    for dirpath, dirs, files in os.walk(src):
        os.chmod(dirpath, 0o755)
    return src, expect


def manifest(revision, bridge, redundant, sparse=True, extra=None):
    fs = {"udf": {"revision": revision}}
    if redundant:
        fs["udf"]["redundant_metadata"] = True
    if bridge:
        fs["iso9660"] = {"level": 3, "rock_ridge": True}
        fs["joliet"] = {"long_names": True}
    contents = [{"source": "src/", "target": "/"},
                {"target": "/inline.txt", "text": "kept in its file entry\n", "mode": "0444",
                 "uid": 1000, "gid": 100}]
    if sparse:
        contents.append({"target": "/zeros.bin", "size": 1000000})
    contents += extra or []
    return {"mkimg": 1,
            "volume": {"id": "UDFTEST", "label": "UDF \u00e9t\u00e9 test",
                       "timestamp": "2026-01-01T00:00:00Z"},
            "filesystems": fs, "contents": contents}


def add_manifest_entries(expect, sparse):
    data = b"kept in its file entry\n"
    expect["/inline.txt"] = {"type": "file", "size": len(data), "fnv": fnv64(data), "bytes": data,
                             "mode": 0o444}
    if sparse:
        zeros = bytes(1000000)
        expect["/zeros.bin"] = {"type": "file", "size": len(zeros), "fnv": fnv64(zeros),
                                "bytes": None, "mode": 0o644}


def build(mkimg, workdir, name, m):
    path = os.path.join(workdir, name + ".json")
    with open(path, "w") as f:
        json.dump(m, f, ensure_ascii=False)
    image = os.path.join(workdir, name + ".img")
    run([mkimg, "build", path, "-o", image, "--quiet"])
    return image


# ---------------------------------------------------------------------------------------

def compare_tree(c, who, expect, got, sizes=True, contents=True, links="symlink"):
    """Paths, types, sizes and contents a reader shows against the tree."""
    want = {p: e for p, e in expect.items() if links or e["type"] != "symlink"}
    c.expect(set(want) == set(got), "%s: only expected %s; only %s %s" %
             (who, sorted(set(want) - set(got))[:5], who, sorted(set(got) - set(want))[:5]))
    for path, e in want.items():
        g = got.get(path)
        if g is None:
            continue
        if e["type"] == "symlink":
            c.expect(g.get("type") == links or g.get("type") == "symlink",
                     "%s: %s: type %s for a symbolic link" % (who, path, g.get("type")))
            if "target" in g:
                c.expect(g["target"] == e["target"], "%s: %s -> %r, expected %r" %
                         (who, path, g["target"], e["target"]))
            continue
        c.expect(g["type"] == e["type"], "%s: %s: %s, expected %s" % (who, path, g["type"],
                                                                       e["type"]))
        if e["type"] != "file":
            continue
        if sizes:
            c.expect(g.get("size") == e["size"], "%s: %s: size %s, expected %d" %
                     (who, path, g.get("size"), e["size"]))
        if contents and "fnv" in g:
            c.expect(g["fnv"] == e["fnv"], "%s: %s: content differs" % (who, path))


def cesu8(path):
    """libudfread writes each half of a UTF-16 surrogate pair as its own 3-byte sequence
    (CESU-8, specs/udf.md); the pair it stands for."""
    raw = path.encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("utf-8", "surrogatepass")
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeError:
        return path


def udfread_tree(tool, image):
    raw, _ = peers.udfread_view(tool, image)
    view = {cesu8(p): e for p, e in raw.items()}
    for path, e in view.items():
        if e["type"] == "file" and e.get("bytes") is not None:
            target = peers.decode_path_components(e["bytes"])
            # A link is a file of its path components to libudfread; the walk knows which.
            e["components"] = target
    return view


def check_udfread(c, tool, image, expect):
    view = udfread_tree(tool, image)
    for path, e in expect.items():
        if e["type"] == "symlink" and path in view:
            view[path] = {"type": "symlink", "target": view[path].get("components")}
    compare_tree(c, "libudfread", expect, view)


def check_udfinfo(c, image, revision, expect, label):
    facts = peers.udfinfo_facts(image)
    c.expect(facts.get("udfwriterev") == revision and facts.get("udfrev") == MIN_READ[revision],
             "udfinfo: revision %s/%s for %s" % (facts.get("udfrev"), facts.get("udfwriterev"),
                                                 revision))
    files = len({e["fnv"] + str(e["size"]) if p in ("/hello.txt", "/data/hard-link.txt") else p
                 for p, e in expect.items() if e["type"] != "dir"})
    dirs = 1 + sum(e["type"] == "dir" for e in expect.values())
    c.expect(int(facts.get("numfiles", -1)) == files and int(facts.get("numdirs", -1)) == dirs,
             "udfinfo: %s files, %s directories; expected %d and %d" %
             (facts.get("numfiles"), facts.get("numdirs"), files, dirs))
    c.expect(facts.get("lvid") == label and facts.get("vid") == label,
             "udfinfo: label %r / %r, expected %r" % (facts.get("lvid"), facts.get("vid"), label))
    c.expect(facts.get("integrity") == "closed", "udfinfo: integrity %s" % facts.get("integrity"))


def check_udfclient(c, image, expect):
    view = peers.udfclient_view(image)
    for path, e in expect.items():
        if not all(ord(ch) < 128 for ch in path):
            continue
        g = view.get(path)
        c.expect(g is not None, "udfclient: %s missing" % path)
        if g is None:
            continue
        if e["type"] == "symlink":
            continue  # shown as a file of its path components
        c.expect(g["type"] == e["type"], "udfclient: %s is a %s" % (path, g["type"]))
        if e["type"] == "file":
            c.expect(g["size"] == e["size"], "udfclient: %s: size %d, expected %d" %
                     (path, g["size"], e["size"]))
            mode = e["mode"]
            perm = "".join(ch if mode & (1 << (8 - i)) else "-"
                           for i, ch in enumerate("rwxrwxrwx"))
            c.expect(g["perm"] == perm, "udfclient: %s: %s, expected %s" % (path, g["perm"],
                                                                            perm))
    for path in view:
        # udfclient renders a name with characters past ASCII as `_#BDFF`-like text.
        if not re.search(r"#[0-9A-F]{4}", path):
            c.expect(path in expect, "udfclient: %s is not in the tree" % path)


def check_7zz(c, image, expect, workdir):
    view = peers.sevenzip_view(image, workdir)
    compare_tree(c, "7zz", expect, view, links=None)
    for path, e in view.items():
        if "mtime" in e:
            c.expect(e["mtime"] == T0, "7zz: %s: mtime %d, expected %d" % (path, e["mtime"], T0))


def check_mkimg(c, mkimg, image, expect, workdir):
    view = peers.mkimg_view(mkimg, image, workdir)
    compare_tree(c, "mkimg ls/extract", expect, view)
    for path, e in expect.items():
        g = view.get(path)
        if g and e["type"] == "file":
            c.expect(g.get("x_size") == e["size"] and g.get("fnv") == e["fnv"],
                     "mkimg extract: %s differs" % path)
            c.expect(g.get("x_mode") == e["mode"], "mkimg extract: %s mode %o, expected %o" %
                     (path, g.get("x_mode") or 0, e["mode"]))
        if g and e["type"] == "symlink":
            c.expect(g.get("x_target") == e["target"], "mkimg extract: %s -> %r" %
                     (path, g.get("x_target")))
    rc, out, err = run([mkimg, "verify", image], check=False)
    c.expect(rc == 0, "mkimg verify: rc %d: %s" % (rc, (out + err).strip()[-500:]))


PYCDLIB_WALK = r"""
import hashlib, io, json, sys
import pycdlib
p = pycdlib.PyCdlib()
p.open(sys.argv[1])
out = {}
for facade, key in (("udf", "udf_path"), ("joliet", "joliet_path"), ("rr", "rr_path"),
                    ("iso", "iso_path")):
    view = {}
    if facade == "udf" and not p.has_udf():
        out[facade] = None
        continue
    for d, dirs, files in p.walk(**{key: "/"}):
        for n in dirs:
            view[(d.rstrip("/") + "/" + n)] = {"type": "dir"}
        for n in files:
            path = d.rstrip("/") + "/" + n
            b = io.BytesIO()
            try:
                p.get_file_from_iso_fp(b, **{key: path})
            except pycdlib.pycdlibexception.PyCdlibInvalidInput:
                view[path] = {"type": "link"}  # a symbolic link: pycdlib reads no bytes
                continue
            data = b.getvalue()
            h = 0xcbf29ce484222325
            for x in data:
                h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
            if facade in ("joliet", "iso") and path.endswith(";1"):
                path = path[:-2]
            view[path] = {"type": "file", "size": len(data), "fnv": "%016x" % h}
    out[facade] = view
print(json.dumps(out))
"""


def check_pycdlib(c, image, expect, udf):
    if not os.path.exists(SYSTEM_PYTHON):
        raise Missing("/usr/bin/python3 with pycdlib (python3-pycdlib)")
    rc, out, err = run([SYSTEM_PYTHON, "-c", PYCDLIB_WALK, image], check=False)
    if rc != 0 and "No module named 'pycdlib'" in err:
        raise Missing("pycdlib (Debian package python3-pycdlib)")
    if rc != 0:
        raise Failure("pycdlib could not read %s: %s" % (image, err.strip()[-800:]))
    views = json.loads(out)
    files = {p: e for p, e in expect.items() if e["type"] != "symlink"}
    # Rock Ridge shows everything with its name; pycdlib's walk lists a link as a file
    # it cannot read, so links are left out there too. Joliet leaves links out.
    compare_tree(c, "pycdlib rock ridge", files, {p: e for p, e in views["rr"].items()
                                                   if p not in expect or
                                                   expect[p]["type"] != "symlink"}, links=None)
    # Joliet maps names past the BMP and past 103 characters (specs/joliet.md): the
    # others must be there with their bytes.
    joliet = {p: e for p, e in files.items()
              if all(len(part) <= 103 and all(ord(ch) < 0x10000 for ch in part)
                     for part in p.split("/"))}
    compare_tree(c, "pycdlib joliet", joliet,
                 {p: e for p, e in views["joliet"].items() if p in joliet}, links=None)
    c.expect(len(views["joliet"]) == len(files), "pycdlib joliet: %d entries, expected %d" %
             (len(views["joliet"]), len(files)))
    if udf:
        c.expect(views["udf"] is not None, "pycdlib: no UDF in the bridge")
        udf_view = {p: e for p, e in (views["udf"] or {}).items()
                    if p not in expect or expect[p]["type"] != "symlink"}
        compare_tree(c, "pycdlib udf", files, udf_view, links=None)


def check_xorriso(c, image, expect, workdir):
    """The Rock Ridge tree as xorriso extracts it: paths, sizes, contents, link targets."""
    if not shutil.which("xorriso"):
        raise Missing("xorriso (Debian package xorriso)")
    dest = os.path.join(workdir, "xorriso-x")
    run(["xorriso", "-osirrox", "on", "-indev", image, "-extract", "/", dest])
    view = {}
    for root, dirs, files in os.walk(dest):
        for name in dirs + files:
            host = os.path.join(root, name)
            path = "/" + os.path.relpath(host, dest)
            if os.path.islink(host):
                view[path] = {"type": "symlink", "target": os.readlink(host)}
            elif os.path.isdir(host):
                view[path] = {"type": "dir"}
            else:
                with open(host, "rb") as f:
                    data = f.read()
                view[path] = {"type": "file", "size": len(data), "fnv": fnv64(data)}
    compare_tree(c, "xorriso (rock ridge)", expect, view)


def check_iso_info(c, image, expect):
    if not shutil.which("iso-info"):
        raise Missing("iso-info (Debian package libcdio-utils)")
    rc, out, err = run(["iso-info", "-U", "--no-header", image], check=False)
    c.expect(rc == 0, "iso-info -U: rc %d %s" % (rc, err.strip()))
    listed = {}
    for line in out.splitlines():
        m = re.match(r"^\s*(\d+)\s+(/.*)$", line)
        if m and not m.group(2).endswith("/."):
            listed[m.group(2)] = int(m.group(1))
    # libcdio prints 8-bit CS0 characters past ASCII as raw Latin-1 bytes and splits
    # surrogate pairs (specs/udf.md): those names are counted, not compared.
    entries = [p for p, e in expect.items() if e["type"] != "dir"]
    c.expect(len(listed) == len(entries), "iso-info -U: %d entries, expected %d" %
             (len(listed), len(entries)))
    for path, e in expect.items():
        if e["type"] == "file" and (all(ord(ch) < 128 for ch in path) or
                                    all(0xFF < ord(ch) < 0x10000 for ch in path if ord(ch) > 127)):
            c.expect(listed.get(path) == e["size"], "iso-info -U: %s: %s, expected size %d" %
                     (path, listed.get(path), e["size"]))


def check_scenario(args, scenario, workdir):
    revision, bridge, redundant = SCENARIOS[scenario]
    c = peers.Checker()
    notes = []
    src, expect = make_tree(workdir)
    add_manifest_entries(expect, True)
    image = build(args.mkimg, workdir, scenario, manifest(revision, bridge, redundant))
    label = "UDF \u00e9t\u00e9 test"
    check_udfread(c, args.udfread_ls, image, expect)
    check_udfinfo(c, image, revision, expect, label)
    check_udfclient(c, image, expect)
    os.mkdir(os.path.join(workdir, "mk"))
    check_mkimg(c, args.mkimg, image, expect, os.path.join(workdir, "mk"))
    rc, out, _ = run([args.mkimg, "info", "--json", image])
    info = json.loads(out)["udf"]
    c.expect(info["revision"] == revision and info["metadata_partition"] == (revision >= "2.50"),
             "mkimg info: %s" % info)
    if revision >= "2.50":
        c.expect(info["metadata_mirror"], "mkimg info: no mirror")
    # mkimg info's descriptor places against udfinfo's map of the disc.
    rc, out, err = run(["udfinfo", image], check=False)
    places = {m.group(3): int(m.group(1)) for m in
              re.finditer(r"^start=(\d+), blocks=(\d+), type=(\w+)$", out, re.M)}
    c.expect(places.get("MVDS") == info["main_vds_lba"] and
             places.get("RVDS") == info["reserve_vds_lba"] and
             places.get("LVID") == info["integrity_lba"] and info["integrity"] == "closed",
             "udfinfo places %s, mkimg info %s" % (places, info))
    if bridge:
        # One copy of the data: UDF adds less than the 2 MB random file to the same
        # manifest built without it (its own structures, anchors and reserve sequence).
        m = manifest(revision, bridge, redundant)
        del m["filesystems"]["udf"]
        iso_only = build(args.mkimg, workdir, scenario + "-iso", m)
        grown = os.path.getsize(image) - os.path.getsize(iso_only)
        c.expect(0 < grown < RANDOM_SIZE, "UDF adds %d bytes to the ISO 9660 image: the data "
                 "is not shared" % grown)
        check_xorriso(c, image, expect, workdir)
        if revision < "2.50":
            check_pycdlib(c, image, expect, True)
            check_iso_info(c, image, expect)
        else:
            # pycdlib refuses a logical volume with two partition maps even for its ISO
            # views, and libcdio reads no metadata partition (specs/udf.md).
            notes.append("pycdlib and iso-info -U: not readers of a metadata partition")
    # 7-Zip: without symbolic links and without unrecorded extents (UDF-only zeros).
    plain = os.path.join(workdir, "plain")
    os.mkdir(plain)
    src2, expect2 = make_tree(plain, symlinks=False)
    add_manifest_entries(expect2, bridge)
    image2 = build(args.mkimg, plain, scenario + "-7zz", manifest(revision, bridge, redundant,
                                                                  sparse=bridge))
    check_7zz(c, image2, expect2, plain)
    return c, notes


def fnv64_zeros(n):
    """FNV-1a-64 of n zero bytes: each byte multiplies by the prime (xor 0 is nothing)."""
    return "%016x" % (0xcbf29ce484222325 * pow(0x100000001b3, n, 1 << 64) % (1 << 64))


def check_big5g(args, workdir):
    """A 5 GiB `size` file: in UDF alone, unrecorded extents that cost no image bytes; in
    a bridge with ISO 9660 level 3 and Joliet, one recorded copy that all point at,
    as six UDF extents each under 2^30 bytes."""
    c = peers.Checker()
    notes = []
    zeros = {"type": "file", "size": FIVE_GIB, "fnv": fnv64_zeros(FIVE_GIB), "mode": 0o644}
    small = b"after the big file\n"
    expect = {"/big/zeros.bin": zeros, "/big": {"type": "dir"},
              "/big/after.txt": {"type": "file", "size": len(small), "fnv": fnv64(small),
                                 "mode": 0o644}}
    for name, bridge in (("udf-only", False), ("bridge", True)):
        m = {"mkimg": 1, "volume": {"id": "BIG", "timestamp": "2026-01-01T00:00:00Z"},
             "filesystems": {"udf": {"revision": "2.60"}},
             "contents": [{"target": "/big/zeros.bin", "size": FIVE_GIB},
                          {"target": "/big/after.txt", "text": small.decode()}]}
        if bridge:
            m["filesystems"]["iso9660"] = {"level": 3, "rock_ridge": True}
            m["filesystems"]["joliet"] = {}
        image = build(args.mkimg, workdir, name, m)
        size = os.path.getsize(image)
        if bridge:
            c.expect(FIVE_GIB < size < FIVE_GIB + 4 * 1024 * 1024,
                     "bridge: image of %d bytes for one 5 GiB copy" % size)
            c.expect(os.stat(image).st_blocks * 512 < 64 * 1024 * 1024,
                     "bridge: the zeros were written, not left as holes")
            rc, out, _ = run(["xorriso", "-indev", image, "-find", "/big/zeros.bin", "-exec",
                              "lsdl"], check=False)
            c.expect(str(FIVE_GIB) in out, "xorriso: /big/zeros.bin is not 5 GiB: %s" % out)
            # The Joliet tree (xorriso -read_fs norock) and plain ISO 9660 (ecma119) point at
            # the same multi-extent copy.
            for fs_name in ("norock", "ecma119"):
                rc, out, _ = run(["xorriso", "-read_fs", fs_name, "-indev", image, "-find",
                                  "/", "-type", "f", "-exec", "lsdl"], check=False)
                c.expect(str(FIVE_GIB) in out,
                         "xorriso -read_fs %s: the 5 GiB file is missing: %s" % (fs_name, out))
            rc, out, err = run([args.mkimg, "ls", "-l", "--fs", "joliet", image, "/big"])
            c.expect(" %d " % FIVE_GIB in out, "mkimg ls --fs joliet: %s" % out)
        else:
            c.expect(size < 2 * 1024 * 1024, "udf-only: image of %d bytes" % size)
        view = udfread_tree(args.udfread_ls, image)
        compare_tree(c, name + ": libudfread", expect, view)
        facts = peers.udfinfo_facts(image)
        c.expect(facts.get("numfiles") == "2" and facts.get("numdirs") == "2",
                 "%s: udfinfo counts %s/%s" % (name, facts.get("numfiles"), facts.get("numdirs")))
        uc = peers.udfclient_view(image)
        c.expect(uc.get("/big/zeros.bin", {}).get("size") == FIVE_GIB,
                 "%s: udfclient: %s" % (name, uc.get("/big/zeros.bin")))
        rc, out, err = run([args.mkimg, "ls", "-l", "--fs", "udf", image, "/big"])
        c.expect(" %d " % FIVE_GIB in out, "%s: mkimg ls: %s" % (name, out))
        rc, out, err = run([args.mkimg, "verify", image], check=False)
        c.expect(rc == 0, "%s: mkimg verify rc %d: %s" % (name, rc, (out + err)[-400:]))
        if bridge:
            # 7-Zip reads the recorded extents (it refuses unrecorded ones: specs/udf.md).
            rc, out, err = run(["7zz", "l", "-slt", image], check=False)
            c.expect(rc == 0 and "Size = %d" % FIVE_GIB in out, "7zz: %s" % out[-800:])
    notes.append("7zz: asked about the bridge only (it refuses unrecorded extents)")
    return c, notes


def check_errors(args, workdir):
    """Bad input: one line `mkimg: WHERE: WHAT`, exit 2, no image left behind."""
    c = peers.Checker()
    base = {"mkimg": 1, "volume": {"id": "BAD", "timestamp": "2026-01-01T00:00:00Z"},
            "contents": [{"target": "/a.txt", "text": "a"}]}
    greek_long = "\u03b1" + "a" * 200  # 201 characters, 16-bit CS0: 403 bytes
    cases = [
        ("revision", {"filesystems": {"udf": {"revision": "2.00"}}},
         r"filesystems\.udf\.revision.*2\.00.*not one of"),
        ("redundant", {"filesystems": {"udf": {"revision": "2.01", "redundant_metadata": True}}},
         r"redundant_metadata.*2\.50"),
        ("cs0-name", {"filesystems": {"udf": {}},
                      "contents": [{"target": "/" + greek_long, "text": "x"}]},
         r"/\u03b1a+: name is 403 bytes in UDF's compressed Unicode"),
        ("too-big", {"filesystems": {"udf": {"revision": "2.60"}},
                     "contents": [{"target": "/huge", "size": 1024 ** 5}]},
         r"/huge: file of 1125899906842624 bytes needs 1048579 UDF extents, more than the "
         r"1000000 readers take"),
        ("media", {"filesystems": {"iso9660": {}, "udf": {}}, "media": "cd-r",
                   "contents": [{"target": "/a", "size": 500000000},
                                {"target": "/b", "size": 500000000}]},
         r"does not fit"),
        # UDF alone records the zeros unallocated, but no file outgrows its medium.
        ("media-sparse", {"filesystems": {"udf": {}}, "media": "dvd+r",
                          "contents": [{"target": "/big", "size": 5 * FIVE_GIB}]},
         r"/big: file of 26843545600 bytes is larger than DVD\+R"),
    ]
    for name, change, pattern in cases:
        m = dict(base)
        m.update(change)
        path = os.path.join(workdir, name + ".json")
        with open(path, "w") as f:
            json.dump(m, f, ensure_ascii=False)
        image = os.path.join(workdir, name + ".img")
        rc, out, err = run([args.mkimg, "build", path, "-o", image], check=False)
        lines = err.strip().splitlines()
        c.expect(rc == 2 and len(lines) == 1 and lines[0].startswith("mkimg: ") and
                 re.search(pattern, lines[0]) is not None,
                 "%s: rc %d, stderr %r (expected /%s/)" % (name, rc, err, pattern))
        c.expect(not os.path.exists(image), "%s: an image was left behind" % name)
    return c, []


def check_reproducible(args, workdir):
    """The same manifest and sources give the same bytes, whatever the folder, time zone
    and umask; a different timestamp gives other bytes."""
    c = peers.Checker()
    images = []
    for i, tz in enumerate(("UTC", "Asia/Kathmandu")):
        d = os.path.join(workdir, "run%d" % i)
        os.mkdir(d)
        make_tree(d)
        m = manifest("2.60", True, True)
        path = os.path.join(d, "m.json")
        with open(path, "w") as f:
            json.dump(m, f, ensure_ascii=False)
        image = os.path.join(d, "out.img")
        env = dict(os.environ, TZ=tz)
        subprocess.run([args.mkimg, "build", "m.json", "-o", image, "--quiet"], cwd=d, env=env,
                       check=True)
        images.append(image)
    with open(images[0], "rb") as a, open(images[1], "rb") as b:
        first, second = a.read(), b.read()
    c.expect(first == second, "two builds differ")
    m["volume"]["timestamp"] = "2026-01-01T00:00:01Z"
    with open(os.path.join(workdir, "run1", "m.json"), "w") as f:
        json.dump(m, f, ensure_ascii=False)
    subprocess.run([args.mkimg, "build", "m.json", "-o", images[1], "--quiet"],
                   cwd=os.path.join(workdir, "run1"), check=True)
    with open(images[1], "rb") as b:
        c.expect(b.read() != first, "another timestamp gave the same bytes")
    return c, []


def crc_itu(data):
    """ECMA-167 3/7.2.6: CRC-CCITT, x^16 + x^12 + x^5 + 1, initial 0."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def refinish_tag(img, off):
    """Recomputes the CRC and checksum of the descriptor tag at byte `off` (3/7.2)."""
    crc_len = struct.unpack_from("<H", img, off + 10)[0]
    struct.pack_into("<H", img, off + 8, crc_itu(bytes(img[off + 16:off + 16 + crc_len])))
    img[off + 4] = (sum(img[off:off + 4]) + sum(img[off + 5:off + 16])) & 0xFF


def locate(img):
    """The structures of a UDF 2.01 image, found from the anchor at 256 with the
    specification alone: LVID, partition start, the root's file entry and its FIDs."""
    bs = 2048
    main = struct.unpack_from("<I", img, 256 * bs + 20)[0]
    out = {}
    for i in range(16):
        off = (main + i) * bs
        tag = struct.unpack_from("<H", img, off)[0]
        if tag == 5:
            out["partition"] = struct.unpack_from("<I", img, off + 188)[0]
        elif tag == 6:
            out["lvid"] = struct.unpack_from("<I", img, off + 436)[0]
            out["fsd"] = struct.unpack_from("<I", img, off + 252)[0]
    part = out["partition"]
    fsd = (part + out["fsd"]) * bs
    out["root"] = part + struct.unpack_from("<I", img, fsd + 404)[0]
    root = out["root"] * bs
    l_ea, l_ad = struct.unpack_from("<II", img, root + 168)
    length, pos = struct.unpack_from("<II", img, root + 176 + l_ea)
    out["fids"] = part + pos
    return out


def check_verify_damage(args, workdir):
    """`mkimg verify` on what mkimg wrote passes, and fails on each kind of damage: a tag
    checksum, a CRC, a tag location, the LVID's counts, a FID's unique ID."""
    c = peers.Checker()
    make_tree(workdir)
    image = build(args.mkimg, workdir, "good", manifest("2.01", False, False))
    rc, out, err = run([args.mkimg, "verify", image], check=False)
    c.expect(rc == 0, "verify of the intact image: rc %d %s" % (rc, (out + err)[-300:]))
    with open(image, "rb") as f:
        good = bytearray(f.read())
    where = locate(good)
    bs = 2048

    def damaged(name, change, pattern):
        img = bytearray(good)
        change(img)
        path = os.path.join(workdir, name + ".img")
        with open(path, "wb") as f:
            f.write(img)
        rc, out, err = run([args.mkimg, "verify", path], check=False)
        c.expect(rc == 1 and re.search(pattern, out + err) is not None,
                 "%s: verify rc %d, %s (expected /%s/)" % (name, rc, (out + err).strip()[-400:],
                                                          pattern))

    root = where["root"] * bs
    fids = where["fids"] * bs
    lvid = where["lvid"] * bs

    def checksum(img):
        img[root + 4] ^= 0x01

    def crc(img):
        img[root + 36] ^= 0x01  # the uid, inside the CRC

    def location(img):
        struct.pack_into("<I", img, root + 12, struct.unpack_from("<I", img, root + 12)[0] + 1)
        refinish_tag(img, root)

    def counts(img):
        n = struct.unpack_from("<I", img, lvid + 72)[0]
        iu = lvid + 80 + 8 * n
        struct.pack_into("<I", img, iu + 32, struct.unpack_from("<I", img, iu + 32)[0] + 1)
        refinish_tag(img, lvid)

    def unique(img):
        first = fids + 40  # after the parent FID (38 bytes, padded to 40)
        struct.pack_into("<I", img, first + 20 + 12, 12345)
        refinish_tag(img, first)

    def fid_location(img):
        first = fids + 40
        struct.pack_into("<I", img, first + 12, 7)
        refinish_tag(img, first)

    damaged("checksum", checksum, r"checksum")
    damaged("crc", crc, r"CRC")
    damaged("location", location, r"records location")
    damaged("counts", counts, r"files and \d+ directories recorded")
    damaged("unique-id", unique, r"unique ID 12345")
    damaged("fid-location", fid_location, r"identifier descriptor at byte 40 records location 7")
    return c, []


def check_dedupe(args, workdir):
    """"dedupe": three equal 1 MiB host files (not hard links), two equal texts and two
    equal zero runs are stored once; a same-size different file is not. Every reader sees
    every file with its own bytes, and the image shrinks by what was shared."""
    c = peers.Checker()
    src = os.path.join(workdir, "src")
    one = pattern("same", 1 << 20)
    other = bytearray(one)
    other[-1] ^= 1  # equal size, one byte differs: hashes differ, never shared
    expect = {"/copies": {"type": "dir"}}
    for name, data in (("a.bin", one), ("b.bin", one), ("c.bin", one), ("d.bin", bytes(other))):
        write(os.path.join(src, "copies", name), data)
        expect["/copies/" + name] = {"type": "file", "size": len(data), "fnv": fnv64(data),
                                     "bytes": data, "mode": 0o644}
    text = "the same text\n"
    extra = [{"target": "/t1.txt", "text": text}, {"target": "/t2.txt", "text": text},
             {"target": "/z1", "size": 300000}, {"target": "/z2", "size": 300000}]
    for p in ("/t1.txt", "/t2.txt"):
        expect[p] = {"type": "file", "size": len(text), "fnv": fnv64(text.encode()), "mode": 0o644}
    for p in ("/z1", "/z2"):
        expect[p] = {"type": "file", "size": 300000, "fnv": fnv64(bytes(300000)), "mode": 0o644}
    sizes = {}
    for dedupe in (False, True):
        m = {"mkimg": 1, "volume": {"id": "DEDUPE", "timestamp": "2026-01-01T00:00:00Z"},
             "filesystems": {"iso9660": {"level": 3, "rock_ridge": True}, "joliet": {},
                             "udf": {"revision": "2.60"}},
             "contents": [{"source": "src/", "target": "/"}] + extra}
        if dedupe:
            m["dedupe"] = True
        path = os.path.join(workdir, "d%d.json" % dedupe)
        with open(path, "w") as f:
            json.dump(m, f)
        image = os.path.join(workdir, "d%d.img" % dedupe)
        rc, out, err = run([args.mkimg, "build", path, "-o", image])
        if dedupe:
            saved = 2 * len(one) + len(text) + 300000
            c.expect("dedupe: 4 files share the data of an identical file, %d bytes saved" %
                     saved in err, "mkimg build: no saving reported: %s" % err.strip()[-400:])
        sizes[dedupe] = os.path.getsize(image)
        check_udfread(c, args.udfread_ls, image, expect)
        check_xorriso(c, image, expect, os.path.join(workdir, "x%d" % dedupe))
        c.expect(peers.udfinfo_facts(image).get("numfiles") == "8",
                 "udfinfo: each name its own file")
        check_7zz(c, image, expect, os.path.join(workdir, "7z%d" % dedupe))
        rc, out, err = run([args.mkimg, "verify", image], check=False)
        c.expect(rc == 0, "mkimg verify rc %d: %s" % (rc, (out + err)[-400:]))
    # The two copies of 1 MiB and the 300 kB zeros (a hole, but a block range) are gone.
    saved = sizes[False] - sizes[True]
    c.expect(saved >= 2 * len(one) + 300000 - 2048,
             "dedupe saves %d bytes of the image, expected about %d" %
             (saved, 2 * len(one) + 300000))
    return c, []


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg")
    ap.add_argument("--udfread-ls")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("scenario", nargs="?")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(list(SCENARIOS) + SPECIAL))
        return 0
    if (args.scenario not in SCENARIOS and args.scenario not in SPECIAL) or not args.mkimg:
        ap.error("need --mkimg and one of " + ", ".join(SCENARIOS))
    os.umask(0o022)
    workdir = tempfile.mkdtemp(prefix="udf-writer-")
    try:
        if not args.udfread_ls or not os.path.exists(args.udfread_ls):
            raise Missing("libudfread (Debian package libudfread-dev; mkimg-udfread not built)")
        if args.scenario in SPECIAL:
            c, notes = globals()["check_" + args.scenario.replace("-", "_")](args, workdir)
        else:
            c, notes = check_scenario(args, args.scenario, workdir)
    except Missing as e:
        print("MISSING: %s" % e)
        return 1 if os.environ.get("CI") else 77
    except Failure as e:
        print("FAIL %s: %s" % (args.scenario, e))
        return 1
    finally:
        if args.keep:
            print("kept " + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for n in notes:
        print("note: " + n)
    if c.problems:
        for p in c.problems:
            print("FAIL: " + p)
        print("%s: %d of %d checks failed" % (args.scenario, len(c.problems), c.checks))
        return 1
    print("%s: %d checks passed" % (args.scenario, c.checks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
