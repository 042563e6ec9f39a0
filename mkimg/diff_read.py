"""mkimg diff-read: one image through every installed reader, and where they disagree.

Embedded in the mkimg binary and run by `mkimg diff-read` (mkimg/diff_read_command.cc) with
/usr/bin/python3, where Debian's python3-pycdlib lives. Each reader lists each namespace
it can show (ISO 9660, Rock Ridge, Joliet, UDF) in its own, natural way (its listing, its
own extraction: no workaround for its known quirks), as entries path -> type, size,
contents fingerprint, link target and modification time. Every reader's view of a
namespace is compared with mkimg's (or, where mkimg cannot read it, with the first reader
that can), and each difference is classified against the quirk list of specs/diff-read.md
as a known quirk or new. Readers that are not installed are listed as skipped; a reader
that fails, or runs over its time limit (killed with its process group), is a divergence
of its own, never agreement.

Arguments (given by mkimg): --mkimg EXE IMAGE [--json] [--timeout S] [--readers LIST]
                            [--max-content BYTES]
Exit status: 0 no new divergence, 1 at least one new divergence, 2 bad input.
"""

import argparse
import calendar
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

SECTOR = 2048
CHUNK = 1 << 20
ZERO = bytes(CHUNK)
NAMESPACES = ("iso9660", "rockridge", "joliet", "udf")
READERS = ("mkimg", "xorriso", "isoinfo", "iso-info", "7zz", "pycdlib", "udfclient",
           "libudfread", "udfinfo")
PYCDLIB_PYTHON = "/usr/bin/python3"
PER_FILE_LIMIT = 300  # readers that start one process per file read at most this many
MAX_EXTENT = 0xFFFFF800  # the largest extent mkimg and xorriso write (ECMA-119 6.5.1)


class ReaderFailed(Exception):
    pass


class Skipped(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Running a reader: its own process group, killed whole when the time is up.

TIMEOUT = 60.0


def run(cmd, stdin=None, timeout=None, stdout_to=None):
    """Runs cmd; returns (returncode, stdout bytes, stderr bytes). A run over the time
    limit kills the process group and raises ReaderFailed("timeout ...")."""
    env = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC")
    env.pop("LANG", None)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=stdout_to or subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    try:
        out, err = proc.communicate(stdin, timeout=timeout or TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise ReaderFailed("timeout: %s ran over %g s" % (os.path.basename(cmd[0]),
                                                           timeout or TIMEOUT))
    if proc.returncode < 0:
        raise ReaderFailed("crash: %s killed by signal %d" % (os.path.basename(cmd[0]),
                                                               -proc.returncode))
    return proc.returncode, out or b"", err or b""


def stream_fingerprint(cmd, limit):
    """The fingerprint of what cmd writes on stdout, None past `limit` bytes, "timeout"
    when the reader runs over its time."""
    env = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    fp = Fingerprint()
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    import time
    deadline = time.monotonic() + TIMEOUT
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return "timeout"
            data = os.read(proc.stdout.fileno(), CHUNK)
            if not data:
                break
            fp.write(data)
            if fp.length > limit:
                return None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        proc.stdout.close()
    return fp.result()


# ---------------------------------------------------------------------------------------
# Contents: a block-sparse SHA-256 (tests/tools/check_image.py uses the same class): 1 MiB
# blocks, only the blocks that are not all zeros hashed with their index, so holes cost
# nothing and two streams of the same length match exactly when their bytes do.


class Fingerprint:
    def __init__(self, plain=False):
        """plain: also keep the plain SHA-256 of every byte (self.plain)."""
        self.length = 0
        self.blocks = 0
        self.buf = bytearray()
        self.hash = hashlib.sha256()
        self.nonzero = False
        self.plain = hashlib.sha256() if plain else None

    def _block(self, block):
        if bytes(block) != ZERO[:len(block)]:
            self.nonzero = True
            self.hash.update(self.blocks.to_bytes(8, "little"))
            self.hash.update(block)
        self.blocks += 1

    def add_zeros(self, count):
        if self.plain is not None:
            for left in range(count, 0, -CHUNK):
                self.plain.update(ZERO[:min(left, CHUNK)])
        self.length += count
        if self.buf:
            take = min(count, CHUNK - len(self.buf))
            self.buf += ZERO[:take]
            count -= take
            if len(self.buf) == CHUNK:
                self._block(self.buf)
                self.buf = bytearray()
        self.blocks += count // CHUNK
        if count % CHUNK:
            self.buf += ZERO[:count % CHUNK]

    def write(self, data):
        mv = memoryview(data).cast("B")
        if self.plain is not None:
            self.plain.update(mv)
        self.length += len(mv)
        i = 0
        if self.buf:
            i = min(len(mv), CHUNK - len(self.buf))
            self.buf += mv[:i]
            if len(self.buf) == CHUNK:
                self._block(self.buf)
                self.buf = bytearray()
        while len(mv) - i >= CHUNK:
            self._block(mv[i:i + CHUNK])
            i += CHUNK
        if i < len(mv):
            self.buf += mv[i:]
        return len(mv)

    def finish(self):
        """Hashes the last, partial block; call once, after the last write."""
        if self.buf:
            self._block(self.buf)
            self.buf = bytearray()

    def result(self):
        self.finish()
        if not self.nonzero:
            return "zeros:%d" % self.length
        return "%s:%d" % (self.hash.hexdigest()[:16], self.length)


def fingerprint_range(fd, offset, length, fp):
    """Feeds [offset, offset+length) of fd, skipping holes; False when the file ends first."""
    end = offset + length
    pos = offset
    while pos < end:
        try:
            data_start = min(os.lseek(fd, pos, os.SEEK_DATA), end)
        except OSError:
            data_start = end
        if data_start > pos:
            fp.add_zeros(data_start - pos)
            pos = data_start
            if pos >= end:
                break
        try:
            hole = os.lseek(fd, pos, os.SEEK_HOLE)
        except OSError:
            hole = end
        hole = min(max(hole, pos + 1), end)
        while pos < hole:
            data = os.pread(fd, min(CHUNK, hole - pos), pos)
            if not data:
                return False
            fp.write(data)
            pos += len(data)
    return True


def fingerprint_file(path, limit):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return "unreadable"
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            return None
        fp = Fingerprint()
        fingerprint_range(fd, 0, size, fp)
        return fp.result()
    finally:
        os.close(fd)


def fingerprint_extents(fd, extents):
    """extents: [(byte offset or None for a hole, length)]. Holes of the image are
    skipped (SEEK_DATA), so a sparse 5 GiB file costs little."""
    fp = Fingerprint()
    for offset, length in extents:
        if offset is None:
            fp.add_zeros(length)
        elif not fingerprint_range(fd, offset, length, fp):
            return "extent past the end of the image"
    return fp.result()


def plain_name(ns, name):
    """ECMA-119 7.5: the version number is not part of the name; a name without an
    extension may end in its separator."""
    if ns in ("iso9660", "joliet"):
        name = re.sub(r";\d*$", "", name)
    if ns == "iso9660" and name.endswith("."):
        name = name[:-1]
    return name


def entry(kind, size=None, content=None, target=None, mtime=None):
    return {"type": kind, "size": size, "content": content, "target": target, "mtime": mtime}


# ---------------------------------------------------------------------------------------
# The readers. Each returns {path: entry} for one namespace, raises Skipped when it cannot
# show that namespace at all, ReaderFailed when it fails on the image.


def iso_time(text):
    """'2026-01-01T00:00:00Z' -> seconds since 1970."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)", text or "")
    if not m:
        return None
    try:
        return calendar.timegm(tuple(int(x) for x in m.groups()) + (0, 0, 0))
    except (ValueError, OverflowError):
        return None


def read_mkimg(ctx, ns):
    rc, out, err = run([ctx.mkimg, "ls", ctx.image, "--json", "--fs", ns])
    if rc != 0:
        raise ReaderFailed(tail(err))
    doc = json.loads(out.decode("utf-8", errors="replace"))
    view = {}
    for e in doc["entries"]:
        if e["path"] == "/":
            continue
        kind = {"directory": "dir", "file": "file", "symlink": "symlink"}.get(e["type"], "other")
        view[e["path"]] = entry(kind, e["size"] if kind == "file" else None, None,
                                e.get("target"), iso_time(e.get("mtime")))
        if kind == "file":
            view[e["path"]]["extents"] = [(x["lba"], x["length"]) for x in e.get("extents", [])]
            view[e["path"]]["links"] = e.get("links", 1)
    # Contents through `mkimg extract` (holes stay holes, so big sparse files cost little;
    # the extents of `ls` name a UDF file entry, not its bytes, when the data is embedded).
    out_dir = os.path.join(ctx.work, "extract")
    run([ctx.mkimg, "extract", ctx.image, out_dir, "--fs", ns])
    for path, e in view.items():
        if e["type"] == "file":
            e["content"] = fingerprint_file(os.path.join(out_dir, path.lstrip("/")), 1 << 62)
    return view


XORRISO_FS = {"rockridge": "any", "joliet": "norock", "iso9660": "ecma119"}
MODE_RE = re.compile(r"^([-dlcbps])[-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]$")


def read_xorriso(ctx, ns):
    if ns == "udf":
        raise Skipped("no UDF reader")
    if ns == "rockridge" and "rockridge" not in ctx.namespaces:
        raise Skipped("no Rock Ridge")
    if ns == "joliet" and "joliet" not in ctx.namespaces:
        raise Skipped("no Joliet")
    fsarg = XORRISO_FS[ns]
    rc, out, err = run(["xorriso", "-abort_on", "FATAL", "-return_with", "FAILURE", "32",
                        "-read_fs", fsarg, "-indev", ctx.image, "-find", "/", "-exec",
                        "lsdl"])
    if rc != 0:
        raise ReaderFailed("xorriso -indev: " + tail(err))
    view = {}
    for raw in out.decode("utf-8", errors="surrogateescape").splitlines():
        if not raw or raw[0] not in "-dlcbps":
            continue
        try:
            tokens = shlex.split(raw)
        except ValueError:
            continue
        m = MODE_RE.match(tokens[0])
        if not m or len(tokens) < 9 or tokens[8] == "/":
            continue
        kind = {"d": "dir", "-": "file", "l": "symlink"}.get(m.group(1), "other")
        target = tokens[10] if kind == "symlink" and len(tokens) >= 11 else None
        view[tokens[8]] = entry(kind, int(tokens[4]) if kind == "file" else None,
                                None, target)
    out_dir = os.path.join(ctx.work, "xorriso-" + ns)
    small = [p for p, e in view.items() if e["type"] == "file" and e["size"] <= ctx.max_content]
    for i in range(0, len(small), 200):
        try:
            run(["xorriso", "-abort_on", "FATAL", "-read_fs", fsarg, "-osirrox",
                 "on:sparse=1m", "-indev", ctx.image, "-extract_l", "/", out_dir + "/"] +
                small[i:i + 200] + ["--"])
        except ReaderFailed:
            break
    for path in small:
        view[path]["content"] = fingerprint_file(os.path.join(out_dir, path.lstrip("/")),
                                                 ctx.max_content)
    return view


ISOINFO_FLAGS = {"rockridge": ["-R"], "joliet": ["-J"], "iso9660": []}
ISOINFO_ENTRY = re.compile(
    r"^(\S{10})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\w{3}\s+\d+\s+\d+\s+"
    r"\[\s*(\d+) ([0-9A-Fa-f]+)(\]  | )(.*)$")


def read_isoinfo(ctx, ns):
    if ns == "udf":
        raise Skipped("no UDF reader")
    if ns in ("rockridge", "joliet") and ns not in ctx.namespaces:
        raise Skipped("no " + ns)
    rc, out, err = run(["isoinfo", "-i", ctx.image] + ISOINFO_FLAGS[ns] + ["-l"])
    if rc != 0:
        raise ReaderFailed("isoinfo -l: " + tail(err))
    text = out.decode("latin-1" if ns == "joliet" else "utf-8", errors="surrogateescape")
    view = {}
    raw_paths = {}
    directory = None
    raw_directory = None
    for line in text.splitlines():
        if line.startswith("Directory listing of "):
            raw_directory = line[len("Directory listing of "):].rstrip("/")
            directory = "/".join(plain_name(ns, c) if c else c
                                 for c in raw_directory.split("/"))
            continue
        m = ISOINFO_ENTRY.match(line)
        if not m or directory is None:
            continue
        mode_s, _, _, _, size, _, flags, _, name = m.groups()
        if name.endswith(" "):
            name = name[:-1]
        target = None
        if mode_s.startswith("l") and " -> " in name:
            name, target = name.split(" -> ", 1)
        if name in (".", "..") or not name:
            continue
        raw = name
        name = plain_name(ns, name)
        multi = len(flags) > 2
        is_dir = not multi and int(flags, 16) & 0x02
        kind = "dir" if is_dir else ("symlink" if target is not None or mode_s[0] == "l"
                                     else "file")
        path = directory + "/" + name
        if path in view and view[path]["type"] == "file" and kind == "file":
            view[path]["size"] += int(size)  # another extent of a multi-extent file
            continue
        view[path] = entry(kind, int(size) if kind == "file" else None, None, target)
        raw_paths[path] = raw_directory + "/" + raw
    files = [p for p, e in view.items() if e["type"] == "file"]
    for path in files[:PER_FILE_LIMIT]:
        view[path]["content"] = stream_fingerprint(
            ["isoinfo", "-i", ctx.image] + ISOINFO_FLAGS[ns] + ["-x", raw_paths[path]],
            ctx.max_content)
    return view


def read_iso_info(ctx, ns):
    """libcdio's iso-info -l (ISO 9660 with Rock Ridge or Joliet names as libcdio picks
    them) or -U (UDF); contents through iso-read."""
    if ns == "udf":
        if "udf" not in ctx.namespaces:
            raise Skipped("no UDF")
        cmd = ["iso-info", "--no-header", "-U", "-i", ctx.image]
    elif ns == "iso9660":
        cmd = ["iso-info", "--no-header", "-l", "--no-joliet", "--no-rock-ridge", "-i",
               ctx.image]
    elif ns == "joliet":
        if "joliet" not in ctx.namespaces:
            raise Skipped("no Joliet")
        cmd = ["iso-info", "--no-header", "-l", "--no-rock-ridge", "-i", ctx.image]
    else:
        if "rockridge" not in ctx.namespaces:
            raise Skipped("no Rock Ridge")
        # libcdio's own Rock Ridge detection (iso9660_have_rr) first: it walks every
        # directory, and a reader that cannot see Rock Ridge reads none of this namespace.
        # As `iso-info -r` is run by users (on the Joliet tree when there is one), then on
        # the ECMA-119 tree, whose answer counts.
        run(["iso-info", "--no-header", "--show-rock-ridge=0", "-i", ctx.image])
        rc, out, err = run(["iso-info", "--no-header", "--no-joliet", "--show-rock-ridge=0",
                            "-i", ctx.image])
        if re.search(rb"Rock Ridge\s*:\s*no", out):
            raise ReaderFailed("iso-info: no Rock Ridge found")
        cmd = ["iso-info", "--no-header", "-l", "--no-joliet", "-i", ctx.image]
    rc, out, err = run(cmd)
    if rc != 0:
        raise ReaderFailed("iso-info: " + tail(err or out))
    view = {}
    directory = None
    text = out.decode("utf-8", errors="surrogateescape")
    if ns == "udf":
        # `-U` prints SIZE PATH only: a directory is known by what is listed under it.
        listed = re.findall(r"^\s*(\d+) (/.*)$", text, re.M)
        parents = {p.rsplit("/", 1)[0] for _, p in listed}
        for size, path in listed:
            kind = "dir" if path in parents else "file"
            view[path] = entry(kind, int(size) if kind == "file" else None)
    for line in text.splitlines() if ns != "udf" else []:
        if line.endswith(":") and line.startswith("/"):
            directory = line[:-1].rstrip("/")
            continue
        m = re.match(r"^\s*([-dl])(?:[-rwxsStT]{9}\s+\d+\s+\d+\s+\d+)?\s+\[LSN\s+(-?\d+)\]"
                     r"\s+(\d+)\s+\w{3} \d\d \d{4} [\d:]+\s+(.*)$", line)
        if not m or directory is None:
            continue
        kind_c, _, size, name = m.groups()
        target = None
        if kind_c == "l" and " -> " in name:
            name, target = name.split(" -> ", 1)
        if name in (".", "..") or not name:
            continue
        name = plain_name(ns, name)
        kind = {"d": "dir", "l": "symlink"}.get(kind_c, "file")
        view[directory + "/" + name] = entry(kind, int(size) if kind == "file" else None,
                                              None, target)
    if not view and "/:" not in text and ns != "udf":
        raise ReaderFailed("iso-info: listed nothing: " + tail(err or out))
    files = [p for p, e in view.items() if e["type"] == "file"]
    extra = ["-U"] if ns == "udf" else []
    for path in files[:PER_FILE_LIMIT]:
        out_file = os.path.join(ctx.work, "iso-read.out")
        try:
            os.unlink(out_file)
        except FileNotFoundError:
            pass
        try:
            rc, _, _ = run(["iso-read"] + extra + ["-i", ctx.image, "-e", path, "-o",
                                                   out_file])
        except ReaderFailed as e:
            view[path]["content"] = str(e).split(":")[0]  # "timeout" or "crash"
            continue
        view[path]["content"] = (fingerprint_file(out_file, ctx.max_content) if rc == 0
                                 else "iso-read failed")
    return view


def read_7zz(ctx, ns):
    if ns == "iso9660":
        raise Skipped("no plain ECMA-119 view")
    if ns == "udf":
        if "udf" not in ctx.namespaces:
            raise Skipped("no UDF")
        kind_arg = "-tudf"
    else:
        want = "joliet" if "joliet" in ctx.namespaces else "rockridge"
        if ns != want:
            raise Skipped("7-Zip shows %s on this image" % want)
        if ns not in ctx.namespaces:
            raise Skipped("no " + ns)
        kind_arg = "-tiso"
    rc, out, err = run(["7zz", "l", "-slt", "-sccUTF-8", kind_arg, ctx.image])
    if rc != 0:
        raise ReaderFailed("7zz l: " + tail(err + out))
    body = out.decode("utf-8", errors="surrogateescape").split("\n----------\n", 1)
    if len(body) != 2:
        raise ReaderFailed("7zz l printed no entries")
    view = {}
    for block in body[1].split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if " = " in line:
                k, v = line.split(" = ", 1)
                fields[k] = v
        if "Path" not in fields:
            continue
        path = "/" + fields["Path"]
        if path == "/[BOOT]" or path.startswith("/[BOOT]/"):
            continue
        kind = "dir" if fields.get("Folder") == "+" else "file"
        target = fields.get("Symbolic Link") or None
        if target:
            kind = "symlink"
        view[path] = entry(kind, int(fields.get("Size") or 0) if kind == "file" else None,
                           None, target, iso_time(fields.get("Modified")))
    out_dir = os.path.join(ctx.work, "7zz-" + ns)
    big = [p for p, e in view.items() if e["type"] == "file" and e["size"] > ctx.max_content]
    run(["7zz", "x", "-y", "-snld", "-sccUTF-8", kind_arg, "-o" + out_dir] +
        ["-x!" + p.lstrip("/") for p in big] + [ctx.image])
    for path, e in view.items():
        if e["type"] == "file" and path not in big:
            e["content"] = fingerprint_file(os.path.join(out_dir, path.lstrip("/")),
                                            ctx.max_content)
    return view


PYCDLIB_HELPER = r'''
import json, os, sys, calendar
import pycdlib
image, ns, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
iso = pycdlib.PyCdlib()
iso.open(image)
key = {"iso9660": "iso_path", "rockridge": "rr_path", "joliet": "joliet_path",
       "udf": "udf_path"}[ns]
if ns == "joliet" and iso.joliet_vd is None: print(json.dumps({"skip": "no Joliet"})); sys.exit()
if ns == "rockridge" and not iso.rock_ridge: print(json.dumps({"skip": "no Rock Ridge"})); sys.exit()
if ns == "udf" and not iso.has_udf(): print(json.dumps({"skip": "no UDF"})); sys.exit()
out = {}
seen = set()
stack = ["/"]
while stack and len(out) < 200000:
    d = stack.pop()
    try:
        children = list(iso.list_children(**{key: d}))
    except Exception as e:
        out[d] = {"error": str(e)}
        continue
    for c in children:
        if c is None:
            continue
        try:
            if c.is_dot() or c.is_dotdot():
                continue
        except Exception:
            pass
        if ns == "udf":
            ident = c.file_identifier()
            name = ident.decode("utf-8", "surrogateescape") if isinstance(ident, bytes) else str(ident)
        elif ns == "rockridge" and c.rock_ridge is not None and c.rock_ridge.name():
            name = c.rock_ridge.name().decode("utf-8", "surrogateescape")
        elif ns == "joliet":
            name = c.file_identifier().decode("utf-16-be", "surrogatepass")
        else:
            name = c.file_identifier().decode("ascii", "surrogateescape")
        path = (d.rstrip("/") + "/" + name)
        if ns == "rockridge" and c.rock_ridge is not None and c.rock_ridge.is_symlink():
            out[path] = {"type": "symlink", "target": c.rock_ridge.symlink_path().decode("utf-8", "surrogateescape")}
            continue
        if ns == "udf" and c.is_symlink():
            out[path] = {"type": "symlink"}
            continue
        if c.is_dir():
            loc = (c.extent_location() if ns != "udf" else id(c))
            out[path] = {"type": "dir"}
            if path not in seen:
                seen.add(path)
                stack.append(path)
            continue
        size = c.get_data_length()
        if path in out and out[path].get("type") == "file":
            out[path]["size"] += size  # another extent record of a multi-extent file
            continue
        out[path] = {"type": "file", "size": size}
        if size <= limit:
            try:
                tmp = sys.argv[4]
                with open(tmp, "wb") as f:
                    iso.get_file_from_iso_fp(f, **{key: path})
                out[path]["file"] = True
                out[path]["content_path"] = tmp
                print(json.dumps({"content": path}), flush=True)
                sys.stdin.readline()
            except Exception as e:
                out[path]["content_error"] = str(e)[:80]
print(json.dumps({"view": out}))
'''


def read_pycdlib(ctx, ns):
    if not os.path.exists(PYCDLIB_PYTHON):
        raise Skipped("no " + PYCDLIB_PYTHON)
    rc, _, _ = run([PYCDLIB_PYTHON, "-c", "import pycdlib"])
    if rc != 0:
        raise Skipped("pycdlib is not importable (python3-pycdlib)")
    tmp = os.path.join(ctx.work, "pycdlib.out")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    proc = subprocess.Popen([PYCDLIB_PYTHON, "-c", PYCDLIB_HELPER, ctx.image, ns,
                             str(ctx.max_content), tmp], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    import time
    import selectors
    deadline = time.monotonic() + TIMEOUT
    contents = {}
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    result = None
    buf = b""
    try:
        while result is None:
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise ReaderFailed("timeout: pycdlib ran over %g s" % TIMEOUT)
                data = os.read(proc.stdout.fileno(), 1 << 16)
                if not data:
                    err = proc.stderr.read().decode(errors="replace")
                    raise ReaderFailed("pycdlib: " + (err.strip().splitlines() or ["failed"])[-1][:200])
                buf += data
            line, buf = buf.split(b"\n", 1)
            msg = json.loads(line)
            if "content" in msg:
                contents[msg["content"]] = fingerprint_file(tmp, ctx.max_content)
                proc.stdin.write(b"\n")
                proc.stdin.flush()
            elif "skip" in msg:
                raise Skipped(msg["skip"])
            else:
                result = msg["view"]
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    view = {}
    for raw_path, e in result.items():
        if "error" in e:
            continue
        path = "/".join(plain_name(ns, c) if c else c for c in raw_path.split("/"))
        view[path] = entry(e["type"], e.get("size"), contents.get(raw_path),
                           e.get("target"))
        if "content_error" in e:
            view[path]["content"] = "error"
    return view


def read_udfclient(ctx, ns):
    if ns != "udf":
        raise Skipped("UDF only")
    if "udf" not in ctx.namespaces:
        raise Skipped("no UDF")
    rc, out, _ = run(["udfclient", "-b", "2048", ctx.image], stdin=b"ls\nquit\n")
    text = out.decode("utf-8", "replace")
    m = re.search(r"^d\S+\s+-?\d+\s+-?\d+\s+\d+\s+(.+)$",
                  text.split("Directory listing of /")[-1], re.M)
    if not m:
        raise ReaderFailed("udfclient found no logical volume")
    volume = m.group(1)
    view = {}
    dirs = ["/"]
    rounds = 0
    while dirs and rounds < 64:
        rounds += 1
        script = "".join('cd "/%s%s"\nls\n' % (volume, d if d != "/" else "") for d in dirs)
        _, out, _ = run(["udfclient", "-b", "2048", ctx.image],
                        stdin=(script + "quit\n").encode())
        blocks = out.decode("utf-8", "replace").split("UDF> UDF working directory is")[1:]
        found = []
        for d, block in zip(dirs, blocks):
            for line in block.splitlines():
                lm = re.match(r"^(?:UDF> )?([d-][rwx-]{9})\s+(-?\d+)\s+(-?\d+)\s+(\d+)\s+(.+)$",
                              line)
                if not lm or lm.group(5) in (".", ".."):
                    continue
                path = (d if d != "/" else "") + "/" + lm.group(5)
                kind = "dir" if lm.group(1)[0] == "d" else "file"
                view[path] = entry(kind, int(lm.group(4)) if kind == "file" else None)
                if kind == "dir" and path.count("/") < 64:
                    found.append(path)
        dirs = found
    return view


def read_libudfread(ctx, ns):
    if ns != "udf":
        raise Skipped("UDF only")
    if "udf" not in ctx.namespaces:
        raise Skipped("no UDF")
    if not ctx.udfread_helper:
        raise Skipped("the libudfread helper (mkimg-udfread) was not built")
    rc, out, err = run([ctx.udfread_helper, "list", ctx.image])
    if rc != 0 and not out:
        raise ReaderFailed("libudfread: " + tail(err))
    view = {}
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        kind, size, path = parts
        kind = "dir" if kind == "d" else "file"
        view[path] = entry(kind, int(size) if kind == "file" else None)
    files = [p for p, e in view.items() if e["type"] == "file"]
    for path in files[:PER_FILE_LIMIT]:
        view[path]["content"] = stream_fingerprint([ctx.udfread_helper, "cat", ctx.image,
                                                    path], ctx.max_content)
    return view


def read_udfinfo(ctx, ns):
    """udfinfo lists no tree: its file and directory counts (the LVID's) are compared with
    the counts of mkimg's view, as the pseudo-entry "#counts"."""
    if ns != "udf":
        raise Skipped("UDF only")
    if "udf" not in ctx.namespaces:
        raise Skipped("no UDF")
    rc, out, err = run(["udfinfo", ctx.image])
    if rc != 0:
        raise ReaderFailed("udfinfo: " + tail(err))
    fields = dict(re.findall(r"^(\w+)=(.*)$", out.decode(errors="replace"), re.M))
    if "numfiles" not in fields:
        raise ReaderFailed("udfinfo printed no counts")
    return {"#counts": entry("counts", None,
                             "%s files, %s directories" % (fields["numfiles"],
                                                           fields.get("numdirs")))}


# The reference of a namespace: the first of these that read it (mkimg, then the readers
# that showed the fewest quirks on the test images).
REFERENCE_ORDER = ["mkimg", "xorriso", "pycdlib", "libudfread", "7zz", "isoinfo",
                   "udfclient", "iso-info", "udfinfo"]

READER_FUNCS = {"mkimg": read_mkimg, "xorriso": read_xorriso, "isoinfo": read_isoinfo,
                "iso-info": read_iso_info, "7zz": read_7zz, "pycdlib": read_pycdlib,
                "udfclient": read_udfclient, "libudfread": read_libudfread,
                "udfinfo": read_udfinfo}
READER_TOOLS = {"xorriso": "xorriso", "isoinfo": "isoinfo", "iso-info": "iso-info",
                "7zz": "7zz", "udfclient": "udfclient", "udfinfo": "udfinfo"}


def tail(b):
    text = b.decode(errors="replace").strip() if isinstance(b, bytes) else str(b)
    lines = [l for l in text.splitlines() if l.strip()]
    return (lines[-1] if lines else "failed")[:200]


# ---------------------------------------------------------------------------------------
# Known quirks (specs/diff-read.md lists each with the image that shows it). A quirk is a
# predicate over one divergence and the two views; the first that matches names it.

def last_component(path):
    return path.rsplit("/", 1)[-1]


def utf16_units(name):
    return len(name.encode("utf-16-le", errors="surrogatepass")) // 2


def q_joliet_truncated(d, ref, got):
    """A Joliet name past 64 UCS-2 units, shown cut (or not at all) by a reader."""
    if d["namespace"] != "joliet":
        return False
    if d["what"] == "missing":
        return utf16_units(last_component(d["path"])) > 64 or any(
            utf16_units(p) > 64 for p in d["path"].split("/"))
    if d["what"] == "extra":
        parent, name = d["path"].rsplit("/", 1)
        return any(p.rsplit("/", 1)[0] == parent and utf16_units(last_component(p)) > 64
                   and last_component(p).startswith(name[:min(len(name), 60)])
                   for p in ref if p not in got)
    return False


def q_multi_extent_last(d, ref, got):
    """A multi-extent ISO 9660 file read as its last extent (ECMA-119 6.5.1)."""
    r = ref.get(d["path"])
    if not r or r["type"] != "file" or not r["size"] or r["size"] <= MAX_EXTENT:
        return False
    # ECMA-119 extents of at most MAX_EXTENT bytes (in UDF too: iso-info -U of a bridge
    # lists the ISO 9660 records); pycdlib shows the first, the others the last.
    last = r["size"] % MAX_EXTENT or MAX_EXTENT
    sizes = (last, MAX_EXTENT)
    if d["what"] == "size":
        return d["value"] in sizes
    if d["what"] == "contents":
        return isinstance(d["value"], str) and any(d["value"].endswith(":%d" % n) for n in sizes)
    return False


def q_translated(d, ref, got):
    """libcdio's iso-info -l shows no raw ECMA-119 names: Rock Ridge names when there are
    any (--no-rock-ridge is not honoured by -l), else names lowercased without version."""
    if d["namespace"] != "iso9660" or d["what"] not in ("missing", "extra"):
        return False
    parent = d["path"].rsplit("/", 1)[0]
    side, other = (ref, got) if d["what"] == "missing" else (got, ref)
    if parent and parent not in side:
        return False
    if d["what"] == "missing" and d["path"].lower() in got:
        return True
    if d["what"] == "extra" and any(p.lower() == d["path"] for p in ref):
        return True
    # Same number of entries in the folder on both sides: renamed, not lost.
    def count(view, folder):
        return sum(1 for p in view if p.rsplit("/", 1)[0] == folder)
    return count(ref, parent) == count(got, parent) if parent == "" else True


def q_link_record_data(d, ref, got):
    """pycdlib will not read the data of a record that Rock Ridge marks as a symbolic link
    ("no data"), even through its ECMA-119 path."""
    return d["what"] == "contents" and d["value"] == "error" and \
        str(d["reference_value"]).startswith("zeros:0")


def q_untyped_udf_listing(d, ref, got):
    """iso-info -U prints sizes and paths only: an empty folder cannot be told from a file."""
    return d["what"] == "type" and d["value"] == "file" and d["reference_value"] == "dir"


def q_iso_read_64(d, ref, got):
    """iso-read cannot open a Joliet file whose name is 64 UCS-2 units long."""
    return d["what"] == "contents" and d["value"] == "iso-read failed" and \
        utf16_units(last_component(d["path"])) >= 64


def q_relocation(d, ref, got):
    """Rock Ridge CL/RE relocation (RRIP 4.1.5) not followed: the deep directory missing
    where it belongs and shown under the relocation directory instead."""
    parts = [p for p in d["path"].split("/") if p]
    if parts and parts[0].lower() == "rr_moved" and d["what"] == "extra":
        return True
    if d["what"] in ("missing", "extra"):
        return len(parts) >= 8
    # The CL placeholder (RRIP 4.1.5.1) is a file record: shown as a file where the
    # directory should be, or followed in the ECMA-119 view.
    return d["what"] == "type" and len(parts) >= 8


def q_size_mod_4gib(d, ref, got):
    """A file of 4 GiB or more read with its size cut to 32 bits (5 GiB as 1 GiB)."""
    r = ref.get(d["path"])
    if not r or r["type"] != "file" or not r["size"] or r["size"] < (1 << 32):
        return False
    if d["what"] == "size":
        return d["value"] == r["size"] % (1 << 32)
    if d["what"] == "contents":
        return isinstance(d["value"], str) and d["value"].endswith(":%d" % (r["size"] % (1 << 32)))
    return False


def q_stops_at_2gib(d, ref, got):
    """iso-info/iso-read (libcdio) and 7-Zip's stream read no more than 2 GiB."""
    r = ref.get(d["path"])
    if not r or r["type"] != "file" or not r["size"] or r["size"] <= (1 << 31):
        return False
    return d["what"] in ("size", "contents")


def q_link_as_file(d, ref, got):
    """A reader without symbolic links shows a link as a file."""
    return d["what"] == "type" and d["reference_value"] == "symlink"


def q_special_as_file(d, ref, got):
    """A reader without device, FIFO or socket types shows one as a file."""
    return d["what"] == "type" and d["reference_value"] == "other" and d["value"] == "file"


def q_unrecorded_empty(d, ref, got):
    """7-Zip gives no bytes for a file of unrecorded extents (ECMA-167 4/14.14.1.1 type 1
    and 2: zeros) that it lists ("Unsupported Method")."""
    return d["what"] == "contents" and str(d["value"]) == "zeros:0" and \
        str(d["reference_value"]).startswith("zeros:")


def q_placeholder_name(d, ref, got):
    """Non-ASCII names replaced: udfclient's _#XXXX placeholders, isoinfo -J's Latin-1
    output (anything else becomes _), libcdio's raw 8-bit CS0 bytes."""
    if d["what"] == "missing":
        return any(ord(c) > 126 for c in d["path"])
    if d["what"] == "extra":
        return bool(re.search(r"_#[0-9A-Fa-f]{4}|_|[\x80-\xff]|[\udc80-\udcff]", d["path"]))
    return False


def q_trailing_dot(d, ref, got):
    """A trailing dot dropped from a name (7-Zip; xorriso's Joliet reader before ;1)."""
    if d["what"] == "missing":
        return d["path"].endswith(".") and d["path"].rstrip(".") in got
    if d["what"] == "extra":
        return any(p.rstrip(".") == d["path"] and p != d["path"] for p in ref)
    return False


def q_mtime_precision(d, ref, got):
    """Times a reader shows with less precision or in local time."""
    return d["what"] == "mtime"


def q_refuses(d, ref, got):
    """7-Zip refuses UDF volumes with symbolic links (file type 12) or unrecorded extents;
    pycdlib refuses two partition maps (UDF 2.50+); iso-info -U reads no metadata
    partition."""
    return d["what"] == "unreadable"


def q_no_link_target(d, ref, got):
    """Readers that show links without their targets."""
    return d["what"] == "target" and d["value"] is None


QUIRKS = [
    # (name, readers it is known for, namespaces, predicate)
    ("joliet-name-over-64", {"xorriso", "isoinfo", "iso-info", "7zz", "pycdlib"},
     {"joliet"}, q_joliet_truncated),
    ("multi-extent-read-as-one-extent", {"isoinfo", "pycdlib", "iso-info"},
     {"iso9660", "rockridge", "joliet", "udf"}, q_multi_extent_last),
    ("iso9660-names-translated", {"iso-info"}, {"iso9660"}, q_translated),
    ("link-record-data-refused", {"pycdlib"}, {"iso9660", "joliet"}, q_link_record_data),
    ("untyped-udf-listing", {"iso-info"}, {"udf"}, q_untyped_udf_listing),
    ("iso-read-64-unit-name", {"iso-info"}, {"joliet", "rockridge"}, q_iso_read_64),
    ("relocated-directory-not-followed", {"isoinfo", "iso-info", "7zz", "pycdlib"},
     {"rockridge", "iso9660"}, q_relocation),
    ("size-cut-to-32-bits", {"iso-info", "udfclient", "pycdlib", "7zz", "libudfread"},
     {"udf", "iso9660", "rockridge", "joliet"}, q_size_mod_4gib),
    ("stops-at-2-gib", {"iso-info"}, {"iso9660", "rockridge", "joliet", "udf"},
     q_stops_at_2gib),
    ("link-shown-as-file", {"udfclient", "libudfread", "iso-info", "7zz", "pycdlib",
                            "xorriso", "isoinfo"}, set(NAMESPACES), q_link_as_file),
    ("unrecorded-extent-read-empty", {"7zz"}, {"udf"}, q_unrecorded_empty),
    ("special-file-shown-as-file", {"udfclient", "libudfread", "iso-info", "7zz", "pycdlib"},
     set(NAMESPACES), q_special_as_file),
    ("non-ascii-name-replaced", {"udfclient", "isoinfo", "iso-info"}, set(NAMESPACES),
     q_placeholder_name),
    ("trailing-dot-dropped", {"7zz", "xorriso"}, set(NAMESPACES), q_trailing_dot),
    ("refuses-the-volume", {"7zz", "pycdlib", "iso-info"}, {"udf"}, q_refuses),
]


def classify(d, ref, got):
    for name, readers, namespaces, pred in QUIRKS:
        if d["reader"] in readers and d["namespace"] in namespaces and pred(d, ref, got):
            return name
    return None


# ---------------------------------------------------------------------------------------
# Comparison.

FIELDS = ("type", "size", "contents", "target", "mtime")


def field_value(e, field):
    return e["content"] if field == "contents" else e[field]


def compare(ns, ref_name, ref, name, got):
    out = []

    def add(path, what, value, ref_value):
        out.append({"namespace": ns, "path": path, "what": what, "reader": name,
                    "value": value, "reference": ref_name, "reference_value": ref_value})

    for path in sorted(set(ref) | set(got)):
        r, g = ref.get(path), got.get(path)
        if g is None:
            add(path, "missing", None, r["type"])
            continue
        if r is None:
            add(path, "extra", g["type"], None)
            continue
        if r["type"] != g["type"]:
            add(path, "type", g["type"], r["type"])
            continue
        for field in FIELDS[1:]:
            a, b = field_value(r, field), field_value(g, field)
            if a is None or b is None or a == b:
                continue
            add(path, field, b, a)
    return out


def differs(a, b):
    """Paths where two views disagree (for the per-pair counts)."""
    n = 0
    for path in set(a) | set(b):
        x, y = a.get(path), b.get(path)
        if x is None or y is None or x["type"] != y["type"]:
            n += 1
            continue
        for field in FIELDS[1:]:
            u, v = field_value(x, field), field_value(y, field)
            if u is not None and v is not None and u != v:
                n += 1
                break
    return n


class Context:
    pass


def detect_namespaces(ctx):
    rc, out, _ = run([ctx.mkimg, "info", ctx.image, "--json"])
    if rc == 0:
        try:
            doc = json.loads(out.decode("utf-8", errors="replace"))
            found = [ns for ns in doc.get("filesystems", []) if ns in NAMESPACES]
            if found:
                return found, True
        except ValueError:
            pass
    # mkimg cannot open it: look for the descriptors by their identifiers.
    found = []
    with open(ctx.image, "rb") as f:
        for i in range(16, 64):
            f.seek(i * SECTOR)
            block = f.read(SECTOR)
            if len(block) < 7:
                break
            if block[1:6] == b"CD001":
                if block[0] == 1 and "iso9660" not in found:
                    found += ["iso9660", "rockridge"]
                if block[0] == 2 and block[88:90] == b"%/":
                    found.append("joliet")
                if block[0] == 255:
                    continue
            if block[1:6] in (b"NSR02", b"NSR03"):
                found.append("udf")
    return found or list(NAMESPACES), False


def main(argv):
    global TIMEOUT
    p = argparse.ArgumentParser(prog="mkimg diff-read")
    p.add_argument("--mkimg", required=True)
    p.add_argument("--udfread-helper", default="")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--readers", default=",".join(READERS))
    p.add_argument("--max-content", type=int, default=64 << 20)
    p.add_argument("image")
    a = p.parse_args(argv)
    TIMEOUT = a.timeout
    ctx = Context()
    ctx.mkimg, ctx.image, ctx.max_content = a.mkimg, a.image, a.max_content
    ctx.udfread_helper = a.udfread_helper
    try:
        ctx.fd = os.open(a.image, os.O_RDONLY)
    except OSError as e:
        print("mkimg: %s: %s" % (a.image, e.strerror), file=sys.stderr)
        return 2
    chosen = [r for r in a.readers.split(",") if r]
    for r in chosen:
        if r not in READERS:
            print("mkimg: diff-read: --readers: unknown reader %s (one of %s)" %
                  (r, ", ".join(READERS)), file=sys.stderr)
            return 2
    ctx.namespaces, mkimg_opened = detect_namespaces(ctx)
    status = {}  # reader -> ns -> "read" | "skipped: ..." | "failed: ..."
    views = {}  # ns -> {reader: view}
    with tempfile.TemporaryDirectory(prefix="mkimg-diff-read.") as work:
        for reader in chosen:
            status[reader] = {}
            tool = READER_TOOLS.get(reader)
            if tool and not shutil.which(tool):
                status[reader]["*"] = "skipped: %s is not installed" % tool
                continue
            for ns in ctx.namespaces:
                ctx.work = os.path.join(work, reader + "-" + ns)
                os.makedirs(ctx.work, exist_ok=True)
                try:
                    view = READER_FUNCS[reader](ctx, ns)
                    views.setdefault(ns, {})[reader] = view
                    status[reader][ns] = "read"
                except Skipped as e:
                    status[reader][ns] = "skipped: %s" % e
                except ReaderFailed as e:
                    status[reader][ns] = "failed: %s" % e
                except Exception as e:  # a reader's output this script cannot parse
                    status[reader][ns] = "failed: %s: %s" % (type(e).__name__, e)
                shutil.rmtree(ctx.work, ignore_errors=True)
    divergences = []
    pairs = {}
    for ns in ctx.namespaces:
        readers_ok = [r for r in chosen if status[r].get(ns) == "read"]
        failed = [r for r in chosen if status[r].get(ns, "").startswith("failed")]
        if not readers_ok:
            continue
        ref_name = min((r for r in readers_ok if r != "udfinfo"), default=None,
                       key=REFERENCE_ORDER.index)
        if ref_name is None:
            continue
        readers_ok.remove(ref_name)
        readers_ok.insert(0, ref_name)
        ns_views = views[ns]
        ref = ns_views[ref_name]
        if "udfinfo" in readers_ok:
            # udfinfo counts file entries: the names of a hard-linked file (links > 1, one
            # ICB, the same extents) count once.
            linked = set(tuple(e["extents"]) for e in ref.values()
                         if e["type"] == "file" and e.get("links", 1) > 1)
            files = sum(1 for e in ref.values()
                        if e["type"] != "dir" and e.get("links", 1) <= 1) + len(linked)
            dirs = sum(1 for e in ref.values() if e["type"] == "dir") + 1
            ns_views["mkimg"] = ref = dict(ref)
            ref["#counts"] = entry("counts", None, "%d files, %d directories" % (files, dirs))
        for r in readers_ok[1:]:
            got = ns_views[r]
            if r == "udfinfo":
                got = dict(got)
                ref_counts = {"#counts": ref["#counts"]} if "#counts" in ref else {}
                found = compare(ns, ref_name, ref_counts, r, got)
            else:
                found = compare(ns, ref_name, {k: v for k, v in ref.items() if k != "#counts"},
                                r, got)
            for d in found:
                d["quirk"] = classify(d, ref, got)
            divergences += found
        for r in failed:
            d = {"namespace": ns, "path": "-", "what": "unreadable", "reader": r,
                 "value": status[r][ns][len("failed: "):], "reference": ref_name,
                 "reference_value": "read"}
            d["quirk"] = classify(d, ref, {})
            divergences.append(d)
        tree_readers = [r for r in readers_ok if r != "udfinfo"]
        for i, x in enumerate(tree_readers):
            for y in tree_readers[i + 1:]:
                key = "%s|%s" % (x, y)
                pairs[key] = pairs.get(key, 0) + differs(
                    {k: v for k, v in ns_views[x].items() if k != "#counts"},
                    {k: v for k, v in ns_views[y].items() if k != "#counts"})
        for r in failed:
            for x in tree_readers:
                key = "%s|%s" % tuple(sorted((x, r), key=chosen.index))
                pairs[key] = pairs.get(key, 0) + 1
    new = sum(1 for d in divergences if d["quirk"] is None)
    known = len(divergences) - new
    if a.json:
        doc = {"image": a.image, "namespaces": ctx.namespaces,
               "mkimg_opened": mkimg_opened, "readers": status,
               "divergences": divergences, "pairs": pairs,
               "known": known, "new": new}
        print(json.dumps(doc))
    else:
        print_table(a.image, ctx.namespaces, status, divergences, known, new)
    return 1 if new else 0


def show(v):
    if v is None:
        return "-"
    s = str(v)
    s = "".join(c if c.isprintable() and not ("\udc80" <= c <= "\udcff") else
                "\\x%02x" % (ord(c) & 0xFF) for c in s)
    return s if len(s) <= 48 else s[:45] + "..."


def print_table(image, namespaces, status, divergences, known, new):
    print("image: %s (%s)" % (image, ", ".join(namespaces)))
    for reader, per_ns in status.items():
        if "*" in per_ns:
            print("  %-10s %s" % (reader, per_ns["*"]))
            continue
        read = [ns for ns, s in per_ns.items() if s == "read"]
        rest = ["%s %s" % (ns, s) for ns, s in per_ns.items() if s != "read"]
        print("  %-10s read: %s%s" % (reader, " ".join(read) or "-",
                                     ("; " + "; ".join(rest)) if rest else ""))
    if divergences:
        rows = [("NAMESPACE", "PATH", "WHAT", "READER", "SEEN", "REFERENCE", "CLASS")]
        for d in divergences:
            rows.append((d["namespace"], show(d["path"]), d["what"], d["reader"],
                         show(d["value"]), "%s: %s" % (d["reference"], show(d["reference_value"])),
                         ("quirk " + d["quirk"]) if d["quirk"] else "NEW"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    print("%d divergences: %d known quirks, %d new" % (len(divergences), known, new))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
