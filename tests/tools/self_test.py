#!/usr/bin/python3
"""Mutation tests of the test tooling itself: each scenario hands a check something it must
reject (a tool hidden from PATH under CI, a failing or skipped ctest report, a tree that
differs from its source in one way) and fails unless the check rejects it, and, where it
matters, also shows that the check accepts the intact input.

One ctest test per scenario (tests/CMakeLists.txt). Usage:

  self_test.py [--mkimg PATH] SCENARIO     run one scenario (exit 0 pass, 1 fail)
  self_test.py --list                      print the scenario names
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
CHECK_IMAGE = os.path.join(HERE, "check_image.py")
BURN_PROGRAMS = os.path.join(SOURCE, "tests", "burn_programs", "burn_programs.py")
TEST_SUMMARY = os.path.join(SOURCE, "scripts", "test_summary.py")
PYTHON = "/usr/bin/python3"

sys.path.insert(0, os.path.join(SOURCE, "tests", "burn_programs"))


class Failure(Exception):
    pass


def run(args, env=None, cwd=None):
    full = dict(os.environ)
    full.pop("CI", None)
    full.update(env or {})
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=full,
                          cwd=cwd, timeout=600)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def expect_status(what, got, want, out):
    if got != want:
        raise Failure("%s: exit %d, expected %d:\n%s" % (what, got, want, out[-3000:]))


def expect_in(what, needle, out):
    if needle not in out:
        raise Failure("%s: %r not in:\n%s" % (what, needle, out[-3000:]))


def path_without(work, hidden):
    """A PATH folder with every program of the current PATH except `hidden`."""
    folder = os.path.join(work, "path-without-" + "-".join(hidden))
    os.makedirs(folder)
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]:
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            link = os.path.join(folder, name)
            if name in hidden or os.path.lexists(link):
                continue
            os.symlink(os.path.join(d, name), link)
    return folder


# ---- missing tools under CI (tests/missing_tool.h) -----------------------------------

def burn_programs_missing_tool(work, mkimg):
    """burn_programs.py with xorriso hidden: skipped (77) normally, a failure naming
    xorriso with CI set."""
    env = {"PATH": path_without(work, ["xorriso"])}
    args = [sys.executable, BURN_PROGRAMS, "--mkimg", mkimg or "/bin/false", "xorriso_cd-r"]
    status, out = run(args, env)
    expect_status("without CI", status, 77, out)
    status, out = run(args, dict(env, CI="1"))
    expect_status("with CI=1", status, 1, out)
    expect_in("with CI=1", "xorriso", out)


def check_image_missing_reader(work, mkimg):
    """check_image.py with isoinfo hidden from PATH and pycdlib not importable: SKIP and
    exit 0 normally, FAIL naming both and exit 1 with CI set."""
    src = os.path.join(work, "src")
    os.makedirs(src)
    with open(os.path.join(src, "a.txt"), "w") as f:
        f.write("a\n")
    image = os.path.join(work, "a.iso")
    status, out = run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o", image, src])
    expect_status("xorriso -as mkisofs", status, 0, out)
    expected = os.path.join(work, "expected.json")
    with open(expected, "w") as f:
        f.write('{"entries": [{"path": "/a.txt", "type": "file", "text": "a\\n"}]}\n')
    # A pycdlib that fails to import, ahead of the installed one.
    fake = os.path.join(work, "fake-modules", "pycdlib")
    os.makedirs(fake)
    with open(os.path.join(fake, "__init__.py"), "w") as f:
        f.write('raise ImportError("hidden by tests/tools/self_test.py")\n')
    env = {"PATH": path_without(work, ["isoinfo"]),
           "PYTHONPATH": os.path.dirname(fake)}
    args = [PYTHON, CHECK_IMAGE, "--writer", "xorriso", image, expected]
    status, out = run(args, env)
    expect_status("without CI", status, 0, out)
    expect_in("without CI", "SKIP  isoinfo/rr", out)
    expect_in("without CI", "SKIP  pycdlib/rr", out)
    status, out = run(args, dict(env, CI="1"))
    expect_status("with CI=1", status, 1, out)
    expect_in("with CI=1", "FAIL  isoinfo/rr", out)
    expect_in("with CI=1", "isoinfo is not installed", out)
    expect_in("with CI=1", "FAIL  pycdlib/rr", out)
    expect_in("with CI=1", "pycdlib is not importable", out)


# ---- scripts/test_summary.py ------------------------------------------------------------

CTEST_HEAD = "Test project /x/build\n    Start 1: a\n1/3 Test #1: a ....   Passed    0.1 sec\n"


def ctest_log(passed_pct, failed, total, skipped=(), failing=()):
    text = CTEST_HEAD + "\n%d%% tests passed, %d tests failed out of %d\n\n" % (
        passed_pct, failed, total)
    text += "Total Test time (real) =   1.00 sec\n"
    if skipped:
        text += "\nThe following tests did not run:\n"
        text += "".join("\t%3d - %s (Skipped)\n" % (i + 10, n) for i, n in enumerate(skipped))
    if failing:
        text += "\nThe following tests FAILED:\n"
        text += "".join("\t%3d - %s (Failed)\n" % (i + 20, n) for i, n in enumerate(failing))
        text += "Errors while running CTest\n"
    return text


FUZZ_OK = ("target                     executions   coverage   corpus result\n"
           "susp_fuzzer                      1000        300       12 ok\n")
FUZZ_FAILED = FUZZ_OK + "udf_fuzzer                        900        250       10 FAILED\n"


def summary(work, log, status, fuzz=None, fuzz_status=0, ci=False):
    path = os.path.join(work, "ctest.log")
    with open(path, "w") as f:
        f.write(log)
    args = [sys.executable, TEST_SUMMARY, "--ctest", path, "--ctest-status", str(status)]
    if fuzz is not None:
        fpath = os.path.join(work, "fuzz.log")
        with open(fpath, "w") as f:
            f.write(fuzz)
        args += ["--fuzz", fpath, "--fuzz-status", str(fuzz_status)]
    code, out = run(args, {"CI": "1"} if ci else {})
    return code, out, out.rstrip("\n").rsplit("\n", 1)[-1]


def test_summary_counts(work, mkimg):
    """The last line carries ctest's own counts; failures, skips under CI, a missing
    summary and a failing fuzz target each make the exit status non-zero."""
    cases = [
        # (what, ctest log, ctest status, fuzz log, fuzz status, CI, exit, last line)
        ("all pass", ctest_log(100, 0, 5), 0, None, 0, False, 0,
         "tests: 5 passed, 0 failed"),
        ("one failure", ctest_log(80, 1, 5, failing=["x.y"]), 8, None, 0, False, 1,
         "tests: 4 passed, 1 failed"),
        ("a skip", ctest_log(100, 0, 5, skipped=["s.t"]), 0, None, 0, False, 0,
         "tests: 4 passed, 0 failed, 1 skipped"),
        ("a skip under CI", ctest_log(100, 0, 5, skipped=["s.t"]), 0, None, 0, True, 1,
         "tests: 4 passed, 0 failed, 1 skipped"),
        ("skip and failure", ctest_log(80, 1, 5, ["s.t"], ["x.y"]), 8, None, 0, False, 1,
         "tests: 3 passed, 1 failed, 1 skipped"),
        ("no summary line", CTEST_HEAD, 8, None, 0, False, 1, "tests: 0 passed, 1 failed"),
        ("fuzz ok", ctest_log(100, 0, 5), 0, FUZZ_OK, 0, False, 0,
         "tests: 6 passed, 0 failed"),
        ("fuzz target failed", ctest_log(100, 0, 5), 0, FUZZ_FAILED, 1, False, 1,
         "tests: 6 passed, 1 failed"),
        ("fuzz exit without a row", ctest_log(100, 0, 5), 0, FUZZ_OK, 2, False, 1,
         "tests: 6 passed, 1 failed"),
    ]
    for what, log, status, fuzz, fuzz_status, ci, want_code, want_line in cases:
        code, out, last = summary(work, log, status, fuzz, fuzz_status, ci)
        expect_status(what, code, want_code, out)
        if last != want_line:
            raise Failure("%s: last line %r, expected %r\n%s" % (what, last, want_line, out))
    code, out, _ = summary(work, ctest_log(80, 1, 5, failing=["x.y"]), 8)
    expect_in("failure named", "failed: x.y (Failed)", out)


# ---- the burn programs' tree comparison (tests/burn_programs/burn_programs.py) ----------

def burn_tree_compare(work, mkimg):
    """same_tree accepts an exact copy of make_tree's source tree and reports each single
    mutation of the copy: a folder for a file, a wrong mode, an extra entry, a missing
    entry, a wrong symlink target, changed bytes, a changed size."""
    import shutil
    import burn_programs as bp
    bp.WORK = work
    src = bp.make_tree("src", 200 * 1024, 1)

    def copy(name):
        dst = os.path.join(work, name)
        shutil.copytree(src, dst, symlinks=True)
        return dst

    same = copy("same")
    if bp.tree_differences(src, same):
        raise Failure("an exact copy differs: %s" % bp.tree_differences(src, same))
    bp.same_tree(src, same)

    def folder_for_file(d):
        os.unlink(os.path.join(d, "run.sh"))
        os.mkdir(os.path.join(d, "run.sh"))

    def file_for_folder(d):
        os.rmdir(os.path.join(d, "empty-folder"))
        open(os.path.join(d, "empty-folder"), "w").close()

    def flip_byte(d):
        with open(os.path.join(d, "sub/deeper/medium.bin"), "r+b") as f:
            f.seek(1000)
            b = f.read(1)
            f.seek(1000)
            f.write(bytes([b[0] ^ 1]))

    def relink(d):
        os.unlink(os.path.join(d, "sub/link-to-medium"))
        os.symlink("deeper/other.bin", os.path.join(d, "sub/link-to-medium"))

    mutations = [
        ("folder for a file", folder_for_file, "type: run.sh is a dir, expected a file"),
        ("file for a folder", file_for_folder,
         "type: empty-folder is a file, expected a dir"),
        ("wrong mode", lambda d: os.chmod(os.path.join(d, "run.sh"), 0o644),
         "mode: run.sh is 0644, expected 0755"),
        ("wrong folder mode", lambda d: os.chmod(os.path.join(d, "sub"), 0o700),
         "mode: sub is 0700, expected 0755"),
        ("extra entry", lambda d: open(os.path.join(d, "sub/deeper/extra"), "w").close(),
         "extra: sub/deeper/extra"),
        ("missing entry", lambda d: os.unlink(os.path.join(d, "sub/deeper/deepest/empty")),
         "missing: sub/deeper/deepest/empty"),
        ("wrong symlink target", relink, "symlink: sub/link-to-medium"),
        ("changed bytes", flip_byte, "bytes: sub/deeper/medium.bin differs"),
        ("changed size", lambda d: os.truncate(os.path.join(d, "large.bin"), 100),
         "size: large.bin is 100 bytes"),
    ]
    for i, (what, mutate, needle) in enumerate(mutations):
        d = copy("mutant%d" % i)
        mutate(d)
        problems = bp.tree_differences(src, d)
        if len(problems) != 1 or not problems[0].startswith(needle):
            raise Failure("%s: reported %r, expected one problem %r" % (what, problems,
                                                                        needle))
        try:
            bp.same_tree(src, d)
        except bp.Failure:
            continue
        raise Failure("%s: same_tree accepted it" % what)


SCENARIOS = {
    "burn_tree_compare": burn_tree_compare,
    "burn_programs_missing_tool": burn_programs_missing_tool,
    "check_image_missing_reader": check_image_missing_reader,
    "test_summary_counts": test_summary_counts,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("scenario", nargs="?")
    args = ap.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    if args.scenario not in SCENARIOS:
        ap.error("one of: " + ", ".join(SCENARIOS))
    with tempfile.TemporaryDirectory(prefix="mkimg-self-test-") as work:
        try:
            SCENARIOS[args.scenario](work, args.mkimg and os.path.abspath(args.mkimg))
        except Failure as e:
            print("FAIL %s: %s" % (args.scenario, e))
            return 1
    print("PASS " + args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
