#!/usr/bin/python3
"""Names that survive every reader (specs/joliet.md "Readers", specs/readers.md "Names").

Trees shaped like real ones are generated at test time: `apache` and `apache.` folders
side by side (/usr/share/maven-repo), files `foo` and `foo.`, a lone `bar.`, `a:b` beside
`a_b`, names that differ only in case, names longer than Joliet's 64 characters, a name of
dots only, and thousands of symbolic links. mkimg's images are read back through xorriso
(extraction of the Joliet tree), isoinfo, 7-Zip, pycdlib, libcdio's iso-info and the Linux
kernel's Joliet rules (";1" and trailing dots dropped), each of which must give back the
names the rules promise, unique; and `mkimg verify`, `ls` and `extract` must accept, whole
and without a problem, the images xorriso and genisoimage make of the same trees and of
/usr/share/doc.

  names_readers.py --mkimg PATH SCENARIO    run one scenario (0 pass, 1 fail, 77 skipped)
  names_readers.py --list                   print the scenario names
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

MKIMG = None
WORK = None
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import scenario  # noqa: E402  (tests/tools/scenario.py)
from scenario import Failure, Skip, check  # noqa: E402,F401

ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "TZ": "UTC"}




def run(args, expect=0, env=None):
    return scenario.run(args, ENV, expect, env, cwd=WORK, errors="surrogateescape")


def need(*tools):
    scenario.need(ENV["PATH"], *tools)


def need_pycdlib():
    p = subprocess.run(["/usr/bin/python3", "-c", "import pycdlib"], env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        raise scenario.missing("pycdlib (python3-pycdlib)")


def write(root, rel, data=b"x"):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


LONG = "L" * 70 + ".txt"
SYMLINKS = 3000

# Host path -> the Joliet path every reader that keeps names as recorded must give back.
# A name that Linux, Windows or 7-Zip read as a sibling's name (trailing dots dropped)
# becomes unique with '_' for its trailing dots; characters Joliet forbids become '_' and a
# clash with a real name is numbered; a name too long is cut keeping its extension.
JOLIET = {
    "apache": "apache",
    "apache/pom": "apache/pom",
    "apache.": "apache_",
    "apache./pom": "apache_/pom",
    "foo": "foo",
    "foo.": "foo_",
    "bar.": "bar.",
    "a:b": "a_b0",
    "a_b": "a_b",
    "Case": "Case",
    "case": "case",
    "d": "d",
    "d/x.txt.": "d/x.txt.",
    "d/name..": "d/name..",
    "...": "___",
    LONG: "L" * 60 + ".txt",
    "links": "links",
}


def names_tree(root):
    """The tree of JOLIET plus SYMLINKS symbolic links under links/ (left out of Joliet)
    and the /usr/share/doc shape of a folder `libreadline8` beside a file
    `libreadline-doc` (8.3 names LIBREADL and LIBREADL.;1)."""
    for rel in JOLIET:
        if rel in ("apache", "apache.", "d", "links"):
            os.makedirs(os.path.join(root, rel), exist_ok=True)
        else:
            write(root, rel, rel.encode())
    for i in range(SYMLINKS):
        os.symlink("../foo", os.path.join(root, "links", "l%04d" % i))
    write(root, "libreadline8/copyright", b"c")
    write(root, "libreadline-doc", b"doc")
    write(root, "README.txt", b"r")


def mkimg_build(src, image, extra=()):
    run([MKIMG, "build", "-o", image, "--volume-id", "NAMES"] + list(extra) + [src],
        env={"SOURCE_DATE_EPOCH": "1767225600"})


# --- what each reader gives back ----------------------------------------------------------


def walk_host(root):
    out = set()
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def via_xorriso(image):
    dest = tempfile.mkdtemp(dir=WORK)
    shutil.rmtree(dest)
    run(["xorriso", "-osirrox", "on", "-read_fs", "norock", "-indev", image,
         "-extract", "/", dest])
    return walk_host(dest)


def via_isoinfo(image):
    _, out, _ = run(["isoinfo", "-J", "-f", "-i", image])
    return {line[1:] for line in out.splitlines() if line.startswith("/")}


def via_7zz(image):
    _, out, _ = run(["7zz", "l", "-slt", "-ba", image])
    return [line[len("Path = "):] for line in out.splitlines() if line.startswith("Path = ")]


def via_iso_info(image):
    _, out, _ = run(["iso-info", "--no-rock-ridge", "-f", image])
    paths = []
    for line in out.splitlines():
        parts = line.strip().split(" ", 1)
        if len(parts) == 2 and parts[0].isdigit() and parts[1].startswith("/"):
            paths.append(parts[1][1:])
    return paths


PYCDLIB_WALK = r"""
import json, sys, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
out = []
def walk(path, prefix):
    for c in iso.list_children(joliet_path=path):
        if c.is_dot() or c.is_dotdot():
            continue
        ident = c.file_identifier().decode("utf-16-be")
        out.append([prefix + ident, c.is_dir()])
        if c.is_dir():
            walk(path.rstrip("/") + "/" + ident, prefix + ident + "/")
walk("/", "")
print(json.dumps(out))
"""


def via_pycdlib_raw(image):
    """Joliet identifiers as recorded (version included), with the folder flag."""
    _, out, _ = run(["/usr/bin/python3", "-c", PYCDLIB_WALK, image])
    return json.loads(out)


def strip_version(name):
    return name[:-2] if name.endswith(";1") else name


def linux_rules(name):
    """fs/isofs/joliet.c get_joliet_filename(): ";1" dropped, then trailing dots (one
    character is always kept)."""
    name = strip_version(name)
    while len(name) >= 2 and name.endswith("."):
        name = name[:-1]
    return name


def seven_zip_rules(name):
    """What 7-Zip shows (measured): ";1" and one trailing dot dropped."""
    name = strip_version(name)
    return name[:-1] if len(name) >= 2 and name.endswith(".") else name


def per_component(path, fn):
    return "/".join(fn(c) for c in path.split("/"))


def mkimg_ls(image, fs):
    _, out, _ = run([MKIMG, "ls", image, "--json", "--fs", fs])
    return [e["path"][1:] for e in json.loads(out)["entries"] if e["path"] != "/"]


def check_set(reader, got, expected):
    got = set(got)
    check(got == expected, "%s: missing %s, unexpected %s" %
          (reader, sorted(expected - got)[:20], sorted(got - expected)[:20]))


def check_unique(reader, paths):
    seen = set()
    for p in paths:
        check(p not in seen, "%s shows %r twice" % (reader, p))
        seen.add(p)


# --- scenarios ----------------------------------------------------------------------------


def expected_joliet():
    expected = set(JOLIET.values())
    expected |= {"libreadline8", "libreadline8/copyright", "libreadline-doc", "README.txt"}
    return expected


def scenario_joliet_names_through_readers():
    """Every Joliet name as xorriso, isoinfo, pycdlib and iso-info give it back is the one
    the rules promise (the user's own where Joliet can hold it); under 7-Zip's and Linux's
    rules every name is still unique and the same but for trailing dots."""
    need("xorriso", "isoinfo", "7zz", "iso-info")
    need_pycdlib()
    src = os.path.join(WORK, "src")
    names_tree(src)
    image = os.path.join(WORK, "names.iso")
    mkimg_build(src, image)
    exact = expected_joliet()
    check_set("xorriso extraction of the Joliet tree", via_xorriso(image), exact)
    check_set("isoinfo -J", via_isoinfo(image), exact)
    info = via_iso_info(image)
    check_unique("iso-info", info)
    check_set("iso-info --no-rock-ridge", info, exact)
    raw = via_pycdlib_raw(image)
    pyc = [per_component(p, strip_version) for p, _ in raw]
    check_unique("pycdlib", pyc)
    check_set("pycdlib (identifiers, ';1' dropped)", pyc, exact)
    # No Joliet identifier carries ";1" (specs/joliet.md): isoinfo and pycdlib would show it,
    # xorriso and libcdio would drop the dot of "bar.;1".
    for path, _ in raw:
        check(not path.endswith(";1"), "pycdlib: Joliet identifier %r carries ';1'" % path)
    linux = [per_component(p, linux_rules) for p, _ in raw]
    check_unique("Linux kernel rules", linux)
    dotless = {per_component(p, linux_rules) for p in exact}
    check_set("Linux kernel rules", linux, dotless)
    seven = via_7zz(image)
    check_unique("7zz", seven)
    check_set("7zz", seven, {per_component(p, seven_zip_rules) for p in exact})
    check_set("mkimg ls --fs joliet", mkimg_ls(image, "joliet"), exact)
    # Rock Ridge keeps every name as given, and every symbolic link.
    rr = set(mkimg_ls(image, "rockridge"))
    check_set("mkimg ls --fs rockridge", rr, walk_host(src))
    _, out, _ = run(["isoinfo", "-R", "-f", "-i", image])
    check_set("isoinfo -R", {l[1:] for l in out.splitlines() if l.startswith("/")}, walk_host(src))
    code, out, err = run([MKIMG, "verify", image], expect=None)
    check(code == 0, "mkimg verify of mkimg's image: exit %d\n%s%s" % (code, out, err))


def scenario_joliet_case_insensitive():
    """With --joliet-case-insensitive (and the manifest key), names differing only in case
    get distinct names, as Windows compares them; without it both are kept as given."""
    need("isoinfo", "7zz")
    need_pycdlib()
    src = os.path.join(WORK, "src")
    for n in ["Case", "case", "CASE.txt", "case.TXT", "\u00c9t\u00e9", "\u00e9t\u00e9",
              "\u0416", "\u0436", "Apache", "apache."]:
        write(src, n, n.encode())
    image = os.path.join(WORK, "ci.iso")
    mkimg_build(src, image, ["--joliet-case-insensitive"])
    # pycdlib: the identifiers in full Unicode (isoinfo prints Latin-1 only).
    names = {p for p, _ in via_pycdlib_raw(image)}
    check(len(names) == 10, "isoinfo -J: %d names, expected 10: %s" % (len(names), sorted(names)))
    folded = [linux_rules(n).upper() for n in via_7zz(image)]
    check_unique("7zz, names compared ignoring case", folded)
    check("Case" in names and "case0" in names, "case pairs numbered: %s" % sorted(names))
    check("\u00c9t\u00e9" in names and "\u00e9t\u00e90" in names,
          "Latin-1 case pair numbered: %s" % sorted(names))
    check("\u0416" in names and "\u04360" in names, "Cyrillic case pair numbered: %s" % sorted(names))
    check("Apache" in names and "apache_" in names, "apache. beside Apache: %s" % sorted(names))
    # The manifest key says the same.
    manifest = os.path.join(WORK, "m.json")
    with open(manifest, "w") as f:
        json.dump({"mkimg": 1, "volume": {"id": "CI", "timestamp": "2026-01-01T00:00:00Z"},
                   "filesystems": {"iso9660": {}, "joliet": {"case_insensitive": True}},
                   "contents": [{"source": "src/", "target": "/"}]}, f)
    image2 = os.path.join(WORK, "ci2.iso")
    run([MKIMG, "build", manifest, "-o", image2])
    check({p for p, _ in via_pycdlib_raw(image2)} == names, "manifest key and flag differ")
    # Without the option, case is kept apart, as Linux reads Joliet.
    image3 = os.path.join(WORK, "cs.iso")
    mkimg_build(src, image3)
    names3 = {p for p, _ in via_pycdlib_raw(image3)}
    check({"Case", "case", "CASE.txt", "case.TXT"} <= names3,
          "without the option, names differing in case are kept: %s" % sorted(names3))
    run([MKIMG, "verify", image], expect=0)


def other_images(src, tag):
    """Images xorriso and genisoimage make of `src`: with Rock Ridge and Joliet, and plain
    ISO 9660 (their 8.3 names: folder LIBREADL beside file LIBREADL.;1)."""
    images = []
    for tool, args in [("xorriso", ["xorriso", "-as", "mkisofs", "-R", "-J"]),
                       ("xorriso-plain", ["xorriso", "-as", "mkisofs"]),
                       ("genisoimage", ["genisoimage", "-R", "-J", "-joliet-long"]),
                       ("genisoimage-plain", ["genisoimage"])]:
        image = os.path.join(WORK, "%s-%s.iso" % (tag, tool))
        run(args + ["-quiet", "-o", image, src])
        images.append(image)
    return images


def isoinfo_paths(image, flag):
    _, out, _ = run(["isoinfo"] + ([flag] if flag else []) + ["-f", "-i", image])
    return {l[1:] for l in out.splitlines() if l.startswith("/")}


def isoinfo_count(image, flag):
    return len(isoinfo_paths(image, flag))


def check_other_image(image):
    code, out, err = run([MKIMG, "verify", image, "--json"], expect=None)
    doc = json.loads(out) if out.strip() else {}
    check(code == 0 and doc.get("ok") and not doc.get("problems"),
          "mkimg verify %s: exit %d, problems %s%s" %
          (os.path.basename(image), code, doc.get("problems"), err))
    for fs, flag in [("iso9660", None), ("joliet", "-J"), ("rockridge", "-R")]:
        if fs not in doc.get("filesystems", []):
            continue
        listed = mkimg_ls(image, fs)
        check_unique("mkimg ls --fs %s %s" % (fs, image), listed)
        theirs = isoinfo_paths(image, flag)
        if fs == "rockridge" and any(p.startswith("rr_moved/") for p in theirs):
            # isoinfo -R lists relocated folders under rr_moved; mkimg at their CL entries
            # (RRIP 4.1.5): everything else must match.
            missing = {p for p in theirs if not p.startswith("rr_moved")} - set(listed)
            check(not missing, "%s: mkimg ls --fs rockridge misses %s" %
                  (os.path.basename(image), sorted(missing)[:10]))
            continue
        check(len(listed) == len(theirs), "%s: mkimg ls --fs %s shows %d entries, isoinfo %s %d" %
              (os.path.basename(image), fs, len(listed), flag or "", len(theirs)))
    # extract of plain ISO 9660 drops nothing (the folder and the file of one name).
    dest = os.path.join(WORK, "x-" + os.path.basename(image))
    run([MKIMG, "extract", image, dest, "--fs", "iso9660"])
    got = len(walk_host(dest))
    want = isoinfo_count(image, None)
    check(got == want, "%s: extract --fs iso9660 wrote %d entries, the image holds %d" %
          (os.path.basename(image), got, want))


def scenario_verify_clean_on_other_writers():
    """The same trees made by xorriso and genisoimage: verify clean, ls and extract whole."""
    need("xorriso", "genisoimage", "isoinfo")
    src = os.path.join(WORK, "src")
    names_tree(src)
    # genisoimage records "a:b" and "a_b" both as the Joliet identifier "a_b" (ECMA-119
    # 9.3 broken): that one, and only that one, must be reported, naming both records.
    images = other_images(src, "names")
    for image in images:
        if not image.endswith("-genisoimage.iso"):
            check_other_image(image)
    os.remove(os.path.join(src, "a:b"))
    for image in other_images(src, "names-no-colon"):
        check_other_image(image)
    code, out, _ = run([MKIMG, "verify", os.path.join(WORK, "names-genisoimage.iso"), "--json"],
                       expect=None)
    problems = json.loads(out)["problems"]
    check(code == 1 and len(problems) == 1 and "/a_b" in problems[0] and
          problems[0].count("LBA") >= 2, "genisoimage's duplicate a_b: %s" % problems)


def scenario_verify_clean_on_usr_share_doc():
    """Images of /usr/share/doc by xorriso and genisoimage (where the issue saw 4 and 7
    problems): verify clean, every namespace listed whole."""
    need("xorriso", "genisoimage", "isoinfo")
    doc = "/usr/share/doc"
    if not os.path.isdir(doc) or len(os.listdir(doc)) < 10:
        raise Skip("no /usr/share/doc to read")
    # A copy without what an unprivileged user cannot read.
    src = os.path.join(WORK, "doc")
    shutil.copytree(doc, src, symlinks=True,
                    ignore_dangling_symlinks=True,
                    copy_function=lambda s, d: shutil.copy2(s, d) if os.access(s, os.R_OK) else None)
    for image in other_images(src, "doc"):
        check_other_image(image)


SCENARIOS = scenario.collect(globals())


def setup(a, work):
    global MKIMG, WORK
    MKIMG = os.path.abspath(a.mkimg)
    WORK = work


if __name__ == "__main__":
    sys.exit(scenario.main(SCENARIOS, "mkimg-names-", setup))
