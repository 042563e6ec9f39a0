#!/usr/bin/python3
"""Integration tests: unmodified Linux burn programs (Debian's xorriso, cdrskin, wodim,
growisofs, cdrdao) burning onto virtual discs through `mkimg emu run`, read back through
the programs' own readers and through `mkimg emu export`, compared with the source.

Each scenario is one ctest test (tests/burn_programs/CMakeLists.txt). The matrix and the
reason for every cell that does not pass is specs/compatibility.md. Usage:

  burn_programs.py --mkimg PATH SCENARIO     run one scenario (exit 0 pass, 1 fail)
  burn_programs.py --list                    print the scenario names
"""
import argparse
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

MKIMG = None
WORK = None


OVERWRITEABLE = ("dvd+rw", "bd-re", "dvd-ram")


class Failure(Exception):
    pass


def run(args, timeout=600, check=True, env=None):
    """Runs a command; returns (exit status, combined output)."""
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout, env=env, cwd=WORK)
    out = proc.stdout.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise Failure("%s exited %d:\n%s" % (" ".join(args), proc.returncode, out[-4000:]))
    return proc.returncode, out


def emu(drives, command, **kwargs):
    args = [MKIMG, "emu", "run"]
    for dev, disc in drives:
        args += ["--drive", "%s=%s" % (dev, disc)]
    return run(args + ["--"] + command, **kwargs)


def new_disc(media, name="disc"):
    path = os.path.join(WORK, "%s.%s" % (name, media))
    run([MKIMG, "emu", "new", media, path])
    return path


def make_tree(name, size, seed):
    """A deterministic source tree: a large random file of `size` bytes, a file of a few
    hundred KiB, an empty file, an executable, a read-only file, a symlink, and folders
    nested three deep (one empty), with explicit modes (not the umask's)."""
    root = os.path.join(WORK, name)
    rnd = random.Random(seed)
    dirs = ["sub", "sub/deeper", "sub/deeper/deepest", "empty-folder"]
    files = {
        "large.bin": (rnd.randbytes(size), 0o644),
        "sub/note.txt": (("mkimg burn test %s\n" % name).encode(), 0o644),
        "sub/deeper/medium.bin": (rnd.randbytes(300 * 1024 + seed), 0o640),
        "sub/deeper/deepest/empty": (b"", 0o644),
        "run.sh": (b"#!/bin/sh\necho mkimg\n", 0o755),
        "sub/read-only.txt": (b"read only\n", 0o444),
    }
    os.makedirs(root)
    for d in dirs:
        os.makedirs(os.path.join(root, d))
    for rel, (data, mode) in files.items():
        path = os.path.join(root, rel)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
    os.symlink("deeper/medium.bin", os.path.join(root, "sub", "link-to-medium"))
    for d in dirs:
        os.chmod(os.path.join(root, d), 0o755)
    return root


def make_iso(tree, name):
    path = os.path.join(WORK, name + ".iso")
    run(["genisoimage", "-quiet", "-R", "-J", "-V", name.upper(), "-o", path, tree])
    return path


def describe(root):
    """{relative path: (type, size, permission bits, symlink target)} for everything under
    `root` (not followed through symlinks; `root` itself left out)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, root)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("symlink", None, None, os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, stat.S_IMODE(st.st_mode), None)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", st.st_size, stat.S_IMODE(st.st_mode), None)
            else:
                out[rel] = ("other", None, stat.S_IMODE(st.st_mode), None)
    return out


def same_bytes(a, b):
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            p, q = x.read(1 << 20), y.read(1 << 20)
            if p != q:
                return False
            if not p:
                return True


def tree_differences(expected, got, modes=True):
    """Every way the tree `got` differs from `expected`: entries missing or extra, types
    (a folder for a file is a type difference), sizes, bytes, permission bits (when
    `modes`: the medium's file system records them, as Rock Ridge does) and symlink
    targets. An empty list when they are the same."""
    exp, have = describe(expected), describe(got)
    problems = ["missing: " + rel for rel in sorted(set(exp) - set(have))]
    problems += ["extra: " + rel for rel in sorted(set(have) - set(exp))]
    for rel in sorted(set(exp) & set(have)):
        (etype, esize, emode, etarget), (gtype, gsize, gmode, gtarget) = exp[rel], have[rel]
        if etype != gtype:
            problems.append("type: %s is a %s, expected a %s" % (rel, gtype, etype))
            continue
        if etype == "symlink" and etarget != gtarget:
            problems.append("symlink: %s -> %r, expected -> %r" % (rel, gtarget, etarget))
        if modes and emode != gmode and etype != "symlink":
            problems.append("mode: %s is %04o, expected %04o" % (rel, gmode, emode))
        if etype == "file":
            if esize != gsize:
                problems.append("size: %s is %d bytes, expected %d" % (rel, gsize, esize))
            elif not same_bytes(os.path.join(expected, rel), os.path.join(got, rel)):
                problems.append("bytes: %s differs" % rel)
    return problems


def same_tree(expected, got, modes=True):
    problems = tree_differences(expected, got, modes)
    if problems:
        raise Failure("trees differ: %s vs %s:\n  %s" % (expected, got,
                                                         "\n  ".join(problems)))


def export(disc, name="export"):
    out = os.path.join(WORK, name + ".img")
    run([MKIMG, "emu", "export", disc, out])
    return out


def same_prefix(source, image):
    """The exported image starts with the source image byte for byte (media pad)."""
    size = os.path.getsize(source)
    if os.path.getsize(image) < size:
        raise Failure("%s is %d bytes, shorter than the %d-byte source" %
                      (image, os.path.getsize(image), size))
    with open(source, "rb") as a, open(image, "rb") as b:
        offset = 0
        while True:
            x = a.read(1 << 20)
            if not x:
                return
            y = b.read(len(x))
            if x != y:
                for i in range(len(x)):
                    if x[i] != y[i]:
                        raise Failure("%s differs from %s at byte %d" %
                                      (image, source, offset + i))
            offset += len(x)


def extract_via_drive(disc, name):
    """Reads the disc back through xorriso -indev on the virtual drive."""
    out = os.path.join(WORK, name)
    emu([("/dev/sr0", disc)],
        ["xorriso", "-osirrox", "on", "-indev", "/dev/sr0", "-extract", "/", out])
    return out


def extract_image(image, name):
    out = os.path.join(WORK, name)
    run(["xorriso", "-osirrox", "on", "-indev", image, "-extract", "/", out])
    return out


def expect(text, needle, what):
    if needle not in text:
        raise Failure("%s: %r not found in:\n%s" % (what, needle, text[-3000:]))


# ---- discovery ------------------------------------------------------------------------

def devices(program_args, needle, check=True):
    def scenario():
        disc = new_disc("dvd+rw")
        _, out = emu([("/dev/sr0", disc)], program_args, check=check)
        expect(out, needle, " ".join(program_args))
        expect(out, "VirtualRecorder", " ".join(program_args))
    return scenario


def two_drives():
    a = new_disc("cd-r", "a")
    b = new_disc("bd-re", "b")
    _, out = emu([("/dev/sr0", a), ("/dev/sr1", b)], ["xorriso", "-devices"])
    expect(out, "'/dev/sr0'", "xorriso -devices")
    expect(out, "'/dev/sr1'", "xorriso -devices")
    _, out = emu([("/dev/sr0", a), ("/dev/sr1", b)], ["cdrskin", "--devices"])
    expect(out, "(2 found)", "cdrskin --devices")


def parallel_burns():
    """Two programs burn two drives of one server at the same time."""
    one = make_tree("one", 3 * 1024 * 1024, 12)
    two = make_tree("two", 3 * 1024 * 1024 + 1, 13)
    a = new_disc("dvd+r", "a")
    b = new_disc("bd-re", "b")
    script = ("xorriso -outdev /dev/sr0 -map %s / -commit > a.log 2>&1 & first=$!; "
              "growisofs -Z /dev/sr1 -R -J %s > b.log 2>&1; second=$?; "
              "wait $first && test $second -eq 0" % (one, two))
    emu([("/dev/sr0", a), ("/dev/sr1", b)], ["sh", "-c", script])
    same_tree(one, extract_image(export(a, "a"), "back-a"))
    same_tree(two, extract_image(export(b, "b"), "back-b"))


# ---- data burns -----------------------------------------------------------------------

def xorriso_burn(media):
    def scenario():
        src = make_tree("src", 3 * 1024 * 1024 + 123, 1)
        disc = new_disc(media)
        emu([("/dev/sr0", disc)], ["xorriso", "-outdev", "/dev/sr0", "-map", src, "/",
                                   "-commit"])
        same_tree(src, extract_via_drive(disc, "back"))
        same_tree(src, extract_image(export(disc), "exported"))
    return scenario


def cdrskin_burn(media):
    def scenario():
        src = make_tree("src", 2 * 1024 * 1024 + 77, 2)
        iso = make_iso(src, "src")
        disc = new_disc(media)
        args = ["cdrskin", "-v", "dev=/dev/sr0"]
        if media.startswith("cd"):
            args.append("-tao")
        if media == "bd-re":
            # A blank BD-RE must be formatted first; cdrskin refuses otherwise ("Media not
            # properly formatted"), as with a real drive.
            emu([("/dev/sr0", disc)], args + ["blank=format_if_needed"])
        emu([("/dev/sr0", disc)], args + [iso])
        _, toc = emu([("/dev/sr0", disc)], ["cdrskin", "dev=/dev/sr0", "-toc"])
        if media in OVERWRITEABLE:
            # libburn has no sessions on overwriteable media: it calls them blank (only
            # libisoburn emulates a TOC there), as with a real drive.
            expect(toc, "blank", "cdrskin -toc")
        else:
            expect(toc, "track:   1", "cdrskin -toc")
        same_prefix(iso, export(disc))
        same_tree(src, extract_via_drive(disc, "back"))
    return scenario


def growisofs_burn(media):
    def scenario():
        src = make_tree("src", 2 * 1024 * 1024 + 5, 3)
        iso = make_iso(src, "src")
        disc = new_disc(media)
        emu([("/dev/sr0", disc)], ["growisofs", "-Z", "/dev/sr0=" + iso])
        same_prefix(iso, export(disc))
        same_tree(src, extract_via_drive(disc, "back"))
    return scenario


def growisofs_dvd_plus_r_dl():
    """DVD+R DL across the layer break. growisofs moves the break only with -dvd-compat and
    only to about half of the data (plus_r_dl_split), and refuses data that fits on layer
    0 of the drive's default boundary, so the data must exceed half of the medium: two
    sparse 2.2 GB files (random head and tail), mastered by growisofs itself and compared
    with xorriso -compare (no 4 GB copies)."""
    src = os.path.join(WORK, "src")
    os.makedirs(src)
    rnd = random.Random(11)
    size = 2200 * 1000 * 1000
    for name in ("head.bin", "tail.bin"):
        path = os.path.join(src, name)
        with open(path, "wb") as f:
            if name == "head.bin":
                f.write(rnd.randbytes(1 << 20))
            f.truncate(size)
            if name == "tail.bin":
                f.seek(size - (1 << 20))
                f.write(rnd.randbytes(1 << 20))
    disc = new_disc("dvd+r-dl")
    emu([("/dev/sr0", disc)], ["growisofs", "-dvd-compat", "-Z", "/dev/sr0", "-R", "-J", src],
        timeout=1800)
    _, text = run([MKIMG, "emu", "info", "--json", disc])
    info = json.loads(text)
    end = max(t["start"] + t["recorded"] for t in info["tracks"])
    if info.get("layer_break") is None or end <= info["layer_break"]:
        raise Failure("recording ends at %d, not beyond the layer break %s" %
                      (end, info.get("layer_break")))
    if info["layer_break"] >= info["capacity_sectors"] // 2:
        raise Failure("growisofs did not move the layer break (%d)" % info["layer_break"])
    for name in ("head.bin", "tail.bin"):
        _, out = emu([("/dev/sr0", disc)],
                     ["xorriso", "-indev", "/dev/sr0", "-compare", os.path.join(src, name),
                      "/" + name], timeout=1800)
        expect(out, "Both file objects match", "xorriso -compare " + name)
    image = export(disc)
    for name in ("head.bin", "tail.bin"):
        _, out = run(["xorriso", "-indev", image, "-compare", os.path.join(src, name),
                      "/" + name], timeout=1800)
        expect(out, "Both file objects match", "xorriso -compare on the export " + name)
    os.unlink(image)


def wodim_burn(media, mode):
    def scenario():
        src = make_tree("src", 2 * 1024 * 1024 + 9, 4)
        iso = make_iso(src, "src")
        disc = new_disc(media)
        emu([("/dev/sr0", disc)], ["wodim", "-v", "dev=/dev/sr0", mode, iso])
        same_prefix(iso, export(disc))
        same_tree(src, extract_via_drive(disc, "back"))
    return scenario


def wodim_cdrw_reburn():
    first = make_iso(make_tree("first", 1024 * 1024, 5), "first")
    src = make_tree("second", 1536 * 1024, 6)
    second = make_iso(src, "second")
    disc = new_disc("cd-rw")
    emu([("/dev/sr0", disc)], ["wodim", "-v", "dev=/dev/sr0", "blank=fast"])
    emu([("/dev/sr0", disc)], ["wodim", "-v", "dev=/dev/sr0", "-tao", first])
    same_prefix(first, export(disc, "first"))
    emu([("/dev/sr0", disc)], ["wodim", "-v", "dev=/dev/sr0", "blank=fast"])
    emu([("/dev/sr0", disc)], ["wodim", "-v", "dev=/dev/sr0", "-tao", second])
    same_prefix(second, export(disc, "second"))
    same_tree(src, extract_via_drive(disc, "back"))


def multisession(media):
    def scenario():
        both, first, one, two = two_trees()
        disc = new_disc(media)
        emu([("/dev/sr0", disc)], ["xorriso", "-outdev", "/dev/sr0", "-map", one, "/one",
                                   "-close", "off", "-commit"])
        emu([("/dev/sr0", disc)], ["xorriso", "-dev", "/dev/sr0", "-map", two, "/two",
                                   "-close", "off", "-commit"])
        _, toc = emu([("/dev/sr0", disc)], ["xorriso", "-indev", "/dev/sr0", "-toc"])
        expect(toc, "ISO session  :   2", "xorriso -toc")
        # The whole disc is exactly /one and /two: nothing extra, nothing missing.
        same_tree(both, extract_via_drive(disc, "back"))
        check_appended(disc, both, first)

    return scenario


# ---- appended discs: every session as readers of the disc see it ----------------------

def expected_paths(root):
    """Every path under `root` as the image lists it: "/one", "/one/sub/note.txt", ..."""
    return sorted("/" + rel for rel in describe(root))


def mkimg_paths(image, *options):
    _, out = run([MKIMG, "ls", image] + list(options))
    return sorted(line for line in out.splitlines() if line)


def xorriso_paths(out):
    """The paths `xorriso -find / -name '*'` printed, one quoted path a line."""
    return sorted(line.strip("'") for line in out.splitlines()
                  if line.startswith("'/") and line != "'/'")


def isoinfo_paths(image):
    _, out = run(["isoinfo", "-R", "-f", "-i", image])
    return sorted(line for line in out.splitlines() if line.startswith("/"))


def sevenzip_view(image):
    """What 7-Zip's own ISO reader shows (Joliet names where the image has them, else ISO
    9660 ones; no Rock Ridge): the top-level names, upper-cased, and the sizes of the files
    that hold data, sorted."""
    _, out = run(["7zz", "l", "-slt", "-ba", image])
    top, sizes = set(), []
    for block in out.split("\n\n"):
        fields = dict(line.split(" = ", 1) for line in block.splitlines() if " = " in line)
        if "Path" not in fields:
            continue
        top.add(fields["Path"].split("/")[0].upper())
        if fields.get("Folder") != "+" and int(fields.get("Size") or 0) > 0:
            sizes.append(int(fields["Size"]))
    return sorted(top), sorted(sizes)


def expected_sevenzip_view(root):
    top = sorted(name.upper() for name in os.listdir(root))
    sizes = sorted(d[1] for d in describe(root).values() if d[0] == "file" and d[1] > 0)
    return top, sizes


def same_paths(expected, got, what):
    if expected != got:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        raise Failure("%s: missing %s, extra %s" % (what, missing[:20], extra[:20]))


def check_appended(disc, last, first):
    """A disc of two sessions: `last` is the tree of the whole disc (the newest session),
    `first` the tree of its first session. The default export is read at the last session
    by xorriso, isoinfo, 7-Zip and mkimg; `--session 1` gives the first tree; `mkimg ls
    emu:DISC` lists what xorriso lists on the drive; info names both sessions."""
    want_last, want_first = expected_paths(last), expected_paths(first)
    image = export(disc)
    same_tree(last, extract_image(image, "export-last"))
    same_paths(want_last, isoinfo_paths(image), "isoinfo -f on the export")
    if sevenzip_view(image) != expected_sevenzip_view(last):
        raise Failure("7zz l on the export: %s, expected %s" %
                      (sevenzip_view(image), expected_sevenzip_view(last)))
    same_paths(want_last, mkimg_paths(image), "mkimg ls on the export")
    _, listed = emu([("/dev/sr0", disc)], ["xorriso", "-indev", "/dev/sr0", "-find", "/"])
    same_paths(want_last, xorriso_paths(listed), "xorriso -find on the drive")
    same_paths(xorriso_paths(listed), mkimg_paths("emu:" + disc), "mkimg ls emu:DISC")
    same_paths(want_first, mkimg_paths("emu:" + disc, "--session", "1"),
               "mkimg ls emu:DISC --session 1")
    _, text = run([MKIMG, "info", "--json", "emu:" + disc])
    info = json.loads(text)
    if len(info["sessions"]) != 2 or info["session"] != info["sessions"][-1]["number"]:
        raise Failure("mkimg info emu:DISC: sessions %s, read %s" % (info["sessions"],
                                                                    info["session"]))
    # --session 1 as recorded: the first session's own image.
    one = os.path.join(WORK, "session1.img")
    run([MKIMG, "emu", "export", "--session", "1", disc, one])
    same_tree(first, extract_image(one, "export-first"))
    if sevenzip_view(one) != expected_sevenzip_view(first):
        raise Failure("7zz l on --session 1: %s" % (sevenzip_view(one),))
    same_paths(want_first, isoinfo_paths(one), "isoinfo -f on --session 1")
    # --session 2 as recorded (session 1's descriptors still at block 16): plain-file
    # readers see the first session; mkimg finds both and reads the last.
    two = os.path.join(WORK, "session2.img")
    run([MKIMG, "emu", "export", "--session", "2", disc, two])
    same_paths(want_first, isoinfo_paths(two), "isoinfo -f on --session 2 (as recorded)")
    same_paths(want_last, mkimg_paths(two), "mkimg ls on --session 2 (as recorded)")
    same_paths(want_first, mkimg_paths(two, "--session", "1"), "mkimg ls --session 1")
    _, text = run([MKIMG, "info", "--json", two])
    sessions = json.loads(text)["sessions"]
    if [x["number"] for x in sessions] != [1, 2]:
        raise Failure("mkimg info on --session 2 (as recorded): sessions %s" % sessions)


def two_trees():
    """`both` (/one and /two) and `first` (/one alone, the same bytes)."""
    both = os.path.join(WORK, "both")
    one = make_tree("both/one", 1024 * 1024, 7)
    two = make_tree("both/two", 1024 * 1024 + 3, 8)
    os.chmod(both, 0o755)
    first = os.path.join(WORK, "first")
    os.makedirs(first)
    os.chmod(first, 0o755)
    shutil.copytree(one, os.path.join(first, "one"), symlinks=True)
    return both, first, one, two


def growisofs_multisession():
    """DVD+R appended by growisofs -M (mkisofs -C/-M merges the first session's tree)."""
    both, first, one, two = two_trees()
    disc = new_disc("dvd+r")
    emu([("/dev/sr0", disc)], ["growisofs", "-Z", "/dev/sr0", "-R", "-J", "-graft-points",
                               "/one=" + one])
    emu([("/dev/sr0", disc)], ["growisofs", "-M", "/dev/sr0", "-R", "-J", "-graft-points",
                               "/two=" + two])
    check_appended(disc, both, first)


def cdrskin_multisession(media):
    """Two sessions burnt by cdrskin -multi: the second mastered by genisoimage -C (the
    disc's -msinfo) -M (the first session, exported as recorded)."""
    def scenario():
        both, first, one, two = two_trees()
        disc = new_disc(media)
        args = ["cdrskin", "-v", "dev=/dev/sr0", "-multi"] + (["-tao"] if media.startswith("cd")
                                                              else [])
        iso1 = os.path.join(WORK, "s1.iso")
        run(["genisoimage", "-quiet", "-R", "-J", "-graft-points", "-o", iso1, "/one=" + one])
        emu([("/dev/sr0", disc)], args + [iso1])
        _, msinfo = emu([("/dev/sr0", disc)], ["cdrskin", "dev=/dev/sr0", "-msinfo"])
        msinfo = [line for line in msinfo.splitlines() if line.count(",") == 1][-1].strip()
        if media.startswith("cd"):
            # The next session's file system is addressed where its first track's data will
            # start: the first session's lead-out + 6750 + 4500 + 150 (specs/compatibility.md,
            # "CD-R append"); wodim -msinfo must agree with cdrskin's.
            _, text = emu([("/dev/sr0", disc)], ["wodim", "dev=/dev/sr0", "-msinfo"],
                          check=False)
            lines = [line.strip() for line in text.splitlines() if line.count(",") == 1 and
                     line.replace(",", "").strip().isdigit()]
            if lines != [msinfo]:
                raise Failure("wodim -msinfo %s, cdrskin -msinfo %s" % (lines, msinfo))
            _, text = run([MKIMG, "emu", "info", "--json", disc])
            end = json.loads(text)["tracks"][0]
            lead_out = end["start"] + end["size"]
            if msinfo != "0,%d" % (lead_out + 11400):
                raise Failure("-msinfo %s on a disc whose first session ends at %d" %
                              (msinfo, lead_out))
        prev = os.path.join(WORK, "previous.img")
        run([MKIMG, "emu", "export", "--session", "1", disc, prev])
        iso2 = os.path.join(WORK, "s2.iso")
        run(["genisoimage", "-quiet", "-R", "-J", "-graft-points", "-C", msinfo, "-M", prev,
             "-o", iso2, "/two=" + two])
        emu([("/dev/sr0", disc)], args + [iso2])
        _, text = run([MKIMG, "emu", "info", "--json", disc])
        tracks = json.loads(text)["tracks"]
        if tracks[1]["start"] != int(msinfo.split(",")[1]):
            raise Failure("the second session's track starts at %d, -msinfo said %s" %
                          (tracks[1]["start"], msinfo))
        check_appended(disc, both, first)
    return scenario


# ---- cdrdao Disc-at-Once --------------------------------------------------------------

def cdrdao_dao(driver):
    def scenario():
        src = make_tree("src", 1024 * 1024, 9)
        iso = make_iso(src, "src")
        audio = os.path.join(WORK, "audio.raw")
        rnd = random.Random(10)
        with open(audio, "wb") as f:
            f.write(rnd.randbytes(2352 * 300))  # 4 seconds of CD-DA
        toc = os.path.join(WORK, "disc.toc")
        with open(toc, "w") as f:
            f.write('CD_ROM\n\nTRACK MODE1\nDATAFILE "%s"\n\nTRACK AUDIO\nPREGAP 0:2:0\n'
                    'FILE "%s" 0\n' % (iso, audio))
        disc = new_disc("cd-r")
        emu([("/dev/sr0", disc)], ["cdrdao", "write", "--device", "/dev/sr0", "--driver",
                                   driver, "-n", toc])
        readback = os.path.join(WORK, "read.toc")
        emu([("/dev/sr0", disc)], ["cdrdao", "read-toc", "--device", "/dev/sr0", readback])
        with open(readback) as f:
            text = f.read()
        expect(text, "TRACK MODE1", "cdrdao read-toc")
        expect(text, "TRACK AUDIO", "cdrdao read-toc")
        same_prefix(iso, export(disc))
        same_prefix(iso, export_track(disc, "data", 1))
        # The audio track, byte for byte: cdrdao reads a raw FILE as big-endian samples
        # and sends the drive little-endian ones (MMC's order, and a .bin's).
        with open(audio, "rb") as f:
            source = f.read()
        with open(export_track(disc, "audio", 2), "rb") as f:
            burnt = f.read()
        wanted = swap_samples(source)
        check_audio(wanted, burnt)
        # The comparison itself catches a lost sample, one changed byte and swapped bytes.
        for name, mutant in (("a lost sample", burnt[:1000] + burnt[1004:] + bytes(4)),
                             ("a changed byte", burnt[:777] + bytes([burnt[777] ^ 1]) +
                              burnt[778:]),
                             ("swapped bytes", swap_samples(burnt))):
            try:
                check_audio(wanted, mutant)
            except Failure:
                continue
            raise Failure("the audio comparison misses " + name)
    return scenario


def export_track(disc, name, number):
    out = os.path.join(WORK, "%s-track%d.bin" % (name, number))
    run([MKIMG, "emu", "export", "--track", str(number), disc, out])
    return out


def swap_samples(data):
    """16-bit samples with their two bytes exchanged."""
    swapped = bytearray(len(data))
    swapped[0::2] = data[1::2]
    swapped[1::2] = data[0::2]
    return bytes(swapped)


def check_audio(wanted, burnt):
    if len(burnt) != len(wanted):
        raise Failure("audio track is %d bytes, the source %d" % (len(burnt), len(wanted)))
    if burnt != wanted:
        at = next(i for i in range(len(wanted)) if burnt[i] != wanted[i])
        raise Failure("audio track differs from the source at byte %d (sector %d)" %
                      (at, at // 2352))


# ---- exclusive access -----------------------------------------------------------------

def busy_then_kill9():
    """The second program on a drive is refused as busy; after kill -9 of the first the
    drive is free at once."""
    disc = new_disc("dvd+rw")
    script = (
        "xorriso -outdev /dev/sr0 -sleep 60 >/dev/null 2>&1 & holder=$!; "
        "for i in $(seq 50); do sleep 0.2; "
        "  cdrskin dev=/dev/sr0 -checkdrive >/dev/null 2>&1 || break; done; "
        "cdrskin dev=/dev/sr0 -checkdrive > busy.txt 2>&1; echo \"busy_rc=$?\" >> busy.txt; "
        "kill -9 $holder; wait $holder; "
        "start=$(date +%s); cdrskin dev=/dev/sr0 -checkdrive > free.txt 2>&1; "
        "echo \"free_rc=$? seconds=$(( $(date +%s) - start ))\" >> free.txt")
    emu([("/dev/sr0", disc)], ["sh", "-c", script])
    with open(os.path.join(WORK, "busy.txt")) as f:
        busy = f.read()
    with open(os.path.join(WORK, "free.txt")) as f:
        free = f.read()
    expect(busy, "busy", "second program while the first holds the drive")
    if "busy_rc=0" in busy:
        raise Failure("second program was not refused:\n" + busy)
    expect(free, "free_rc=0", "after kill -9")
    seconds = int(free.rsplit("seconds=", 1)[1].split()[0])
    if seconds > 3:
        raise Failure("drive took %d s to become free after kill -9" % seconds)


SCENARIOS = {
    "xorriso_devices": devices(["xorriso", "-devices"], "'/dev/sr0'"),
    "cdrskin_devices": devices(["cdrskin", "--devices"], "dev='/dev/sr0'"),
    # The listing is what counts: wodim --devices exits 1 after printing it.
    "wodim_devices": devices(["wodim", "--devices"], "dev='/dev/scd0'", check=False),
    "wodim_scanbus": devices(["wodim", "-scanbus"], "'MKIMG   '"),
    "cdrdao_scanbus": devices(["cdrdao", "scanbus"], "/dev/sr0 : MKIMG"),
    "two_drives": two_drives,
    "parallel_burns": parallel_burns,
    "busy_then_kill9": busy_then_kill9,
}
for m in ["cd-r", "dvd+rw", "dvd-r", "dvd+r", "bd-r", "bd-re"]:
    SCENARIOS["xorriso_" + m] = xorriso_burn(m)
    SCENARIOS["cdrskin_" + m] = cdrskin_burn(m)
for m in ["dvd+rw", "dvd+r", "dvd-r", "dvd-rw", "bd-r", "bd-re"]:
    SCENARIOS["growisofs_" + m] = growisofs_burn(m)
SCENARIOS["growisofs_dvd+r-dl_layer_break"] = growisofs_dvd_plus_r_dl
SCENARIOS["wodim_cd-r_tao"] = wodim_burn("cd-r", "-tao")
SCENARIOS["wodim_cd-rw_blank_reburn"] = wodim_cdrw_reburn
SCENARIOS["wodim_dvd-r"] = wodim_burn("dvd-r", "-sao")
SCENARIOS["cdrdao_cd-r_dao"] = cdrdao_dao("generic-mmc")
SCENARIOS["cdrdao_cd-r_raw"] = cdrdao_dao("generic-mmc-raw")
SCENARIOS["xorriso_multisession_cd-r"] = multisession("cd-r")
SCENARIOS["xorriso_multisession_dvd+r"] = multisession("dvd+r")
SCENARIOS["growisofs_multisession_dvd+r"] = growisofs_multisession
SCENARIOS["cdrskin_multisession_dvd+r"] = cdrskin_multisession("dvd+r")
SCENARIOS["cdrskin_multisession_cd-r"] = cdrskin_multisession("cd-r")


def main():
    global MKIMG, WORK
    parser = argparse.ArgumentParser()
    parser.add_argument("--mkimg")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("scenario", nargs="?")
    args = parser.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    if args.scenario not in SCENARIOS or not args.mkimg:
        parser.error("need --mkimg and one of: " + ", ".join(SCENARIOS))
    MKIMG = os.path.abspath(args.mkimg)
    needed = ["xorriso", "genisoimage"] + [
        tool for tool in ["cdrskin", "wodim", "growisofs", "cdrdao"] if tool in args.scenario]
    if args.scenario in ("busy_then_kill9", "two_drives"):
        needed.append("cdrskin")
    if args.scenario == "parallel_burns":
        needed.append("growisofs")
    if "multisession" in args.scenario:
        needed += ["isoinfo", "7zz"]
    if args.scenario == "cdrskin_multisession_cd-r":
        needed.append("wodim")  # its -msinfo is compared with cdrskin's
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing:
        # tests/missing_tool.h's rule: skipped on a developer's machine, a failure in CI
        # (CI set), where scripts/setup.sh installs every program.
        if "CI" in os.environ:
            print("FAIL %s: required tool missing in CI: %s" % (args.scenario,
                                                                 " ".join(missing)))
            return 1
        print("SKIP %s: not installed: %s" % (args.scenario, " ".join(missing)))
        return 77
    WORK = tempfile.mkdtemp(prefix="mkimg-burn-")
    try:
        SCENARIOS[args.scenario]()
    except (Failure, subprocess.TimeoutExpired) as e:
        print("FAIL %s: %s\n(work folder %s)" % (args.scenario, e, WORK))
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
    print("PASS " + args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
