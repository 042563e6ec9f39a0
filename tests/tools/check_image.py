#!/usr/bin/python3
"""Checks an ISO 9660 / Joliet / Rock Ridge image against an expected tree through four
independent readers: xorriso (libisofs), isoinfo (genisoimage), 7zz (7-Zip) and pycdlib.

Every reader lists every namespace it can show (Rock Ridge, Joliet, plain ECMA-119), and
each (reader, namespace) view is compared with the expected tree: presence of every entry,
types, sizes, contents, and for Rock Ridge also modes, owners, link counts, modification
times and symlink targets (RRIP 1.12, SUSP 1.12). Joliet and ECMA-119 names are checked
against their rules (Joliet 1995 spec, ECMA-119 7.5/7.6/10) and matched to the expected
tree by name first, then by content; the quirks of the readers themselves are applied as
documented in specs/verification.md, each noted in the report, and
nothing listed there as a FAIL is tolerated.

Usage: check_image.py IMAGE EXPECTED.json [--readers xorriso,isoinfo,7zz,pycdlib]
                      [--namespaces rr,joliet,iso] [--verbose]
Exit status: 0 all checks PASS or SKIP, 1 some check FAILed, 2 bad usage or expectation.
A reader that is not installed (or pycdlib not importable) is a SKIP, or a FAIL when CI is
set in the environment (tests/missing_tool.h's rule).

EXPECTED.json:
{
  "filesystems": {"rockridge": true, "joliet": true},  # namespaces the image must have
  "iso_level": 3,                                       # ECMA-119 interchange level
  "joliet_max_name": 64,                                # 103 for long Joliet names
  "entries": [
    {"path": "/d", "type": "dir", "mode": "0755", "uid": 0, "gid": 0},
    {"path": "/d/f", "type": "file", "size": 6, "sha256": "...", "mode": "0644",
     "mtime": 1767225600, "nlink": 1},
    {"path": "/z", "type": "file", "size": 5368709120, "zeros": true},
    {"path": "/t", "type": "file", "text": "hello\\n"},
    {"path": "/h", "type": "file", "content_from": "/host/path"},
    {"path": "/l", "type": "symlink", "target": "d/f"},
    {"path": "/s", "type": "file", "text": "x", "hidden_in": ["joliet"]}
  ]
}
Parent folders not listed are implied. Content is one of sha256 / zeros / text /
content_from; size may be omitted when the content gives it.
"""

import argparse
import calendar
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "mkimg"))
import diff_read  # noqa: E402  (mkimg/diff_read.py: Fingerprint, fingerprint_range)

# The readers run here (xorriso, isoinfo, 7zz) print non-ASCII names according to the
# locale: they run in UTF-8 whatever the caller's environment.
os.environ["LC_ALL"] = "C.UTF-8"

CHUNK = 1 << 20
SECTOR = 2048
BIG_FILE = 64 << 20  # 7zz streams files at least this big instead of writing them out
MAX_DETAILS = 12
ISOINFO_X_LIMIT = 200  # files read through `isoinfo -x` per image


# ---------------------------------------------------------------------------------------
# Content fingerprints. By default a block-sparse SHA-256: the data is cut into aligned
# 1 MiB blocks and only the blocks that are not all zeros are hashed, each with its index,
# so a 5 GiB file of holes costs memcmp speed (or nothing, when holes are skipped) and two
# streams of the same length get the same fingerprint exactly when their bytes are equal.
# "zeros" stands for data that is all zeros. When an expectation gives a plain "sha256",
# PLAIN_SHA256 switches every fingerprint to the plain SHA-256 of the bytes.

PLAIN_SHA256 = False


class Fingerprint(diff_read.Fingerprint):
    """mkimg/diff_read.py's block-sparse SHA-256, its result in the expectations' form."""

    def __init__(self):
        super().__init__(plain=PLAIN_SHA256)

    def result(self):
        self.finish()
        if self.plain is not None:
            return "sha256:" + self.plain.hexdigest()
        if not self.nonzero:
            return "zeros"
        return "sparse-sha256:%s:%d" % (self.hash.hexdigest(), self.length)


def fingerprint_bytes(data):
    fp = Fingerprint()
    fp.write(data)
    return fp.result()


# Feeds [offset, offset+length) of fd into fp, skipping holes (SEEK_DATA/SEEK_HOLE); False
# when the file ends first.
fingerprint_fd_range = diff_read.fingerprint_range


def fingerprint_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        fp = Fingerprint()
        fingerprint_fd_range(fd, 0, size, fp)
        return fp.result(), size
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------
# The tree model every reader produces and the expectation is loaded into.


class Node:
    __slots__ = ("name", "kind", "size", "mode", "uid", "gid", "nlink", "mtime", "target",
                 "extents", "children", "content", "_fingerprint", "parent", "hidden_in",
                 "raw_name")

    def __init__(self, name, kind):
        self.name = name
        self.raw_name = name
        self.kind = kind  # "dir", "file", "symlink", "other"
        self.size = None
        self.mode = None  # permission bits incl. setuid/setgid/sticky
        self.uid = None
        self.gid = None
        self.nlink = None
        self.mtime = None
        self.target = None
        self.extents = None  # [(lba, bytes)] as the reader lists them
        self.children = [] if kind == "dir" else None
        self.content = None  # callable returning a fingerprint, or a fingerprint string
        self._fingerprint = None
        self.parent = None
        self.hidden_in = ()

    def add(self, child):
        child.parent = self
        self.children.append(child)
        return child

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def path(self):
        parts = []
        node = self
        while node.parent is not None:
            parts.append(node.name)
            node = node.parent
        return "/" + "/".join(reversed(parts))

    def fingerprint(self):
        if self._fingerprint is None and self.content is not None:
            self._fingerprint = self.content() if callable(self.content) else self.content
        return self._fingerprint

    def walk(self):
        yield self
        if self.children:
            for c in self.children:
                yield from c.walk()


def ensure_dir(root, path):
    node = root
    for part in [p for p in path.split("/") if p]:
        nxt = node.child(part)
        if nxt is None:
            nxt = node.add(Node(part, "dir"))
        node = nxt
    return node


class ExpectationError(Exception):
    pass


def load_expected(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    global PLAIN_SHA256
    PLAIN_SHA256 = any("sha256" in e for e in spec.get("entries", []))
    root = Node("", "dir")
    for i, e in enumerate(spec.get("entries", [])):
        where = "%s: entries[%d]" % (path, i)
        p = e.get("path")
        if not isinstance(p, str) or not p.startswith("/"):
            raise ExpectationError(where + ": path must be absolute")
        kind = e.get("type", "file")
        if kind not in ("dir", "file", "symlink"):
            raise ExpectationError(where + ": type must be dir, file or symlink")
        if p == "/":
            node = root
        else:
            parent_path, name = p.rstrip("/").rsplit("/", 1)
            parent = ensure_dir(root, parent_path)
            node = parent.child(name)
            if node is None:
                node = parent.add(Node(name, kind))
            elif node.kind != kind:
                raise ExpectationError(where + ": %s listed twice with different types" % p)
        if "mode" in e:
            node.mode = int(e["mode"], 8) if isinstance(e["mode"], str) else int(e["mode"])
        for key in ("uid", "gid", "nlink", "mtime"):
            if key in e:
                setattr(node, key, int(e[key]))
        node.hidden_in = tuple(e.get("hidden_in", ()))
        if kind == "symlink":
            node.target = e["target"]
        if kind == "file":
            size = e.get("size")
            if e.get("zeros"):
                node.content = "zeros"
            elif "text" in e:
                data = e["text"].encode("utf-8")
                node.content = fingerprint_bytes(data)
                size = len(data) if size is None else size
            elif "sha256" in e:
                node.content = "sha256:" + e["sha256"].lower()
            elif "content_from" in e:
                fpr, host_size = fingerprint_path(e["content_from"])
                node.content = fpr
                size = host_size if size is None else size
            if size is None:
                raise ExpectationError(where + ": a file needs size or text/content_from")
            node.size = int(size)
            if node.content == "zeros" or node.size == 0:
                fp = Fingerprint()
                fp.add_zeros(node.size)
                node.content = fp.result()
    return spec, root


# ---------------------------------------------------------------------------------------
# Results.


class Report:
    def __init__(self, verbose):
        self.rows = []
        self.verbose = verbose

    def add(self, view, check, status, detail="", items=None):
        self.rows.append((view, check, status, detail, items or []))

    def failed(self):
        return any(r[2] == "FAIL" for r in self.rows)

    def print(self, out):
        for view, check, status, detail, items in self.rows:
            line = "%-4s  %-16s %-10s %s" % (status, view, check, detail)
            out.write(line.rstrip() + "\n")
            if status == "FAIL" or self.verbose:
                for item in items[:MAX_DETAILS]:
                    out.write("        %s\n" % item)
                if len(items) > MAX_DETAILS:
                    out.write("        ... and %d more\n" % (len(items) - MAX_DETAILS))
        counts = {s: sum(1 for r in self.rows if r[2] == s) for s in ("PASS", "FAIL", "SKIP")}
        out.write("summary: %d PASS, %d FAIL, %d SKIP\n" % (counts["PASS"], counts["FAIL"],
                                                           counts["SKIP"]))


class Skip(Exception):
    pass


class MissingTool(Skip):
    """A reader that is not installed: SKIP on a developer's machine, FAIL in CI (CI set in
    the environment), where scripts/setup.sh installs every reader (tests/missing_tool.h)."""


def missing_tool_status():
    return "FAIL" if "CI" in os.environ else "SKIP"


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def have(tool):
    return shutil.which(tool) is not None


# ---------------------------------------------------------------------------------------
# Reader: xorriso. `-find / -exec lsdl` lists names, modes, owners, links and sizes;
# `-find / -exec report_lba` lists data extents; `-osirrox on:sparse=1m -extract` reads
# contents. `-read_fs norock` shows the Joliet tree, `-read_fs ecma119` the plain one.

XORRISO_FS = {"rr": "any", "joliet": "norock", "iso": "ecma119"}
MODE_RE = re.compile(r"^([-dlcbps])([-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT])$")


def parse_mode_string(s):
    m = MODE_RE.match(s)
    if not m:
        return None, None
    kind = {"d": "dir", "-": "file", "l": "symlink"}.get(m.group(1), "other")
    p = m.group(2)
    mode = 0
    for i, bit in enumerate((0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1)):
        if p[i] not in "-ST":
            mode |= bit
    if p[2] in "sS":
        mode |= 0o4000
    if p[5] in "sS":
        mode |= 0o2000
    if p[8] in "tT":
        mode |= 0o1000
    return kind, mode


def xorriso_listing(image, ns, workdir, notes, shared):
    fsarg = XORRISO_FS[ns]
    r = run(["xorriso", "-abort_on", "FATAL", "-read_fs", fsarg, "-indev", image,
             "-find", "/", "-exec", "lsdl", "--", "-find", "/", "-exec", "report_lba"])
    if r.returncode != 0:
        raise RuntimeError("xorriso -indev failed: " + r.stderr.decode(errors="replace")[-300:])
    root = Node("", "dir")
    lbas = {}
    for raw in r.stdout.decode("utf-8", errors="surrogateescape").splitlines():
        if raw.startswith("File data lba:"):
            fields = raw[len("File data lba:"):].split(",", 4)
            path = shlex.split(fields[4].strip())[0]
            lbas.setdefault(path, []).append((int(fields[1]), int(fields[3])))
            continue
        if raw.startswith("Report layout:") or not raw or raw[0] not in "-dlcbps":
            continue
        try:
            tokens = shlex.split(raw)
        except ValueError:
            raise RuntimeError("cannot parse xorriso line: " + raw)
        kind, mode = parse_mode_string(tokens[0])
        if kind is None:
            continue
        path = tokens[8]
        if path == "/":
            node = root
        else:
            parent_path, name = path.rsplit("/", 1)
            node = ensure_dir(root, parent_path).add(Node(name, kind))
        node.kind = kind
        if kind == "dir" and node.children is None:
            node.children = []
        node.mode = mode
        node.nlink = int(tokens[1])
        node.uid = int(tokens[2])
        node.gid = int(tokens[3])
        node.size = int(tokens[4])
        if kind == "symlink" and len(tokens) >= 11 and tokens[9] == "->":
            node.target = tokens[10]
    for node in root.walk():
        node.extents = lbas.get(node.path())
    files = [n for n in root.walk() if n.kind == "file"]
    # Joliet and ECMA-119 records that point at the extents of a Rock Ridge record whose
    # data xorriso already extracted are matched by extent; anything else is extracted.
    by_extent = shared.setdefault("rr_extracted", {})
    need = [n for n in files if ns == "rr" or not n.extents or
            tuple(n.extents) not in by_extent]
    extract_dir = os.path.join(workdir, "xorriso-" + ns)
    if need:
        r = run(["xorriso", "-abort_on", "FATAL", "-read_fs", fsarg, "-osirrox",
                 "on:sparse=1m", "-indev", image, "-extract", "/", extract_dir])
        if r.returncode != 0:
            raise RuntimeError("xorriso -extract failed: " +
                               r.stderr.decode(errors="replace")[-300:])
    for node in files:
        if ns != "rr" and node.extents and tuple(node.extents) in by_extent:
            node.content = by_extent[tuple(node.extents)]
            continue
        host = os.path.join(extract_dir, node.path().lstrip("/"))
        node.content = cached(lambda h=host, n=node: extracted_fingerprint(h, n))
        if ns == "rr" and node.extents:
            by_extent[tuple(node.extents)] = node.content
    return root


def cached(fn):
    box = []

    def get():
        if not box:
            box.append(fn())
        return box[0]
    return get


def extracted_fingerprint(host, node):
    if not os.path.lexists(host):
        return "missing on extraction"
    fpr, size = fingerprint_path(host)
    if size != node.size:
        return "%s (extracted %d bytes)" % (fpr, size)
    return fpr


# ---------------------------------------------------------------------------------------
# Reader: isoinfo (genisoimage). Listings of -l, -R -l and -J -l; directories are tied to
# their entries by the extent of "." (names can repeat: see the latin1 map); multi-extent
# files (flag 0x80, printed "FFFF" without "]") are merged; contents are read at the listed
# extents (isoinfo -x returns only the last extent of a multi-extent file), and in the Rock
# Ridge namespace every single-extent file is also read once through `isoinfo -R -x`.

ISOINFO_FLAGS = {"rr": ["-R"], "joliet": ["-J"], "iso": []}
ISOINFO_ENTRY = re.compile(
    r"^(\S{10})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\w{3}\s+\d+\s+\d+\s+"
    r"\[\s*(\d+) ([0-9A-Fa-f]+)(\]  | )(.*)$")


def isoinfo_listing(image, ns, workdir, notes):
    r = run(["isoinfo", "-i", image] + ISOINFO_FLAGS[ns] + ["-l"])
    if r.returncode != 0:
        raise RuntimeError("isoinfo -l failed: " + r.stderr.decode(errors="replace")[-300:])
    # -J prints Joliet names in iso8859-1 (specs/verification.md: the latin1 map); -R prints the
    # NM bytes as they are (UTF-8).
    if ns == "joliet":
        text = r.stdout.decode("latin-1")
    else:
        text = r.stdout.decode("utf-8", errors="surrogateescape")
    sections = []  # (dir extent, [entries])
    current = None
    for line in text.splitlines():
        if line.startswith("Directory listing of "):
            current = [None, []]
            sections.append(current)
            continue
        m = ISOINFO_ENTRY.match(line)
        if not m or current is None:
            continue
        mode_s, nlink, uid, gid, size, lba, flags, _sep, name = m.groups()
        if name.endswith(" "):
            name = name[:-1]
        # A multi-extent record (flag 0x80) prints as "FFFF" without the closing "]".
        multi = len(flags) > 2
        flag_value = 0x80 if multi else int(flags, 16)
        target = None
        if mode_s.startswith("l") and " -> " in name:
            name, target = name.split(" -> ", 1)
        if name in (".", ".."):
            if name == "." and current[0] is None:
                current[0] = int(lba)
            continue
        current[1].append({
            # isoinfo prints uid and gid in octal (uid 1000 shows as 1750).
            "name": name, "mode": mode_s, "nlink": int(nlink), "uid": int(uid, 8),
            "gid": int(gid, 8), "size": int(size), "lba": int(lba),
            "multi": bool(flag_value & 0x80),
            "dir": bool(flag_value & 0x02), "target": target})
    by_extent = {}
    for lba, entries in sections:
        by_extent.setdefault(lba, entries)
    if not sections:
        raise RuntimeError("isoinfo listed no directories")
    fd = os.open(image, os.O_RDONLY)
    OPEN_FDS.append(fd)
    root = Node("", "dir")
    root.extents = [(sections[0][0], 0)]
    seen = set()

    def fill(node, dir_lba, depth):
        if dir_lba in seen or depth > 200:
            notes.append("directory at LBA %d listed twice (loop?)" % dir_lba)
            return
        seen.add(dir_lba)
        pending = None
        for e in by_extent.get(dir_lba, []):
            if pending is not None and e["name"] == pending.name:
                pending.extents.append((e["lba"], e["size"]))
                pending.size += e["size"]
                if not e["multi"]:
                    pending = None
                continue
            pending = None
            if e["dir"]:
                kind = "dir"
            elif e["mode"].startswith("l") or e["target"] is not None:
                kind = "symlink"
            else:
                kind = "file"
            child = node.add(Node(e["name"], kind))
            if ns == "rr":
                k, mode = parse_mode_string(e["mode"])
                child.mode = mode
                child.uid = e["uid"]
                child.gid = e["gid"]
                child.nlink = e["nlink"]
            child.target = e["target"]
            child.size = e["size"]
            child.extents = [(e["lba"], e["size"])]
            if kind == "dir":
                fill(child, e["lba"], depth + 1)
            elif kind == "file":
                child.content = (lambda c=child: extents_fingerprint(fd, c.extents))
                if e["multi"]:
                    pending = child
        return

    fill(root, sections[0][0], 0)
    return root


EXTENT_CACHE = {}
OPEN_FDS = []


def extents_fingerprint(fd, extents):
    key = (fd, tuple(extents))
    if key in EXTENT_CACHE:
        return EXTENT_CACHE[key]
    fp = Fingerprint()
    complete = True
    for lba, length in extents:
        complete &= fingerprint_fd_range(fd, lba * SECTOR, length, fp)
    result = fp.result() if complete else "extent past end of image"
    EXTENT_CACHE[key] = result
    return result


def isoinfo_x_check(image, root, report, view):
    """Reads every single-extent Rock Ridge file through `isoinfo -R -x` once."""
    mismatches = []
    checked = 0
    files = [n for n in root.walk() if n.kind == "file" and n.extents and len(n.extents) == 1]
    # One process per file: a folder of thousands is sampled evenly (the extents of all of
    # them are read anyway).
    step = max(1, len(files) // ISOINFO_X_LIMIT)
    for node in files[::step]:
        path = node.path()
        proc = subprocess.Popen(["isoinfo", "-i", image, "-R", "-x", path],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        fp = Fingerprint()
        while True:
            data = proc.stdout.read(CHUNK)
            if not data:
                break
            fp.write(data)
        proc.wait()
        checked += 1
        got = fp.result()
        if got != node.fingerprint() or fp.length != node.size:
            mismatches.append("%s: isoinfo -x gave %d bytes %s, extents hold %s" %
                              (path, fp.length, got, node.fingerprint()))
    if mismatches:
        report.add(view, "isoinfo -x", "FAIL", "%d of %d files differ" %
                   (len(mismatches), checked), mismatches)
    else:
        report.add(view, "isoinfo -x", "PASS", "%d of %d single-extent files read" %
                   (checked, len(files)))


# ---------------------------------------------------------------------------------------
# Reader: 7-Zip. `7zz l -slt` and `7zz x`; it shows the Joliet tree when there is one, else
# the Rock Ridge names. Big files are streamed (`7zz e -so`) instead of written out.


def sevenzip_listing(image, ns, workdir, notes, has_joliet, has_rr):
    if ns == "iso":
        raise Skip("7zz has no plain ECMA-119 view")
    if ns == "rr" and has_joliet:
        raise Skip("7zz shows the Joliet tree when there is one")
    if ns == "rr" and not has_rr:
        raise Skip("image has no Rock Ridge")
    if ns == "joliet" and not has_joliet:
        raise Skip("image has no Joliet")
    r = run(["7zz", "l", "-slt", "-sccUTF-8", image])
    if r.returncode != 0:
        raise RuntimeError("7zz l failed: " + (r.stdout + r.stderr).decode(errors="replace")[-300:])
    text = r.stdout.decode("utf-8", errors="surrogateescape")
    body = text.split("\n----------\n", 1)
    if len(body) != 2:
        raise RuntimeError("7zz l -slt printed no entries")
    root = Node("", "dir")
    big = []
    for block in body[1].split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if " = " in line:
                k, v = line.split(" = ", 1)
                fields[k] = v
            elif line.endswith(" ="):
                fields[line[:-2]] = ""
        if "Path" not in fields:
            continue
        path = "/" + fields["Path"]
        if path == "/[BOOT]" or path.startswith("/[BOOT]/"):
            continue
        kind = "dir" if fields.get("Folder") == "+" else "file"
        if fields.get("Symbolic Link"):
            kind = "symlink"
        parent_path, name = path.rsplit("/", 1)
        parent = ensure_dir(root, parent_path)
        node = parent.child(name) if kind == "dir" else None
        if node is None:
            node = parent.add(Node(name, kind))
        if kind == "symlink":
            node.target = fields["Symbolic Link"]
        if ns == "rr" and fields.get("Mode"):
            node.mode = parse_mode_string(fields["Mode"])[1]
        if kind == "file":
            node.size = int(fields.get("Size") or 0)
            if node.size >= BIG_FILE:
                big.append(fields["Path"])
    extract_dir = os.path.join(workdir, "7zz")
    # -snld: make symlinks even when they point outside the folder ("dangerous" links).
    cmd = ["7zz", "x", "-y", "-snld", "-sccUTF-8", "-o" + extract_dir]
    cmd += ["-x!" + p for p in big] + [image]
    r = run(cmd)
    if r.returncode != 0:
        raise RuntimeError("7zz x failed: " + (r.stdout + r.stderr).decode(errors="replace")[-300:])
    for node in root.walk():
        if node.kind != "file":
            continue
        rel = node.path().lstrip("/")
        if rel in big:
            node.content = (lambda p=rel: sevenzip_stream(image, p))
        else:
            node.content = (lambda h=os.path.join(extract_dir, rel), n=node:
                            extracted_fingerprint(h, n))
    return root


def sevenzip_stream(image, rel):
    proc = subprocess.Popen(["7zz", "e", "-so", "-sccUTF-8", image, rel],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    fp = Fingerprint()
    while True:
        data = proc.stdout.read(CHUNK)
        if not data:
            break
        fp.write(data)
    if proc.wait() != 0:
        return "7zz e -so failed"
    return fp.result()


# ---------------------------------------------------------------------------------------
# Reader: pycdlib (Debian's python3-pycdlib). Walks the directory records of each
# namespace, merging multi-extent records; contents come from get_file_from_iso_fp with
# the ISO 9660 or Joliet path (its rr_path returns only the last extent of a multi-extent
# file, so Rock Ridge entries are read through the ISO path of the same record).


def pycdlib_open(image):
    try:
        import pycdlib  # noqa: F401  (Debian's python3-pycdlib)
    except ImportError:
        raise MissingTool("pycdlib is not importable (install python3-pycdlib, run "
                          "/usr/bin/python3)")
    iso = pycdlib.PyCdlib()
    iso.open(image)
    return iso


def iso_ident(rec):
    return rec.file_identifier().decode("ascii", errors="surrogateescape")


def iso_path_of(rec):
    parts = []
    while rec is not None and not rec.is_root:
        parts.append(iso_ident(rec))
        rec = rec.parent
    return "/" + "/".join(reversed(parts))


# Rock Ridge TF (RRIP 4.1.6), decoded from the raw directory records rather than through
# pycdlib's field names: pycdlib 1.12 names the second recorded time "access_time" and the
# third "modification_time", while RRIP 4.1.6 records them in the order CREATION, MODIFY,
# ACCESS, ATTRIBUTES, BACKUP, EXPIRATION, EFFECTIVE (flag bits 0-6), each in the 7-byte
# form of ECMA-119 9.1.5 or, with LONG_FORM (bit 7), the 17-byte form of 8.4.26.1.

TF_FIELDS = ("creation", "modify", "access", "attributes", "backup", "expiration",
             "effective")
TF_LONG_FORM = 0x80


def decode_short_time(b):
    """ECMA-119 9.1.5: years since 1900, month, day, hour, minute, second, offset in
    15-minute units (signed). None for an invalid date."""
    try:
        t = calendar.timegm((1900 + b[0], b[1], b[2], b[3], b[4], b[5], 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    return t - int.from_bytes(b[6:7], "little", signed=True) * 15 * 60


def decode_long_time(b):
    """ECMA-119 8.4.26.1: "YYYYMMDDHHMMSScc" digits and a signed 15-minute offset."""
    try:
        digits = b[:16].decode("ascii")
        t = calendar.timegm((int(digits[0:4]), int(digits[4:6]), int(digits[6:8]),
                             int(digits[8:10]), int(digits[10:12]), int(digits[12:14]),
                             0, 0, 0))
    except (ValueError, OverflowError, UnicodeDecodeError):
        return None
    return t - int.from_bytes(b[16:17], "little", signed=True) * 15 * 60


def decode_tf(entry):
    """The times of one raw TF entry (its 4-byte SUSP header included), as a dict from the
    names in TF_FIELDS to seconds since 1970 (None when a recorded date is invalid)."""
    flags = entry[4]
    size = 17 if flags & TF_LONG_FORM else 7
    times = {}
    at = 5
    for bit, name in enumerate(TF_FIELDS):
        if flags & (1 << bit):
            raw = entry[at:at + size]
            if len(raw) < size:
                break
            times[name] = decode_long_time(raw) if size == 17 else decode_short_time(raw)
            at += size
    return times


def susp_entries(f, area, skip=0, depth=0):
    """The SUSP entries of a system-use area (SUSP 1.12 section 4), following CE."""
    out = []
    i = skip
    while i + 4 <= len(area):
        sig, length = area[i:i + 2], area[i + 2]
        if length < 4 or i + length > len(area):
            break
        entry = area[i:i + length]
        if sig == b"ST":
            break
        if sig == b"CE" and length >= 28 and depth < 16:
            block = int.from_bytes(entry[4:8], "little")
            offset = int.from_bytes(entry[12:16], "little")
            size = int.from_bytes(entry[20:24], "little")
            f.seek(block * SECTOR + offset)
            out += susp_entries(f, f.read(size), 0, depth + 1)
        else:
            out.append(entry)
        i += length
    return out


def raw_directory_tf(f, extent, length, skip):
    """{(file identifier, extent location): TF times} for the records of one directory."""
    f.seek(extent * SECTOR)
    data = f.read(length)
    out = {}
    i = 0
    while i < len(data):
        rec_len = data[i]
        if rec_len == 0:  # records never cross a sector boundary (ECMA-119 6.8.1.1)
            i = (i // SECTOR + 1) * SECTOR
            continue
        rec = data[i:i + rec_len]
        name_len = rec[32]
        ident = bytes(rec[33:33 + name_len])
        su_start = 33 + name_len + (1 - name_len % 2)
        tf = None
        for e in susp_entries(f, rec[su_start:], skip):
            if e[:2] == b"TF":
                tf = decode_tf(e)
        out[(ident, int.from_bytes(rec[2:6], "little"))] = tf
        i += rec_len
    return out


class RawTf:
    """The TF times of pycdlib's records, read from the image's own bytes."""

    def __init__(self, image):
        self.f = open(image, "rb")
        self.dirs = {}
        self.skip = 0
        # SP's LEN_SKP (SUSP 5.3) in the root's "." record: bytes to skip in each area.
        pvd = self._read(16 * SECTOR, SECTOR)
        root_lba = int.from_bytes(pvd[156 + 2:156 + 6], "little")
        dot = self._read(root_lba * SECTOR, 256)
        if dot and dot[0] >= 34 and dot[34:38] == b"SP\x07\x01":
            self.skip = dot[40]

    def _read(self, offset, size):
        self.f.seek(offset)
        return self.f.read(size)

    def times(self, rec):
        parent = rec.parent
        key = parent.extent_location()
        if key not in self.dirs:
            self.dirs[key] = raw_directory_tf(self.f, key, parent.get_data_length(),
                                              self.skip)
        return self.dirs[key].get((rec.file_identifier(), rec.extent_location()))

    def close(self):
        self.f.close()


def tf_mtime(raw_tf, rec):
    """The TF MODIFY time of pycdlib's record `rec` (None when not recorded)."""
    times = raw_tf.times(rec)
    return None if times is None else times.get("modify")


def pycdlib_listing(iso, ns, notes, cache, raw_tf):
    if ns == "joliet":
        if iso.joliet_vd is None:
            raise Skip("image has no Joliet")
        top = iso.get_record(joliet_path="/")
    elif ns == "rr":
        if not iso.rock_ridge:
            raise Skip("image has no Rock Ridge")
        top = iso.get_record(rr_path="/")
    else:
        top = iso.get_record(iso_path="/")
    root = Node("", "dir")
    seen = set()

    def name_of(rec):
        if ns == "joliet":
            raw = rec.file_identifier()
            name = raw.decode("utf-16-be", errors="surrogatepass")
            return name
        if ns == "rr":
            if rec.rock_ridge is not None and rec.rock_ridge.name():
                return rec.rock_ridge.name().decode("utf-8", errors="surrogateescape")
            notes.append("%s has no NM entry" % iso_path_of(rec))
        return iso_ident(rec)

    def fill(node, rec, depth):
        key = rec.extent_location()
        if key in seen or depth > 200:
            notes.append("directory at LBA %d reached twice (loop?)" % key)
            return
        seen.add(key)
        previous = None
        for c in list(rec.children):
            if c.is_dot() or c.is_dotdot():
                continue
            if ns == "rr" and c.rock_ridge is not None:
                if c.rock_ridge.relocated_record():
                    continue  # the RE entry in rr_moved; it is shown at its CL entry
                if c.rock_ridge.child_link_record_exists():
                    moved = c.rock_ridge.cl_to_moved_dr
                    if moved is None:
                        notes.append("%s: CL entry without target" % iso_path_of(c))
                        continue
                    c = moved
            if previous is not None and c.file_identifier() == previous[0].file_identifier():
                prev_node = previous[1]
                prev_node.extents.append((c.extent_location(), c.get_data_length()))
                prev_node.size += c.get_data_length()
                continue
            name = name_of(c)
            if ns == "rr" and c.rock_ridge is not None and c.rock_ridge.is_symlink():
                kind = "symlink"
            elif c.is_dir():
                kind = "dir"
            else:
                kind = "file"
            child = node.add(Node(name, kind))
            child.raw_name = name
            if ns == "rr" and c.rock_ridge is not None:
                rr = c.rock_ridge
                px = rr.dr_entries.px_record or rr.ce_entries.px_record
                if px is not None:
                    child.mode = px.posix_file_mode & 0o7777
                    child.uid = px.posix_user_id
                    child.gid = px.posix_group_id
                    child.nlink = px.posix_file_links
                child.mtime = tf_mtime(raw_tf, c)
                if kind == "symlink":
                    child.target = rr.symlink_path().decode("utf-8", errors="surrogateescape")
            if kind == "dir":
                fill(child, c, depth + 1)
            elif kind == "file":
                child.size = c.get_data_length()
                child.extents = [(c.extent_location(), c.get_data_length())]
                previous = (c, child)
                child.content = (lambda r=c, n=child: pycdlib_content(iso, ns, r, n, cache))
                continue
            previous = None

    fill(root, top, 0)
    return root


def pycdlib_content(iso, ns, rec, node, cache):
    key = (tuple(node.extents), node.size)
    if key in cache:
        return cache[key]
    fp = Fingerprint()
    try:
        if ns == "joliet":
            iso.get_file_from_iso_fp(fp, blocksize=CHUNK, joliet_path=node.path())
        else:
            iso.get_file_from_iso_fp(fp, blocksize=CHUNK, iso_path=iso_path_of(rec))
    except Exception as e:  # pycdlib raises its own exception types for bad images
        return "pycdlib error: %s" % e
    result = fp.result() if fp.length == node.size else "%s (%d bytes)" % (fp.result(),
                                                                            fp.length)
    cache[key] = result
    return result


# ---------------------------------------------------------------------------------------
# Name rules.

D_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
JOLIET_FORBIDDEN = set("*/:;?\\")


def strip_version(name):
    if ";" in name:
        base, version = name.rsplit(";", 1)
        return base, version
    return name, None


def iso_name_problem(name, kind, level, raw):
    """Returns why `name` breaks ECMA-119 7.5/7.6 at `level`, or None."""
    if kind == "dir":
        if not name or any(ch not in D_CHARS for ch in name):
            return "directory identifier %r is not d-characters (ECMA-119 7.6.1)" % name
        limit = 8 if level == 1 else 31
        if len(name) > limit:
            return "directory identifier %r longer than %d (ECMA-119 7.6.3, 10.%d)" % (
                name, limit, level)
        return None
    base, version = strip_version(name)
    if raw:
        if version is None:
            return "file identifier %r has no ;version (ECMA-119 7.5.1)" % name
        if not version.isdigit() or not 1 <= int(version) <= 32767:
            return "file identifier %r has a bad version (ECMA-119 7.5.2)" % name
        if "." not in base:
            return "file identifier %r has no SEPARATOR 1 (ECMA-119 7.5.1)" % name
    stem, _, ext = base.partition(".")
    if "." in ext:
        return "file identifier %r has two dots (ECMA-119 7.5.1)" % name
    if any(ch not in D_CHARS for ch in stem + ext):
        return "file identifier %r is not d-characters (ECMA-119 7.5.1)" % name
    if not stem and not ext:
        return "empty file identifier (ECMA-119 7.5.1)"
    if level == 1 and (len(stem) > 8 or len(ext) > 3):
        return "file identifier %r breaks level 1 8.3 (ECMA-119 10.1)" % name
    if len(stem) + len(ext) > 30:
        return "file identifier %r longer than 30 (ECMA-119 7.5.1)" % name
    return None


def utf16_units(name):
    return len(name.encode("utf-16-be", errors="surrogatepass")) // 2


def joliet_name_problem(name, max_units):
    base, _version = strip_version(name)
    if not base:
        return "empty Joliet name"
    bad = sorted(set(ch for ch in base if ch in JOLIET_FORBIDDEN or ord(ch) < 0x20))
    if bad:
        return "Joliet name %r holds forbidden %r (Joliet 1995, 3.3)" % (name, "".join(bad))
    if utf16_units(base) > max_units:
        return "Joliet name %r has %d UCS-2 units, more than %d" % (name, utf16_units(base),
                                                                    max_units)
    return None


def joliet_keeps(name, max_units):
    """True when `name` is representable unchanged in Joliet (UCS-2, allowed, short)."""
    if any(ord(ch) > 0xFFFF or ord(ch) < 0x20 or ch in JOLIET_FORBIDDEN for ch in name):
        return False
    return utf16_units(name) <= max_units


def latin1_map(name):
    """isoinfo -J prints Joliet names in iso8859-1: other characters become '_'."""
    return "".join(ch if ord(ch) < 256 else "_" for ch in name)


# ---------------------------------------------------------------------------------------
# Comparison.


def libisofs_joliet_path_bytes(node):
    """The length libisofs gives a Joliet path: each name cut to 64 units (+ extension)."""
    parts = [p for p in node.path().split("/") if p]
    return 2 * (sum(min(utf16_units(p), 65) for p in parts) + len(parts) - 1)


def visible(node, view):
    ns = view.ns
    fsname = {"rr": "rockridge", "joliet": "joliet", "iso": "iso9660"}[ns]
    hidden = set(node.hidden_in)
    if fsname in hidden or (ns == "rr" and "iso9660" in hidden):
        return False
    # libisofs leaves out of Joliet every path longer than 240 bytes (its warning says so).
    if ns == "joliet" and view.quirks.get("writer") == "xorriso" and \
            libisofs_joliet_path_bytes(node) > 240:
        return False
    return True


class View:
    def __init__(self, reader, ns, root, quirks):
        self.reader = reader
        self.ns = ns
        self.root = root
        self.quirks = quirks  # set of quirk names in force
        self.name = "%s/%s" % (reader, ns)
        self.left_out = []


def display_name(view, name):
    """The name the reader is expected to show for an expected name (quirk maps)."""
    if "latin1" in view.quirks:
        name = latin1_map(name)
    if "strip-trailing-dot" in view.quirks:
        name = name.rstrip(".")
    return name


def display_names(view, name):
    """Every name the reader may show for an expected name."""
    shown = display_name(view, name)
    if "may-strip-trailing-dot" in view.quirks:
        return {shown, shown.rstrip(".")}
    return {shown}


def shape(node, view=None):
    """A name-free signature of a subtree; with `view`, of what that view must show."""
    if node.kind == "dir":
        # Empty files are left out: symlinks show as empty files where names cannot say so.
        return ("dir", tuple(sorted(shape(c, view) for c in node.children
                                    if (c.kind == "dir" or (c.kind == "file" and c.size)) and
                                    (view is None or visible(c, view)))))
    return (node.kind, node.size if node.kind == "file" else 0)


def match_children(view, exp_dir, got_dir, pairs, unmatched_exp, unmatched_got, renamed):
    exp_kids = [c for c in exp_dir.children if visible(c, view)]
    view.left_out += [c for c in exp_dir.children if not visible(c, view) and
                      not c.hidden_in]
    got_kids = list(got_dir.children)
    taken = set()
    by_name = {}
    for g in got_kids:
        by_name.setdefault(comparable_name(view, g), []).append(g)
    rest = []
    exact = view.ns == "rr"
    # Pass 1: by name (after the reader's name maps; upper case for ECMA-119).
    for e in exp_kids:
        wants = display_names(view, e.name)
        if view.ns == "iso":
            wants = {w.upper() for w in wants}
        candidates = [g for w in sorted(wants) for g in by_name.get(w, ())
                      if id(g) not in taken]
        if len(candidates) > 1:
            # Names that the reader shows alike (latin1 map): tell them apart by content.
            candidates = [g for g in candidates if g.kind == e.kind] or candidates
            by_content = [g for g in candidates if g.kind != "file" or
                          (g.size == e.size and g.fingerprint() == e.fingerprint())]
            candidates = by_content or candidates
        if candidates:
            taken.add(id(candidates[0]))
            pairs.append((e, candidates[0]))
        else:
            rest.append(e)
    # Pass 2 (Joliet, ECMA-119): renamed entries, by a name-free signature.
    if not exact and rest:
        by_shape = {}
        by_content = {}
        for g in got_kids:
            if id(g) in taken:
                continue
            key = shape(g)
            by_shape.setdefault(key, []).append(g)
            if g.kind == "file":
                by_content.setdefault((key, g.fingerprint()), []).append(g)
        for e in rest:
            if e.kind == "symlink":
                # No symlinks in Joliet; in ECMA-119 they may appear as 0-byte files.
                pool = [g for g in by_shape.get(("file", 0), ()) if id(g) not in taken and
                        g.kind == "file" and similar(e.name, comparable_name(view, g))]
            else:
                key = shape(e, view)
                pool = []
                if e.kind == "file":
                    pool = [g for g in by_content.get((key, e.fingerprint()), ())
                            if id(g) not in taken]
                if not pool:
                    pool = [g for g in by_shape.get(key, ()) if id(g) not in taken and
                            g.kind == e.kind]
                if len(pool) > 1:
                    pool = sorted(pool, key=lambda g: -name_affinity(e.name, g.name))
            if pool:
                taken.add(id(pool[0]))
                pairs.append((e, pool[0]))
                renamed.append((e, pool[0]))
            else:
                unmatched_exp.append(e)
    else:
        unmatched_exp.extend(rest)
    for g in got_kids:
        if id(g) not in taken:
            unmatched_got.append(g)


def comparable_name(view, node):
    name = node.name
    if view.ns == "iso":
        name, _ = strip_version(name)
        if name.endswith("."):
            name = name[:-1]
    elif view.ns == "joliet":
        name, _ = strip_version(name)
    return name


def name_affinity(a, b):
    a = unicodedata.normalize("NFC", a).upper()
    b = b.upper()
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def similar(a, b):
    return name_affinity(a, b) > 0 or not b


def compare(view, exp_root, spec, report):
    ns = view.ns
    pairs = [(exp_root, view.root)]
    missing, extra, renamed = [], [], []
    queue = [(exp_root, view.root)]
    while queue:
        e, g = queue.pop()
        if e.kind != "dir" or g.kind != "dir":
            continue
        local = []
        match_children(view, e, g, local, missing, extra, renamed)
        pairs.extend(local)
        queue.extend(local)
    # Symlinks cannot be shown in Joliet or plain ECMA-119: their absence is expected.
    absent_links = [e for e in missing if e.kind == "symlink" and ns != "rr"]
    missing = [e for e in missing if not (e.kind == "symlink" and ns != "rr")]
    left_out = view.left_out
    if ns == "iso":
        extra = [g for g in extra if not (g.kind == "dir" and g.name.upper().startswith(
            "RR_MOVED") and ns == "iso")]
    items = ["missing: %s (%s)" % (e.path(), e.kind) for e in missing]
    items += ["unexpected: %s (%s)" % (g.path(), g.kind) for g in extra]
    detail = "%d entries" % (len(pairs) - 1)
    if absent_links:
        detail += ", %d symlinks not representable (absent)" % len(absent_links)
    if left_out:
        detail += ", %d paths over 240 bytes left out by libisofs" % len(left_out)
    report.add(view.name, "tree", "FAIL" if items else "PASS", detail, items)

    # Types.
    bad = []
    for e, g in pairs:
        if e.kind != g.kind:
            if ns != "rr" and e.kind == "symlink" and g.kind == "file" and g.size == 0:
                continue
            if ns == "rr" and "lenient-symlinks" in view.quirks and e.kind == "symlink" and \
                    g.kind == "file" and (g.size or 0) == 0:
                continue
            bad.append("%s: %s, expected %s" % (e.path(), g.kind, e.kind))
    report.add(view.name, "types", "FAIL" if bad else "PASS", "", bad)

    # Sizes and contents.
    bad_size, bad_content = [], []
    n_files = 0
    for e, g in pairs:
        if e.kind != "file" or g.kind != "file":
            continue
        n_files += 1
        if g.size != e.size:
            bad_size.append("%s: %s bytes, expected %d" % (e.path(), g.size, e.size))
            continue
        if e.fingerprint() is None:
            continue
        got = g.fingerprint()
        if got is None:
            continue
        if got != e.fingerprint():
            bad_content.append("%s: %s, expected %s" % (e.path(), got, e.fingerprint()))
    report.add(view.name, "sizes", "FAIL" if bad_size else "PASS", "%d files" % n_files,
               bad_size)
    if any(g.content is not None for e, g in pairs if g.kind == "file"):
        report.add(view.name, "contents", "FAIL" if bad_content else "PASS",
                   "%d files" % n_files, bad_content)

    # Rock Ridge attributes.
    if ns == "rr":
        check_attr(view, pairs, report, "modes", "mode",
                   lambda e, g: (g.mode & view.quirks.get("mode-mask", 0o7777)) ==
                   (e.mode & view.quirks.get("mode-mask", 0o7777)), oct)
        check_attr(view, pairs, report, "owners", "uid", lambda e, g: g.uid == e.uid, str)
        check_attr(view, pairs, report, "groups", "gid", lambda e, g: g.gid == e.gid, str)
        if "no-nlink" not in view.quirks:
            check_attr(view, pairs, report, "links", "nlink", lambda e, g: g.nlink == e.nlink,
                       str)
        check_attr(view, pairs, report, "mtimes", "mtime", lambda e, g: g.mtime == e.mtime,
                   str)
        bad = []
        n = 0
        for e, g in pairs:
            if e.kind == "symlink" and g.kind == "symlink":
                n += 1
                if g.target != e.target:
                    bad.append("%s: -> %r, expected -> %r" % (e.path(), g.target, e.target))
        if n:
            report.add(view.name, "symlinks", "FAIL" if bad else "PASS", "%d links" % n, bad)

    # Names outside Rock Ridge.
    if ns == "joliet":
        check_joliet_names(view, pairs, renamed, spec, report)
    if ns == "iso":
        check_iso_names(view, pairs, spec, report)


def check_attr(view, pairs, report, check, attr, ok, fmt):
    bad = []
    n = 0
    for e, g in pairs:
        want = getattr(e, attr)
        if want is None:
            continue
        if e.kind == "symlink" and attr == "mode":
            continue  # symlink permission bits are not meaningful
        have_value = getattr(g, attr)
        if have_value is None:
            continue
        n += 1
        if not ok(e, g):
            bad.append("%s: %s, expected %s" % (e.path(), fmt(have_value), fmt(want)))
    if n:
        report.add(view.name, check, "FAIL" if bad else "PASS", "%d entries" % n, bad)


def check_joliet_names(view, pairs, renamed, spec, report):
    max_units = int(spec.get("joliet_max_name", 64))
    # libisofs 1.5.4 cuts the name part to 64 and keeps the extension: up to 65 units.
    if view.quirks.get("writer") == "xorriso":
        max_units += 1
    bad, notes = [], []
    seen_dirs = {}
    for e, g in pairs:
        if g.parent is None:
            continue
        name = comparable_name(view, g)
        if "latin1" not in view.quirks:
            problem = joliet_name_problem(name, max_units)
            if problem:
                bad.append("%s: %s" % (g.path(), problem))
            if any(0xD800 <= ord(ch) <= 0xDFFF for ch in name) or \
                    any(ord(ch) > 0xFFFF for ch in name):
                notes.append("%s: UTF-16 surrogate pair (not strict UCS-2)" % g.path())
        if joliet_keeps(e.name, max_units) and name not in display_names(view, e.name):
            bad.append("%s: shown as %r; a valid Joliet name must be kept" % (e.path(), name))
        key = (id(g.parent), name)
        if key in seen_dirs and "latin1" not in view.quirks:
            bad.append("%s: duplicate Joliet name" % g.path())
        seen_dirs[key] = g
    items = bad + notes
    detail = "%d renamed to fit Joliet" % sum(1 for e, g in renamed if g.kind != "symlink")
    report.add(view.name, "names", "FAIL" if bad else "PASS", detail, items)


def depth_of(node):
    d = 0
    while node.parent is not None:
        d += 1
        node = node.parent
    return d


def check_iso_names(view, pairs, spec, report):
    level = int(spec.get("iso_level", 3))
    raw = "raw-iso-names" in view.quirks
    bad, notes = [], []
    names = {}
    for e, g in pairs:
        if g.parent is None:
            continue
        problem = iso_name_problem(g.name if raw else comparable_name(view, g), g.kind, level,
                                   raw)
        if problem:
            bad.append("%s: %s" % (g.path(), problem))
        key = (id(g.parent), comparable_name(view, g))
        if key in names:
            bad.append("%s: duplicate ECMA-119 name" % g.path())
        names[key] = g
        if g.kind == "dir" and depth_of(g) > 7:
            notes.append("%s: directory deeper than 8 levels (ECMA-119 6.8.2.1); "
                         "no RRIP relocation" % g.path())
    if notes:
        shown = notes[:1] + (["... %d such directories" % len(notes)] if len(notes) > 1 else [])
    else:
        shown = []
    report.add(view.name, "names", "FAIL" if bad else "PASS",
               "level %d%s" % (level, ", deep tree kept in place" if notes else ""),
               bad + shown)


# ---------------------------------------------------------------------------------------
# Main.

READERS = ("xorriso", "isoinfo", "7zz", "pycdlib")
TOOLS = {"xorriso": "xorriso", "isoinfo": "isoinfo", "7zz": "7zz", "pycdlib": None}


def image_namespaces(image):
    """What the image holds, read from its volume descriptors and root SUSP entries."""
    has_joliet = False
    has_rr = False
    with open(image, "rb") as f:
        for i in range(16, 64):
            f.seek(i * SECTOR)
            vd = f.read(SECTOR)
            if len(vd) < SECTOR or vd[1:6] != b"CD001":
                break
            if vd[0] == 2 and vd[88:91] in (b"%/@", b"%/C", b"%/E"):
                has_joliet = True
            if vd[0] == 1:
                root_lba = int.from_bytes(vd[156 + 2:156 + 6], "little")
                f.seek(root_lba * SECTOR)
                dot = f.read(256)
                if dot and dot[0] >= 34:
                    su = dot[34:dot[0]]
                    has_rr = b"SP\x07\x01\xbe\xef" in su
            if vd[0] == 255:
                break
    return has_joliet, has_rr


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("expected")
    ap.add_argument("--readers", default=",".join(READERS))
    ap.add_argument("--namespaces", default="rr,joliet,iso")
    ap.add_argument("--lenient-symlinks", action="store_true",
                    help="accept symlinks shown as 0-byte files (7zz without Joliet)")
    ap.add_argument("--writer", default="mkimg", choices=("mkimg", "xorriso"),
                    help="whose image it is: xorriso's documented Joliet limits are "
                         "accepted for xorriso reference images only")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    try:
        spec, exp_root = load_expected(args.expected)
    except (OSError, ValueError, KeyError, ExpectationError) as e:
        sys.stderr.write("check_image: %s\n" % e)
        return 2
    if not os.path.isfile(args.image):
        sys.stderr.write("check_image: %s: no such image\n" % args.image)
        return 2
    report = Report(args.verbose)
    fs_expected = spec.get("filesystems", {"rockridge": True, "joliet": True})
    has_joliet, has_rr = image_namespaces(args.image)
    for key, have_it in (("joliet", has_joliet), ("rockridge", has_rr)):
        want = bool(fs_expected.get(key, False))
        report.add("image", key, "PASS" if want == have_it else "FAIL",
                   "present" if have_it else "absent",
                   [] if want == have_it else ["expected %s" % ("present" if want else
                                                                "absent")])
    namespaces = [n for n in args.namespaces.split(",") if n]
    readers = [r for r in args.readers.split(",") if r]
    workdir = tempfile.mkdtemp(prefix="check_image.")
    pyc = None
    raw_tf = None
    pyc_cache = {}
    xorriso_shared = {}
    try:
        for reader in readers:
            tool = TOOLS.get(reader, reader)
            for ns in namespaces:
                view_name = "%s/%s" % (reader, ns)
                if ns == "joliet" and not has_joliet:
                    report.add(view_name, "-", "SKIP", "image has no Joliet")
                    continue
                if ns == "rr" and not has_rr:
                    report.add(view_name, "-", "SKIP", "image has no Rock Ridge")
                    continue
                if tool is not None and not have(tool):
                    report.add(view_name, "-", missing_tool_status(),
                               "%s is not installed" % tool)
                    continue
                notes = []
                quirks = {"writer": args.writer}
                try:
                    if reader == "xorriso":
                        root = xorriso_listing(args.image, ns, workdir, notes, xorriso_shared)
                        quirks["no-nlink"] = True  # lsdl shows 1 for every entry
                        # Like Linux, its Joliet reader drops a '.' before ";1".
                        if ns == "joliet":
                            quirks["may-strip-trailing-dot"] = True
                    elif reader == "isoinfo":
                        root = isoinfo_listing(args.image, ns, workdir, notes)
                        # isoinfo prints rwx only, never the setuid/setgid/sticky bits.
                        quirks["mode-mask"] = 0o777
                        if ns == "joliet":
                            quirks["latin1"] = True
                        if ns == "iso":
                            quirks["raw-iso-names"] = True
                    elif reader == "7zz":
                        root = sevenzip_listing(args.image, ns, workdir, notes, has_joliet,
                                                has_rr)
                        quirks["strip-trailing-dot"] = True
                        if args.lenient_symlinks:
                            quirks["lenient-symlinks"] = True
                    elif reader == "pycdlib":
                        if pyc is None:
                            pyc = pycdlib_open(args.image)
                            raw_tf = RawTf(args.image)
                        root = pycdlib_listing(pyc, ns, notes, pyc_cache, raw_tf)
                        if ns == "iso":
                            quirks["raw-iso-names"] = True
                    else:
                        report.add(view_name, "-", "SKIP", "unknown reader")
                        continue
                except MissingTool as s:
                    report.add(view_name, "-", missing_tool_status(), str(s))
                    continue
                except Skip as s:
                    report.add(view_name, "-", "SKIP", str(s))
                    continue
                except Exception as e:  # a reader crashing on the image is a failure
                    report.add(view_name, "read", "FAIL", "%s: %s" % (type(e).__name__, e))
                    continue
                view = View(reader, ns, root, quirks)
                compare(view, exp_root, spec, report)
                if reader == "isoinfo" and ns == "rr":
                    isoinfo_x_check(args.image, root, report, view.name)
                for n in notes:
                    report.add(view_name, "note", "FAIL", n)
            for ns in namespaces:
                shutil.rmtree(os.path.join(workdir, "xorriso-" + ns), ignore_errors=True)
            shutil.rmtree(os.path.join(workdir, "7zz"), ignore_errors=True)
    finally:
        if pyc is not None:
            pyc.close()
        if raw_tf is not None:
            raw_tf.close()
        for fd in OPEN_FDS:
            os.close(fd)
        shutil.rmtree(workdir, ignore_errors=True)
    report.print(sys.stdout)
    return 1 if report.failed() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
