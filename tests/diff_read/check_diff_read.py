#!/usr/bin/python3
"""ctest scenarios for `mkimg diff-read` (specs/diff-read.md): purpose-built images on
which the independent readers are known to disagree, and diff-read must report each
divergence with its class; an image on which all of them agree, where it must report
none; a divergence no quirk explains, which must come out as new (exit 1); a reader that
hangs (killed at --timeout) and one that is not installed (skipped, never agreement).

Each expectation names (reader, namespace, path, what, quirk): the test fails when
diff-read stops detecting it, or classifies it otherwise.

Usage: check_diff_read.py --mkimg PATH SCENARIO      (exit 0 pass, 1 fail, 77 skipped:
       check_diff_read.py --list                      a reader is missing and CI is not set)
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

T0 = "2026-01-01T00:00:00Z"
TOOLS = {"xorriso": "xorriso", "isoinfo": "isoinfo", "iso-info": "iso-info", "7zz": "7zz",
         "udfclient": "udfclient", "udfinfo": "udfinfo"}


class Failure(Exception):
    pass


def build(mkimg, work, name, filesystems, contents):
    manifest = {"mkimg": 1, "volume": {"id": "DIFFREAD", "timestamp": T0},
                "filesystems": filesystems, "contents": contents}
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(manifest, f)
    image = os.path.join(work, name + ".iso")
    r = subprocess.run([mkimg, "build", path, "-o", image, "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise Failure("mkimg build %s: %s" % (name, r.stderr.decode(errors="replace")))
    return image


def diff_read(mkimg, image, *extra, env=None):
    start = time.monotonic()
    r = subprocess.run([mkimg, "diff-read", image, "--json", "--max-content", str(16 << 20)]
                       + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = time.monotonic() - start
    if r.returncode not in (0, 1):
        raise Failure("diff-read exit %d: %s" % (r.returncode, r.stderr.decode(errors="replace")))
    doc = json.loads(r.stdout)
    doc["exit"] = r.returncode
    doc["elapsed"] = elapsed
    return doc


def require_readers(doc, readers):
    """Every reader named must have run (not skipped for being absent)."""
    missing = [r for r in readers
               if doc["readers"].get(r, {}).get("*", "").startswith("skipped")]
    if missing:
        if os.environ.get("CI"):
            raise Failure("readers not installed: %s (scripts/setup.sh)" % ", ".join(missing))
        print("SKIP: not installed: " + ", ".join(missing))
        sys.exit(77)


def expect(doc, reader, ns, path, what, quirk):
    for d in doc["divergences"]:
        if (d["reader"], d["namespace"], d["what"]) == (reader, ns, what) and \
                (path is None or d["path"] == path):
            if d["quirk"] != quirk:
                raise Failure("%s %s %s %s: classified %s, expected %s" %
                              (reader, ns, d["path"], what, d["quirk"], quirk))
            return d
    raise Failure("diff-read did not report %s %s %s %s (%s); it reported:\n%s" %
                  (reader, ns, path, what, quirk, table(doc)))


def table(doc):
    return "\n".join("  %s %s %s %s %s (ref %s) %s" % (
        d["reader"], d["namespace"], d["path"], d["what"], d["value"],
        d["reference_value"], d["quirk"] or "NEW") for d in doc["divergences"]) or "  (none)"


def read_status(doc, reader, ns):
    return doc["readers"].get(reader, {}).get(ns, "")


# ---------------------------------------------------------------------------------------


def scenario_agree(mkimg, work):
    """ISO 9660 + Rock Ridge + Joliet + UDF 2.01 with plain names: every reader agrees."""
    image = build(mkimg, work, "agree",
                  {"iso9660": {"level": 3, "rock_ridge": True}, "joliet": {},
                   "udf": {"revision": "2.01"}},
                  # Digits only: libcdio's lower-cased ECMA-119 names are then the names.
                  [{"target": "/2026.txt".replace("txt", "123"), "text": "hello\n"},
                   {"target": "/01/02.345", "text": "a" * 5000},
                   {"target": "/01/03/04_5.678", "size": 70000}])
    doc = diff_read(mkimg, image)
    require_readers(doc, list(TOOLS))
    for reader, namespaces in (("mkimg", ("iso9660", "rockridge", "joliet", "udf")),
                               ("xorriso", ("iso9660", "rockridge", "joliet")),
                               ("isoinfo", ("iso9660", "rockridge", "joliet")),
                               ("pycdlib", ("iso9660", "rockridge", "joliet", "udf")),
                               ("7zz", ("joliet", "udf")), ("udfclient", ("udf",)),
                               ("libudfread", ("udf",)), ("udfinfo", ("udf",))):
        for ns in namespaces:
            if read_status(doc, reader, ns) != "read":
                raise Failure("%s did not read %s: %s" % (reader, ns, read_status(doc, reader, ns)))
    if doc["divergences"] or doc["exit"] != 0:
        raise Failure("divergences on an image all readers agree on (exit %d):\n%s" %
                      (doc["exit"], table(doc)))
    if any(n for n in doc["pairs"].values()):
        raise Failure("pair counts not zero: %s" % doc["pairs"])


def scenario_multi_extent(mkimg, work):
    """A 5 GiB file in ISO 9660 level 3 (two extents, ECMA-119 6.5.1): libcdio shows its
    last extent's size."""
    image = build(mkimg, work, "multi", {"iso9660": {"level": 3, "rock_ridge": True},
                                         "joliet": {}},
                  [{"target": "/big.bin", "size": 5 << 30},
                   {"target": "/small.txt", "text": "s\n"}])
    doc = diff_read(mkimg, image, "--readers", "mkimg,iso-info,xorriso")
    require_readers(doc, ["iso-info", "xorriso"])
    d = expect(doc, "iso-info", "rockridge", "/big.bin", "size",
               "multi-extent-read-as-one-extent")
    if d["value"] != (5 << 30) - 0xFFFFF800:
        raise Failure("iso-info's size %s is not the last extent's" % d["value"])
    expect(doc, "iso-info", "joliet", "/big.bin", "size", "multi-extent-read-as-one-extent")
    if any(d["reader"] == "xorriso" for d in doc["divergences"]):
        raise Failure("xorriso reads multi-extent files whole, yet diverged:\n" + table(doc))


def scenario_udf_5gib(mkimg, work):
    """A 5 GiB sparse file in a UDF 2.01 bridge: libcdio's UDF listing shows 1 GiB (the
    last ISO 9660 extent's 1,073,743,872 bytes), pycdlib the first extent's 4 GiB; the UDF
    readers proper (udfclient, libudfread) read 5 GiB."""
    image = build(mkimg, work, "udf5", {"iso9660": {"level": 3, "rock_ridge": True},
                                        "udf": {"revision": "2.01"}},
                  [{"target": "/big.bin", "size": 5 << 30},
                   {"target": "/small.txt", "text": "s\n"}])
    doc = diff_read(mkimg, image, "--readers", "mkimg,iso-info,udfclient,libudfread,pycdlib")
    require_readers(doc, ["iso-info", "udfclient"])
    d = expect(doc, "iso-info", "udf", "/big.bin", "size", "multi-extent-read-as-one-extent")
    if d["value"] != (5 << 30) - 0xFFFFF800:
        raise Failure("iso-info -U's size of /big.bin is %s, not 1 GiB + 2048" % d["value"])
    expect(doc, "pycdlib", "rockridge", "/big.bin", "size", "multi-extent-read-as-one-extent")
    if any(d["reader"] in ("udfclient", "libudfread") and d["path"] == "/big.bin"
           for d in doc["divergences"]):
        raise Failure("udfclient and libudfread read 5 GiB, yet diverged:\n" + table(doc))


def scenario_relocated(mkimg, work):
    """A directory 10 levels deep relocated by genisoimage -R (RRIP 4.1.5, RR_MOVED left
    visible): isoinfo -R and 7-Zip do not follow CL (mkimg's own relocation is followed by
    every reader)."""
    if not shutil.which("genisoimage"):
        if os.environ.get("CI"):
            raise Failure("genisoimage is not installed")
        print("SKIP: genisoimage not installed")
        sys.exit(77)
    src = os.path.join(work, "tree")
    deep = "/" + "/".join("l%d" % i for i in range(1, 11))
    os.makedirs(src + deep)
    with open(src + deep + "/deep.txt", "w") as f:
        f.write("deep\n")
    image = os.path.join(work, "reloc.iso")
    subprocess.run(["genisoimage", "-quiet", "-R", "-o", image, src], check=True,
                   stderr=subprocess.DEVNULL)
    doc = diff_read(mkimg, image, "--readers", "mkimg,isoinfo,xorriso,7zz")
    require_readers(doc, ["isoinfo", "xorriso", "7zz"])
    for reader in ("isoinfo", "7zz"):
        expect(doc, reader, "rockridge", deep + "/deep.txt", "missing",
               "relocated-directory-not-followed")
        expect(doc, reader, "rockridge", "/rr_moved/l8/l9/l10/deep.txt", "extra",
               "relocated-directory-not-followed")
    if any(d["reader"] == "xorriso" and d["namespace"] == "rockridge"
           for d in doc["divergences"]):
        raise Failure("xorriso follows relocation, yet diverged:\n" + table(doc))


def scenario_joliet_long(mkimg, work):
    """A 100-character name, cut to Joliet's 64 units by the writer: libcdio lists the
    64-unit name but iso-read cannot open it. (With long_names, 103 units, every reader
    here reads a 100-character name whole.)"""
    name = "n" * 96 + ".txt"
    image = build(mkimg, work, "jlong", {"iso9660": {"level": 3, "rock_ridge": True},
                                         "joliet": {}},
                  [{"target": "/" + name, "text": "long\n"},
                   {"target": "/short.txt", "text": "short\n"}])
    doc = diff_read(mkimg, image, "--readers", "mkimg,xorriso,isoinfo,iso-info,7zz,pycdlib")
    require_readers(doc, ["xorriso", "isoinfo", "iso-info", "7zz"])
    expect(doc, "iso-info", "joliet", None, "contents", "iso-read-64-unit-name")
    new = [d for d in doc["divergences"] if d["quirk"] is None]
    if new:
        raise Failure("unclassified divergences:\n" + table(doc))


def scenario_new(mkimg, work):
    """An image cut short inside a file's data: readers that read the bytes that are left
    disagree with mkimg, which reads the file in part and drops it; no quirk explains it,
    so it is new and diff-read exits 1."""
    image = build(mkimg, work, "new", {"iso9660": {"level": 3, "rock_ridge": True}},
                  [{"target": "/a.txt", "text": "a\n"},
                   {"target": "/zz-last.bin", "text": "0123456789" * 20000}])
    size = os.path.getsize(image)
    os.truncate(image, size - 40960)
    doc = diff_read(mkimg, image, "--readers", "mkimg,xorriso,isoinfo,pycdlib")
    require_readers(doc, ["xorriso", "isoinfo"])
    new = [d for d in doc["divergences"] if d["quirk"] is None]
    if not new or doc["exit"] != 1:
        raise Failure("a file cut short gave no new divergence (exit %d):\n%s" %
                      (doc["exit"], table(doc)))
    if not any(d["path"] == "/zz-last.bin" for d in new):
        raise Failure("the divergence is not on the file cut short:\n" + table(doc))


def scenario_timeout_and_skip(mkimg, work):
    """An isoinfo that never ends is killed at --timeout and reported as failing; with 7zz
    absent from PATH, 7zz is listed as skipped and nothing is counted as its agreement."""
    image = build(mkimg, work, "hang", {"iso9660": {"level": 3, "rock_ridge": True},
                                        "joliet": {}},
                  [{"target": "/a.txt", "text": "a\n"}])
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    for tool in ("xorriso", "iso-info", "iso-read", "udfclient", "udfinfo"):
        real = shutil.which(tool)
        if real:
            os.symlink(real, os.path.join(bin_dir, tool))
    fake = os.path.join(bin_dir, "isoinfo")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\n# stands for a reader that hangs on a hostile image\n"
                "/bin/sleep 600 & /bin/sleep 600\n")
    os.chmod(fake, 0o755)
    env = dict(os.environ, PATH=bin_dir)
    doc = diff_read(mkimg, image, "--timeout", "3", env=env)
    status = doc["readers"]["isoinfo"]
    if not all(s.startswith("failed: timeout") for ns, s in status.items()):
        raise Failure("the hanging isoinfo was not reported as timing out: %s" % status)
    if doc["elapsed"] > 60:
        raise Failure("diff-read took %.0f s with a 3 s timeout" % doc["elapsed"])
    if not doc["readers"]["7zz"].get("*", "").startswith("skipped"):
        raise Failure("7zz not listed as skipped: %s" % doc["readers"]["7zz"])
    if any(d["reader"] == "7zz" for d in doc["divergences"]) or \
            any("7zz" in k for k in doc["pairs"]):
        raise Failure("a skipped reader appears in the comparison")
    expect(doc, "isoinfo", "rockridge", "-", "unreadable", None)
    if doc["exit"] != 1:
        raise Failure("a reader that hangs must make the run exit 1, got %d" % doc["exit"])
    r = subprocess.run(["pgrep", "-f", "sleep 600"], stdout=subprocess.PIPE)
    mine = [p for p in r.stdout.split() if p]
    if mine:
        # The fake reader's children must have died with its process group.
        raise Failure("processes of the killed reader are still running: %s" % mine)


def scenario_peer_crash(mkimg, work):
    """The libiso9660 finding (fuzz/peers/findings/, specs/fuzzing-peers.md): libcdio's
    Rock Ridge detection dies with SIGSEGV, which diff-read reports as iso-info's crash
    in the Rock Ridge namespace, a new divergence."""
    image = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "fuzz", "peers", "findings", "libiso9660_fuzzer",
        "crash-iso9660-have-rr-null")
    doc = diff_read(mkimg, image, "--readers", "mkimg,iso-info")
    require_readers(doc, ["iso-info"])
    d = expect(doc, "iso-info", "rockridge", "-", "unreadable", None)
    if not str(d["value"]).startswith("crash: iso-info killed by signal 11"):
        raise Failure("iso-info's failure is not its crash: %s" % d["value"])
    if doc["exit"] != 1:
        raise Failure("a reader's crash must make the run exit 1, got %d" % doc["exit"])


SCENARIOS = {
    "peer_crash": scenario_peer_crash,
    "agree": scenario_agree,
    "multi_extent": scenario_multi_extent,
    "udf_5gib": scenario_udf_5gib,
    "relocated": scenario_relocated,
    "joliet_long": scenario_joliet_long,
    "new_divergence": scenario_new,
    "timeout_and_skip": scenario_timeout_and_skip,
}


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--mkimg")
    p.add_argument("--list", action="store_true")
    p.add_argument("scenario", nargs="?")
    a = p.parse_args(argv)
    if a.list:
        print("\n".join(SCENARIOS))
        return 0
    if not a.mkimg or a.scenario not in SCENARIOS:
        p.error("need --mkimg and one of: " + ", ".join(SCENARIOS))
    work = tempfile.mkdtemp(prefix="mkimg-diff-read-test.")
    try:
        SCENARIOS[a.scenario](os.path.abspath(a.mkimg), work)
    except Failure as e:
        print("FAIL: %s: %s" % (a.scenario, e))
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("PASS: " + a.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
