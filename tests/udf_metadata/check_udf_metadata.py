#!/usr/bin/python3
"""mkimg's UDF 2.50/2.60 metadata-partition reader against independent readers.

make_udf_metadata.py writes an image from the specifications; the independent readers
(libudfread through mkimg-udfread, udfclient, 7-Zip, udfinfo) read it, and their view is the
oracle mkimg's `ls -l`, `extract`, `info --json` and `verify` must match. The generator's
own intent is never the expectation: it only picks what to write.

What each reader can show (specs/udf-readers.md):
  libudfread  every path, directory or not, size and bytes; symbolic links read as files
              whose bytes are ECMA-167 4/14.16 path components; follows the mirror.
  udfclient   ASCII names, sizes, rwx permission bits (no setuid/setgid/sticky).
  7zz         names, sizes, bytes, modification times; refuses file type 12 (symbolic
              links), metadata files of several extents, and knows no mirror.
  udfinfo     UDF revision, file and directory counts (LVID), no tree.

Usage: check_udf_metadata.py --mkimg PATH --udfread-ls PATH SCENARIO   (exit 0 pass,
       1 fail, 77 skipped because a reader is missing and CI is not set)
       check_udf_metadata.py --list
"""
import argparse
import datetime
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "make_udf_metadata.py")

# scenario: (generator arguments, readers that can read it)
SCENARIOS = {
    "rev250": (["--revision", "2.50"], ["udfread", "udfclient", "7zz"]),
    "rev260": (["--revision", "2.60"], ["udfread", "udfclient", "7zz"]),
    "split-metadata": (["--metadata-extents", "2"], ["udfread", "udfclient"]),
    "mirror-damaged": (["--revision", "2.60", "--corrupt-mirror-metadata"],
                       ["udfread", "udfclient", "7zz"]),
    "mirror-data": (["--corrupt-main-metadata=data"], ["udfread"]),
    "mirror-fe": (["--revision", "2.60", "--corrupt-main-metadata=fe"], ["udfread"]),
    "mirror-both": (["--corrupt-main-metadata=both"], ["udfread"]),
    "anchor-n257": (["--second-anchor", "n-257", "--damage-anchor-256"], ["udfread"]),
}


class Failure(Exception):
    pass


class Missing(Exception):
    pass


def peer_env():
    """The environment of an independent reader: UTF-8 names and UTC times whatever the
    caller's locale and time zone (7-Zip lists local times; mkimg is run in the caller's
    own environment, as it must not depend on it)."""
    env = dict(os.environ)
    env.update({"LC_ALL": "C.UTF-8", "TZ": "UTC"})
    return env


def run(args, check=True, env=None):
    if env is None and args[0] not in (sys.executable,) and "mkimg" not in os.path.basename(args[0]):
        env = peer_env()
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.decode("utf-8", "surrogateescape")
    err = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise Failure("%s exited %d:\n%s%s" % (" ".join(args), proc.returncode, out[-3000:],
                                               err[-3000:]))
    return proc.returncode, out, err


def fnv64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def decode_path_components(raw):
    """ECMA-167 4/14.16.1 path components (types 1/2 root, 3 parent, 4 current, 5 named)
    with OSTA CS0 identifiers (UDF 2.1.1): the checker's reading of the bytes libudfread
    returned for a symbolic link."""
    parts, pos, absolute = [], 0, False
    while pos + 4 <= len(raw):
        ctype, length = raw[pos], raw[pos + 1]
        ident = raw[pos + 4:pos + 4 + length]
        pos += 4 + length
        if ctype in (1, 2):
            absolute, parts = True, []
        elif ctype == 3:
            parts.append("..")
        elif ctype == 4:
            parts.append(".")
        elif ctype == 5:
            if not ident:
                return None
            if ident[0] == 8:
                parts.append(ident[1:].decode("latin-1"))
            elif ident[0] == 16:
                parts.append(ident[1:].decode("utf-16-be"))
            else:
                return None
        else:
            return None
    if pos != len(raw):
        return None
    return ("/" if absolute else "") + "/".join(parts)


# ---------------------------------------------------------------------------------------
# Independent readers

def udfread_view(tool, image):
    rc, out, err = run([tool, "scan", image], check=False)
    if rc != 0:
        raise Failure("libudfread could not read %s (rc %d): %s" % (image, rc, err.strip()))
    view = {}
    for line in out.splitlines():
        kind, size, digest, small, path = line.split("\t", 4)
        if kind == "d":
            view[path] = {"type": "dir"}
        else:
            view[path] = {"type": "file", "size": int(size), "fnv": digest,
                          "bytes": bytes.fromhex(small) if small != "-" else
                          (b"" if int(size) == 0 else None)}
    return view, err


def udfclient_view(image):
    """udfclient's `ls` of every directory; the root holds one entry per logical volume
    ("volume set:primary:logical:file set"), cd'ed into first."""
    if not shutil.which("udfclient"):
        raise Missing("udfclient (Debian package udfclient)")
    dirs, view = ["/"], {}
    # Breadth first: each pass lists the directories found by the previous one.
    proc = subprocess.run(["udfclient", "-b", "2048", image], input=b"ls\nquit\n", env=peer_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode("utf-8", "replace")
    m = re.search(r"^d\S+\s+-?\d+\s+-?\d+\s+\d+\s+(.+)$", out.split("Directory listing of /")[-1],
                  re.M)
    if not m:
        raise Failure("udfclient found no logical volume:\n" + out[-2000:])
    volume = m.group(1)
    while dirs:
        script = "".join('cd "/%s%s"\nls\n' % (volume, d if d != "/" else "") for d in dirs)
        proc = subprocess.run(["udfclient", "-b", "2048", image], input=(script + "quit\n").encode(),
                              env=peer_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        text = proc.stdout.decode("utf-8", "replace")
        blocks = text.split("UDF> UDF working directory is")[1:]
        found = []
        for d, block in zip(dirs, blocks):
            for line in block.splitlines():
                lm = re.match(r"^(?:UDF> )?([d-][rwx-]{9})\s+(-?\d+)\s+(-?\d+)\s+(\d+)\s+(.+)$",
                              line)
                if not lm or lm.group(5) in (".", ".."):
                    continue
                path = (d if d != "/" else "") + "/" + lm.group(5)
                entry = {"type": "dir" if lm.group(1)[0] == "d" else "file",
                         "perm": lm.group(1)[1:], "size": int(lm.group(4))}
                view[path] = entry
                if entry["type"] == "dir":
                    found.append(path)
        dirs = found
    if not view:
        raise Failure("udfclient listed nothing")
    return view


def sevenzip_view(image, workdir):
    if not shutil.which("7zz"):
        raise Missing("7zz (Debian package 7zip)")
    rc, out, err = run(["7zz", "l", "-slt", "-sccUTF-8", image], check=False)
    # 7-Zip sizes a UDF image by its file extents only, so the metadata mirror (placed at
    # the end of the partition) is "data after the end of the archive" and the missing end
    # anchor a "Headers Error" (specs/udf-readers.md). Nothing else is tolerated.
    errors = re.findall(r"^ERRORS:\n((?:.+\n)+?)(?:WARNINGS:|\n|-)", out + "\n", re.M)
    if rc not in (0, 2) or any(e.strip() != "Headers Error" for e in errors):
        raise Failure("7zz l failed (rc %d):\n%s%s" % (rc, out[-3000:], err[-2000:]))
    view = {}
    for block in out.split("\n\n"):
        props = dict(l.split(" = ", 1) for l in block.splitlines() if " = " in l)
        if "Path" not in props or "Folder" not in props:
            continue
        path = "/" + props["Path"]
        e = {"type": "dir" if props["Folder"] == "+" else "file"}
        if e["type"] == "file":
            e["size"] = int(props["Size"])
        if props.get("Modified"):
            t = datetime.datetime.strptime(props["Modified"][:19], "%Y-%m-%d %H:%M:%S")
            e["mtime"] = int(t.replace(tzinfo=datetime.timezone.utc).timestamp())
        view[path] = e
    dest = os.path.join(workdir, "7zz-x")
    rc, out, err = run(["7zz", "x", "-y", "-sccUTF-8", "-o" + dest, image], check=False)
    if rc not in (0, 2):
        raise Failure("7zz x failed (rc %d): %s" % (rc, (out + err)[-2000:]))
    for path, e in view.items():
        if e["type"] == "file":
            with open(dest + path, "rb") as f:
                e["fnv"] = fnv64(f.read())
    return view


def udfinfo_facts(image, allowed_warning=None):
    if not shutil.which("udfinfo"):
        raise Missing("udfinfo (Debian package udftools)")
    rc, out, err = run(["udfinfo", image], check=False)
    warnings = [l for l in err.splitlines()
                if "Warning" in l and not (allowed_warning and allowed_warning in l)]
    if rc != 0 or warnings:
        raise Failure("udfinfo does not accept the image (rc %d): %s" % (rc, err.strip()))
    facts = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    return facts


# ---------------------------------------------------------------------------------------
# mkimg

def mkimg_view(mkimg, image, workdir):
    rc, out, err = run([mkimg, "ls", "-l", "--fs", "udf", image])
    view = {}
    for line in out.splitlines():
        # mode links uid gid size YYYY-MM-DD HH:MM path [-> target]
        m = re.match(r"^([dl-][rwxsStT-]{9})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+"
                     r"(\d{4}-\d\d-\d\d \d\d:\d\d)\s+(/.*)$", line)
        if not m:
            raise Failure("mkimg ls -l: unexpected line %r" % line)
        path, target = m.group(7), None
        if m.group(1)[0] == "l":
            path, target = path.split(" -> ", 1)
        if path == "/":
            continue
        view[path] = {"type": {"d": "dir", "l": "symlink", "-": "file"}[m.group(1)[0]],
                      "modestr": m.group(1), "uid": int(m.group(3)), "gid": int(m.group(4)),
                      "size": int(m.group(5)), "minute": m.group(6), "target": target}
    dest = os.path.join(workdir, "mkimg-x")
    run([mkimg, "extract", "--fs", "udf", image, dest])
    seen = set()
    for root, dirs, files in os.walk(dest):
        for name in dirs + files:
            host = os.path.join(root, name)
            path = "/" + os.path.relpath(host, dest)
            seen.add(path)
            if path not in view:
                raise Failure("mkimg extract wrote %s, which mkimg ls does not list" % path)
            st = os.lstat(host)
            e = view[path]
            e["x_mtime"] = int(st.st_mtime)
            e["x_mode"] = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                e["x_type"], e["x_target"] = "symlink", os.readlink(host)
            elif stat.S_ISDIR(st.st_mode):
                e["x_type"] = "dir"
            else:
                e["x_type"] = "file"
                with open(host, "rb") as f:
                    data = f.read()
                e["x_size"], e["fnv"], e["bytes"] = len(data), fnv64(data), data
    missing = set(view) - seen
    if missing:
        raise Failure("mkimg extract did not write %s" % sorted(missing))
    return view


# ---------------------------------------------------------------------------------------

class Checker:
    def __init__(self):
        self.problems = []
        self.checks = 0

    def expect(self, ok, what):
        self.checks += 1
        if not ok:
            self.problems.append(what)


def compare_udfread(c, ref, got):
    c.expect(set(ref) == set(got), "libudfread paths %s vs mkimg %s: only libudfread %s, "
             "only mkimg %s" % (len(ref), len(got), sorted(set(ref) - set(got)),
                                sorted(set(got) - set(ref))))
    for path, r in ref.items():
        g = got.get(path)
        if g is None:
            continue
        if r["type"] == "dir":
            c.expect(g["type"] == "dir" and g["x_type"] == "dir",
                     "%s: libudfread dir, mkimg %s" % (path, g["type"]))
            continue
        if g["type"] == "symlink":
            # libudfread shows the link's recorded bytes; they must decode to mkimg's target.
            target = decode_path_components(r["bytes"] or b"")
            c.expect(target is not None and target == g["target"] == g["x_target"],
                     "%s: symlink: libudfread bytes decode to %r, mkimg ls %r, extract %r" %
                     (path, target, g["target"], g.get("x_target")))
            continue
        c.expect(g["type"] == "file", "%s: libudfread file, mkimg %s" % (path, g["type"]))
        c.expect(r["size"] == g["size"] == g.get("x_size"),
                 "%s: size libudfread %d, mkimg ls %d, extract %s" %
                 (path, r["size"], g["size"], g.get("x_size")))
        c.expect(r["fnv"] == g.get("fnv"), "%s: content differs from libudfread's" % path)


def compare_udfclient(c, ref, got):
    for path, r in ref.items():
        if re.search(r"#[0-9A-F]{4}", path):
            continue  # udfclient's rendering of a non-ASCII name (`_#BDFF.txt`)
        g = got.get(path)
        c.expect(g is not None, "%s: listed by udfclient, not by mkimg" % path)
        if g is None:
            continue
        # udfclient shows a symbolic link as a file of its path-component bytes.
        if g["type"] == "symlink":
            c.expect(r["type"] == "file", "%s: udfclient type %s" % (path, r["type"]))
            continue
        c.expect(r["type"] == g["type"], "%s: udfclient %s, mkimg %s" % (path, r["type"],
                                                                          g["type"]))
        if r["type"] == "file":
            c.expect(r["size"] == g["size"], "%s: size udfclient %d, mkimg %d" %
                     (path, r["size"], g["size"]))
        # rwx bits only: udfclient does not show setuid/setgid/sticky (ICB flags).
        plain = "".join(ch if ch in "rwx-" else ("x" if ch in "st" else "-")
                        for ch in g["modestr"][1:])
        c.expect(r["perm"] == plain, "%s: permissions udfclient %s, mkimg %s" %
                 (path, r["perm"], g["modestr"]))
    for path in got:
        if all(ord(ch) < 128 for ch in path):
            c.expect(path in ref, "%s: listed by mkimg, not by udfclient" % path)


def compare_7zz(c, ref, got, no_symlink_paths):
    want = {p: g for p, g in got.items() if p not in no_symlink_paths}
    c.expect(set(ref) == set(want), "7zz paths: only 7zz %s, only mkimg %s" %
             (sorted(set(ref) - set(want)), sorted(set(want) - set(ref))))
    for path, r in ref.items():
        g = want.get(path)
        if g is None:
            continue
        c.expect(r["type"] == g["type"], "%s: 7zz %s, mkimg %s" % (path, r["type"], g["type"]))
        if r["type"] == "file":
            c.expect(r["size"] == g["size"] and r["fnv"] == g.get("fnv"),
                     "%s: 7zz size/content differ (7zz %d, mkimg %d)" % (path, r["size"],
                                                                         g["size"]))
        if "mtime" in r:
            c.expect(r["mtime"] == g["x_mtime"], "%s: mtime 7zz %d, mkimg extract %d" %
                     (path, r["mtime"], g["x_mtime"]))
            ls_minute = datetime.datetime.fromtimestamp(
                r["mtime"], datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
            c.expect(ls_minute == g["minute"], "%s: mtime 7zz %s, mkimg ls %s" %
                     (path, ls_minute, g["minute"]))


def check(args, scenario, workdir):
    gen_args, readers = SCENARIOS[scenario]
    image = os.path.join(workdir, scenario + ".udf")
    main_damaged = any(a.startswith("--corrupt-main-metadata") for a in gen_args)
    run([sys.executable, GENERATOR, image] + gen_args)
    c = Checker()
    notes = []

    ref, log = udfread_view(args.udfread_ls, image)
    if "trying mirror" in log or "read metadata" in log:
        notes.append("libudfread: " + log.strip().replace("\n", "; ")[:300])
    got = mkimg_view(args.mkimg, image, workdir)
    compare_udfread(c, ref, got)

    # With sector 256 damaged, udfinfo finding the anchor at N - 256 says so.
    facts = (udfinfo_facts(image, "Anchor Volume Descriptor Pointer not found, using second")
             if not main_damaged else None)
    rc, out, _ = run([args.mkimg, "info", "--json", image])
    info = json.loads(out)["udf"]
    c.expect(info is not None and info["metadata_partition"] and info["metadata_mirror"],
             "mkimg info: no metadata partition with a mirror: %s" % info)
    if facts is not None:
        # udfinfo's udfrev / udfwriterev are the LVID's minimum read / write revisions
        # (UDF 2.2.6.4); mkimg reports the domain identifier's (UDF 2.1.5.3), which a
        # writer of this revision records as its minimum write revision.
        c.expect(facts.get("udfwriterev") == info["revision"],
                 "revision udfinfo %s, mkimg %s" % (facts.get("udfwriterev"), info["revision"]))
        c.expect(int(facts["numfiles"]) == info["files"] and
                 int(facts["numdirs"]) == info["directories"],
                 "counts udfinfo %s/%s, mkimg %s/%s" % (facts["numfiles"], facts["numdirs"],
                                                        info["files"], info["directories"]))
        # udfinfo's counts are the LVID's; the tree libudfread read must agree with them
        # (directories include the root, UDF 2.2.6.4).
        c.expect(int(facts["numdirs"]) == 1 + sum(r["type"] == "dir" for r in ref.values()) and
                 int(facts["numfiles"]) == sum(r["type"] == "file" for r in ref.values()),
                 "udfinfo counts %s/%s do not match libudfread's tree" %
                 (facts["numfiles"], facts["numdirs"]))
    else:
        notes.append("udfinfo: not asked (the main metadata file is damaged on purpose)")

    rc, out, err = run([args.mkimg, "verify", image], check=False)
    if main_damaged:
        # The damage is deliberate: verify must report it, and must still read the tree.
        c.expect(rc == 1 and "mirror" in (out + err), "mkimg verify on a damaged main "
                 "metadata file: rc %d, %s" % (rc, (out + err).strip()[-500:]))
    else:
        c.expect(rc == 0, "mkimg verify: rc %d: %s" % (rc, (out + err).strip()[-800:]))

    if "udfclient" in readers:
        compare_udfclient(c, udfclient_view(image), got)
    else:
        notes.append("udfclient: not a reader of this scenario (specs/udf-readers.md)")
    if "7zz" in readers:
        plain = os.path.join(workdir, scenario + "-nosymlinks.udf")
        run([sys.executable, GENERATOR, plain, "--no-symlinks"] + gen_args)
        os.mkdir(os.path.join(workdir, "plain"))
        plain_got = mkimg_view(args.mkimg, plain, os.path.join(workdir, "plain"))
        links = {p for p, g in got.items() if g["type"] == "symlink"}
        compare_7zz(c, sevenzip_view(plain, workdir), plain_got, links)
    else:
        notes.append("7zz: not a reader of this scenario (specs/udf-readers.md)")
    return c, notes


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg")
    ap.add_argument("--udfread-ls")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("scenario", nargs="?")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    if args.scenario not in SCENARIOS or not args.mkimg:
        ap.error("need --mkimg and one of " + ", ".join(SCENARIOS))
    workdir = tempfile.mkdtemp(prefix="udf-metadata-")
    try:
        if not args.udfread_ls or not os.path.exists(args.udfread_ls):
            raise Missing("libudfread (Debian package libudfread-dev; mkimg-udfread not built)")
        c, notes = check(args, args.scenario, workdir)
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
