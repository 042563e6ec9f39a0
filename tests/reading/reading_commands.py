#!/usr/bin/python3
"""The reading commands as a user meets them (issue "First contact", item 7): `ls` in name
order and in disc order, `ls -l -h` against coreutils' `ls -lh`, `ls --json` against
xorriso's LBAs, `verify --json`, `extract IMAGE DEST PATH...`, a file that cannot be read
completely (removed, or kept with --keep-partial, and counted), the exit statuses, and the
peak RSS of extract on a multi-GiB image. specs/readers.md describes what is checked.

  reading_commands.py --mkimg PATH SCENARIO    run one scenario (0 pass, 1 fail, 77 skipped)
  reading_commands.py --list                   print the scenario names
"""
import json
import os
import random
import re
import shutil
import sys

MKIMG = None
WORK = None
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import scenario  # noqa: E402  (tests/tools/scenario.py)
from scenario import Failure, Skip, check  # noqa: E402,F401

ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "TZ": "UTC"}




def run(args, expect=0, env=None, cwd=None):
    return scenario.run(args, ENV, expect, env, cwd=cwd or WORK)


def write(rel, data, root="src"):
    path = os.path.join(WORK, root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def build(src="src", image="out.iso", extra=()):
    path = os.path.join(WORK, image)
    run([MKIMG, "build", "-o", path, "--volume-id", "T"] + list(extra) + [os.path.join(WORK, src)],
        env={"SOURCE_DATE_EPOCH": "1767225600"})
    return path


def name_tree():
    # ISO 9660 sorts upper-cased d-character identifiers (ECMA-119 9.3), so its disc order
    # (a, B, _x ...) differs from the Rock Ridge names' byte order (B, _x, a ...).
    for rel in ["B", "_x", "a.txt", "a/z", "a/Y", "a/b-c/q", "ab"]:
        write(rel, rel.encode())


def host_order(root):
    """The listing expected in name order, from the host tree: each folder's names sorted
    as bytes, depth first."""
    out = []

    def walk(d, prefix):
        for name in sorted(os.listdir(os.fsencode(d))):
            path = prefix + "/" + os.fsdecode(name)
            out.append(path)
            full = os.path.join(os.fsencode(d), name)
            if os.path.isdir(full) and not os.path.islink(full):
                walk(full, path)
    walk(root, "")
    return out


def scenario_ls_name_order():
    name_tree()
    image = build()
    _, out, _ = run([MKIMG, "ls", image])
    listed = out.splitlines()
    expected = host_order(os.path.join(WORK, "src"))
    check(listed == expected, "ls is not in name order:\n%s\nexpected:\n%s" % (listed, expected))
    # The same bytes in any locale.
    for loc in ("C", "C.UTF-8", "POSIX"):
        _, again, _ = run([MKIMG, "ls", image], env={"LC_ALL": loc, "LANG": loc})
        check(again == out, "ls differs under LC_ALL=%s" % loc)
    _, disc, _ = run([MKIMG, "ls", image, "--disc-order"])
    disc = disc.splitlines()
    check(sorted(disc) == sorted(listed), "--disc-order lists other entries: %s" % disc)
    check(disc != listed, "--disc-order gives the name order for a tree whose orders differ")
    # Joliet records names in UCS-2 order (Joliet spec, as ECMA-119 9.3): its disc order
    # puts 'a' before 'B' as xorriso -find does... the namespace ISO 9660 shows it plainly.
    _, iso, _ = run([MKIMG, "ls", image, "--disc-order", "--fs", "iso9660"])
    check(iso.splitlines()[0] == "/A", "ISO 9660 disc order should start with /A: %s" % iso)


def scenario_ls_human_sizes():
    sizes = [0, 1, 1000, 1023, 1024, 1025, 1536, 2047, 10239, 10240, 10241, 1048575, 1048576,
             1048577, 9 * 1048576 + 1, 123456789]
    for s in sizes:
        write("f%d" % s, b"\x01" * min(s, 1) + b"\0" * max(0, s - 1))
    big = os.path.join(WORK, "src", "huge")
    with open(big, "wb") as f:  # sparse: 5 GiB + 1, for the G column
        f.truncate(5 * 1024 ** 3 + 1)
    sizes.append(5 * 1024 ** 3 + 1)
    image = build(extra=["--level", "3"])
    _, out, _ = run([MKIMG, "ls", image, "-l", "-h"])
    ours = {}
    for line in out.splitlines():
        f = line.split()
        ours[f[-1]] = f[4]
    _, ref, _ = run(["ls", "-l", "-h", os.path.join(WORK, "src")], env={"LC_ALL": "C"})
    theirs = {}
    for line in ref.splitlines()[1:]:
        f = line.split()
        theirs["/" + f[-1]] = f[4]
    for path, size in theirs.items():
        check(ours.get(path) == size,
              "%s: mkimg ls -lh says %s, coreutils ls -lh %s" % (path, ours.get(path), size))
    # -h is not --help for ls; --help still is.
    code, helptext, _ = run([MKIMG, "ls", "--help"])
    check("--disc-order" in helptext and "-h,--human-readable" in helptext, "ls --help: " + helptext)
    _, plain, _ = run([MKIMG, "ls", image, "-l"])
    check("5368709121" in plain, "ls -l without -h prints bytes")


def xorriso_lbas(image):
    if not shutil.which("xorriso"):
        raise Skip("xorriso is not installed")
    _, out, err = run(["xorriso", "-indev", image, "-find", "/", "-type", "f", "-exec",
                       "report_lba", "--"])
    lbas = {}
    for line in (out + err).splitlines():
        m = re.match(r"File data lba:\s*\d+\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*'(.*)'", line)
        if m:
            lbas[m.group(4)] = (int(m.group(1)), int(m.group(3)))
    return lbas


def scenario_ls_json():
    name_tree()
    # The mode is set, not left to the caller's umask (CI runs under umask 077).
    os.chmod(write("data.bin", random.Random(1).randbytes(70000)), 0o644)
    os.symlink("a/z", os.path.join(WORK, "src", "link"))
    image = build()
    _, out, _ = run([MKIMG, "ls", image, "--json"])
    doc = json.loads(out)
    check(doc["image"] == image and doc["filesystem"] == "rockridge" and doc["order"] == "name",
          "ls --json header: %s" % out[:300])
    _, text, _ = run([MKIMG, "ls", image])
    check([e["path"] for e in doc["entries"]] == text.splitlines(),
          "ls --json lists other paths than ls")
    by_path = {e["path"]: e for e in doc["entries"]}
    check(by_path["/link"]["type"] == "symlink" and by_path["/link"]["target"] == "a/z",
          "symlink entry: %s" % by_path["/link"])
    check(by_path["/a"]["type"] == "directory", "directory entry: %s" % by_path["/a"])
    check(by_path["/data.bin"]["size"] == 70000 and by_path["/data.bin"]["mode"] == "0644",
          "file entry: %s" % by_path["/data.bin"])
    for path, (lba, size) in xorriso_lbas(image).items():
        e = by_path[path]
        check(e["extents"][0]["lba"] == lba and e["size"] == size,
              "%s: mkimg ls --json says LBA %s size %s, xorriso LBA %d size %d" %
              (path, e["extents"][0]["lba"], e["size"], lba, size))
    _, disc, _ = run([MKIMG, "ls", image, "--json", "--disc-order", "/a"])
    doc = json.loads(disc)
    check(doc["order"] == "disc" and doc["path"] == "/a" and
          sorted(e["path"] for e in doc["entries"]) == ["/a/Y", "/a/b-c", "/a/b-c/q", "/a/z"],
          "ls --json --disc-order /a: %s" % disc)


def scenario_verify_json():
    write("hello.txt", b"hello\n")
    image = build()
    _, out, _ = run([MKIMG, "verify", image, "--json"])
    doc = json.loads(out)
    check(doc == {"image": image, "filesystems": doc["filesystems"], "ok": True, "problems": []},
          "verify --json of a clean image: %s" % out)
    check("rockridge" in doc["filesystems"] and "joliet" in doc["filesystems"], out)
    with open(image, "ab") as f:
        f.write(b"\0" * 4096 + b"tail")
    _, out, _ = run([MKIMG, "verify", image, "--json"], expect=1)
    doc = json.loads(out)
    check(doc["ok"] is False and len(doc["problems"]) == 2 and
          any("trailing bytes" in p for p in doc["problems"]) and
          any("not a whole number" in p for p in doc["problems"]),
          "verify --json of an image with bytes appended: %s" % out)
    junk = write("junk.iso", b"x" * 100000, root=".")
    code, out, err = run([MKIMG, "verify", junk, "--json"], expect=2)
    check(out == "" and err.startswith("mkimg: ") and err.count("\n") == 1,
          "verify --json of a non-image: one line on stderr, nothing on stdout: %r %r" % (out, err))


def tree_of(root):
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            rel = "/" + os.path.relpath(p, root)
            out[rel] = None if os.path.isdir(p) else open(p, "rb").read()
    return out


def scenario_extract_paths():
    name_tree()
    image = build()
    dest = os.path.join(WORK, "dest")
    run([MKIMG, "extract", image, dest, "/a/b-c", "B", "/a/z"])
    got = tree_of(dest)
    check(got == {"/a": None, "/a/b-c": None, "/a/b-c/q": b"a/b-c/q", "/B": b"B", "/a/z": b"a/z"},
          "extract IMAGE DEST /a/b-c B /a/z gave %s" % sorted(got))
    # Everything, when no PATH is given.
    dest2 = os.path.join(WORK, "all")
    run([MKIMG, "extract", image, dest2])
    check(tree_of(dest2) == tree_of(os.path.join(WORK, "src")), "extract of everything differs")
    # A PATH the image does not hold: exit 2, the image and the path named, nothing written.
    dest3 = os.path.join(WORK, "none")
    _, _, err = run([MKIMG, "extract", image, dest3, "/a", "/nope"], expect=2)
    check(err == "mkimg: %s: /nope: no such file or directory in the image's rockridge tree\n"
          % image, "missing PATH: %r" % err)
    check(not os.path.exists(dest3), "DEST was created although a PATH was refused")
    _, _, err = run([MKIMG, "extract", image, dest3, "/a/../../etc"], expect=2)
    check("'..' is not allowed" in err and not os.path.exists(dest3), "'..' in PATH: %r" % err)


def truncated_image():
    rnd = random.Random(7)
    write("small.txt", b"small\n")
    write("zbig.bin", rnd.randbytes(3 * 1024 * 1024))
    image = build()
    lbas = xorriso_lbas(image)
    lba, size = lbas["/zbig.bin"]
    check(lbas["/small.txt"][0] < lba, "layout: small.txt should come before zbig.bin")
    with open(image, "r+b") as f:
        f.truncate(lba * 2048 + 1024 * 1024 + 4096)
    return image, lba


def scenario_extract_partial_removed():
    image, lba = truncated_image()
    dest = os.path.join(WORK, "dest")
    _, _, err = run([MKIMG, "extract", image, dest], expect=2)
    # The image, the file and the LBA of the failed read, then the count.
    m = re.search(r"mkimg: %s: warning: /zbig\.bin \(LBA (\d+)\): the image ends after \d+ of "
                  r"the file's 3145728 bytes; read in part, removed" % re.escape(image), err)
    check(m is not None, "the damaged file's line: %r" % err)
    check(int(m.group(1)) > lba, "the LBA named is the failed read's: %s vs file at %d" %
          (m.group(1), lba))
    check(err.rstrip().endswith(
        "mkimg: %s: 1 damaged entry (named above): 1 file read in part and removed "
        "(--keep-partial keeps them); everything else was extracted" % dest),
        "final line: %r" % err)
    check(not os.path.exists(os.path.join(dest, "zbig.bin")), "a partial file was left in DEST")
    check(open(os.path.join(dest, "small.txt"), "rb").read() == b"small\n", "small.txt")


def scenario_extract_partial_kept():
    image, _ = truncated_image()
    dest = os.path.join(WORK, "dest")
    _, _, err = run([MKIMG, "extract", image, dest, "--keep-partial"], expect=2)
    check("/zbig.bin (LBA " in err and "; kept partial (--keep-partial)" in err, err)
    check("1 file read in part and kept as such (--keep-partial)" in err, err)
    kept = open(os.path.join(dest, "zbig.bin"), "rb").read()
    src = open(os.path.join(WORK, "src", "zbig.bin"), "rb").read()
    check(0 < len(kept) < len(src) and src.startswith(kept),
          "the kept file holds the bytes read: %d of %d" % (len(kept), len(src)))


def scenario_exit_statuses():
    write("a.txt", b"a\n")
    image = build()
    afile = write("plain", b"x", root=".")
    cases = [
        ([MKIMG, "ls", image, "--nope"], 2),
        ([MKIMG, "ls", os.path.join(WORK, "missing.iso")], 2),
        ([MKIMG, "ls", image, "/missing"], 2),
        ([MKIMG, "ls", image, "--fs", "udf"], 2),
        ([MKIMG, "extract", image], 2),
        ([MKIMG, "extract", image, os.path.join(afile, "sub")], 2),
        ([MKIMG, "extract", image, afile], 2),
        ([MKIMG, "extract", image, os.path.join(WORK, "no", "dest")], 2),
        ([MKIMG, "build", "-o", os.path.join(WORK, "no", "x.iso"), os.path.join(WORK, "src")], 2),
        ([MKIMG, "build", "-o", WORK, os.path.join(WORK, "src")], 2),
        ([MKIMG, "build", "-o", os.path.join(afile, "x.iso"), os.path.join(WORK, "src")], 2),
        ([MKIMG, "verify", afile], 2),
        ([MKIMG, "info", WORK], 2),
        ([MKIMG, "ls", image], 0),
        ([MKIMG, "verify", image], 0),
    ]
    for args, status in cases:
        code, _, err = run(args, expect=None)
        check(code == status, "%s exited %d, expected %d: %s" % (" ".join(args), code, status, err))
        if status != 0:
            check(err.count("\n") == 1 and err.startswith("mkimg: "),
                  "%s: not one line: %r" % (" ".join(args), err))


def scenario_extract_progress_on_terminal_only():
    if not shutil.which("script"):
        raise Skip("script (bsdutils) is not installed")
    write("data.bin", random.Random(5).randbytes(8 * 1024 * 1024))
    image = build()
    # In a pipe (as in CI): no progress at all.
    _, out, err = run([MKIMG, "extract", image, os.path.join(WORK, "piped")])
    check(out == "" and err == "", "extract in a pipe printed %r %r" % (out, err))
    # On a terminal (script(1) gives it a pseudo-terminal): one finished progress line.
    cmd = "%s extract %s %s" % (MKIMG, image, os.path.join(WORK, "tty"))
    _, out, _ = run(["script", "-qec", cmd, "/dev/null"])
    check("100%" in out and "8.0 MiB / 8.0 MiB" in out and out.count("\n") == 1,
          "extract on a terminal: %r" % out)
    check(open(os.path.join(WORK, "tty", "data.bin"), "rb").read() ==
          open(os.path.join(WORK, "src", "data.bin"), "rb").read(), "extracted data")


def scenario_extract_rss():
    time_tool = "/usr/bin/time"
    if not os.path.exists(time_tool):
        raise Skip("GNU time (/usr/bin/time) is not installed")
    size = 3 * 1024 ** 3 + 12345
    big = os.path.join(WORK, "src", "big.bin")
    rnd = random.Random(3)
    # Sparse on the host and in the image, but with data at the start, in the middle and at
    # the end: extraction must read them all to reproduce the file.
    with open(big, "wb") as f:
        f.truncate(size)
        for at in (0, 1024 ** 3 + 4097, 2 * 1024 ** 3 + 123, size - 1024 * 1024):
            f.seek(at)
            f.write(rnd.randbytes(1024 * 1024))
    image = build(extra=["--level", "3"])
    check(os.path.getsize(image) > size, "image size")
    dest = os.path.join(WORK, "dest")
    _, _, err = run([time_tool, "-v", MKIMG, "extract", image, dest])
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    check(m is not None, "no RSS in: %s" % err)
    rss_mib = int(m.group(1)) / 1024
    print("peak RSS of mkimg extract on a %.2f GiB image: %.1f MiB" %
          (os.path.getsize(image) / 1024 ** 3, rss_mib))
    check(rss_mib < 64, "extract peaked at %.1f MiB RSS (limit 64 MiB)" % rss_mib)
    run(["cmp", big, os.path.join(dest, "big.bin")])


SCENARIOS = scenario.collect(globals())


def setup(a, work):
    global MKIMG, WORK
    MKIMG = os.path.abspath(a.mkimg)
    WORK = work
    os.makedirs(os.path.join(WORK, "src"), exist_ok=True)


if __name__ == "__main__":
    sys.exit(scenario.main(SCENARIOS, "mkimg-reading-", setup))
