#!/usr/bin/python3
"""The last line of scripts/test.sh, from ctest's own report and the fuzz campaign's table.

Usage: test_summary.py --ctest LOG --ctest-status N [--fuzz LOG --fuzz-status N]

Reads ctest's summary line ("P% tests passed, F tests failed out of T") and its lists of
tests that did not run ("(Skipped)", "(Disabled)", "(Not Run)") and that FAILED, and, when
given, the per-target rows of fuzz/run_campaign.sh ("ok" passes; "FAILED" and "not built"
fail). Prints the names of failed and skipped tests, then, alone on the last line,

  tests: N passed, N failed, N skipped

(", N skipped" only when something was skipped), which CI reads. Exit status 1 when
anything failed, when a log lacks its summary, when ctest or the campaign exited non-zero
without a failure in its report, or, when CI is set in the environment, when anything
was skipped (tests/missing_tool.h: CI installs every tool, so a skip there is a failure).
"""
import argparse
import os
import re
import sys

SUMMARY = re.compile(r"^\d+% tests passed, (\d+) tests? failed out of (\d+)", re.M)
LISTED = re.compile(r"^\s*\d+ - (\S+) \(([^)]*)\)", re.M)
FUZZ_ROW = re.compile(r"^(\S+_fuzzer)\s+.*?\s(ok|FAILED|not built)$", re.M)


def ctest_counts(text):
    """(passed, failed names, skipped names, problems) from one ctest log."""
    found = SUMMARY.findall(text)
    if not found:
        return 0, [], [], ["ctest printed no summary line"]
    failed_count, total = int(found[-1][0]), int(found[-1][1])
    tail = text[text.rfind("tests passed,"):]
    failed, skipped = [], []
    section = None
    for line in tail.splitlines():
        if line.startswith("The following tests did not run"):
            section = "skipped"
        elif line.startswith("The following tests FAILED"):
            section = "failed"
        m = LISTED.match(line)
        if m and section == "skipped":
            skipped.append("%s (%s)" % (m.group(1), m.group(2)))
        elif m and section == "failed":
            failed.append("%s (%s)" % (m.group(1), m.group(2)))
    problems = []
    if len(failed) != failed_count:
        problems.append("ctest says %d failed but lists %d" % (failed_count, len(failed)))
        failed += ["(unlisted)"] * max(0, failed_count - len(failed))
    passed = total - len(failed) - len(skipped)
    return passed, failed, skipped, problems


def fuzz_counts(text):
    rows = FUZZ_ROW.findall(text)
    passed = sum(1 for _, result in rows if result == "ok")
    failed = ["%s (fuzz %s)" % (name, result) for name, result in rows if result != "ok"]
    problems = [] if rows else ["the fuzz campaign printed no target rows"]
    return passed, failed, problems


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctest", required=True)
    ap.add_argument("--ctest-status", type=int, required=True)
    ap.add_argument("--fuzz")
    ap.add_argument("--fuzz-status", type=int, default=0)
    args = ap.parse_args(argv)
    with open(args.ctest, errors="replace") as f:
        passed, failed, skipped, problems = ctest_counts(f.read())
    if args.ctest_status != 0 and not failed and not problems:
        problems.append("ctest exited %d" % args.ctest_status)
    if args.fuzz:
        with open(args.fuzz, errors="replace") as f:
            fuzz_passed, fuzz_failed, fuzz_problems = fuzz_counts(f.read())
        passed += fuzz_passed
        failed += fuzz_failed
        problems += fuzz_problems
        if args.fuzz_status != 0 and not fuzz_failed:
            problems.append("fuzz/run_campaign.sh exited %d" % args.fuzz_status)
    for name in failed:
        print("failed: " + name)
    for name in skipped:
        print("skipped: " + name)
    for p in problems:
        print("error: " + p)
    if skipped and "CI" in os.environ:
        print("error: %d skipped under CI (every tool must be installed)" % len(skipped))
    n_failed = len(failed) + len(problems)
    line = "tests: %d passed, %d failed" % (passed, n_failed)
    if skipped:
        line += ", %d skipped" % len(skipped)
    print(line)
    return 1 if n_failed or (skipped and "CI" in os.environ) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
