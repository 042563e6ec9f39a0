"""Scaffolding shared by the scenario scripts (tests/names, tests/nodes, tests/reading).

Each script defines scenario_* functions; ctest runs one test per scenario (the scripts'
CMakeLists.txt list them with --list). Exit status: 0 passed, 77 skipped (a tool missing
off CI), 1 failed. A scenario raises Failure (through check) or Skip (through need).
"""
import argparse
import os
import shutil
import subprocess
import tempfile


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def missing(what):
    """Skip, or, in CI (CI set), fail: CI installs every tool (scripts/setup.sh)."""
    if os.environ.get("CI"):
        return Failure("required in CI and missing: %s (scripts/setup.sh installs it)" % what)
    return Skip("%s is not installed (scripts/setup.sh installs it)" % what)


def need(path, *tools):
    """Every tool of `tools` must be on `path` (the scripts' fixed PATH)."""
    for t in tools:
        if shutil.which(t, path=path) is None:
            raise missing(t)


def run(args, base_env, expect=0, env=None, cwd=None, timeout=1200, errors="replace"):
    """Runs args with base_env (plus env); returns (status, stdout, stderr) as text. A status
    other than `expect` (None: any) is a Failure that shows both outputs' tails."""
    e = dict(base_env)
    if env:
        e.update(env)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, cwd=cwd,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", errors)
    err = p.stderr.decode("utf-8", errors)
    if expect is not None and p.returncode != expect:
        raise Failure("%s exited %d, expected %d:\n%s\n%s" %
                      (" ".join(args), p.returncode, expect, out[-3000:], err[-3000:]))
    return p.returncode, out, err


def collect(namespace):
    """The scenario_* functions of a module's globals(), by name without the prefix."""
    return {name[len("scenario_"):]: fn for name, fn in sorted(namespace.items())
            if name.startswith("scenario_") and callable(fn)}


def main(scenarios, prefix, setup, add_arguments=None):
    """Parses --mkimg, --list and the scenario name (plus add_arguments(parser)'s own),
    calls setup(args, work) with a fresh work folder, runs the scenario, removes the folder
    and returns the exit status."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("scenario", nargs="?")
    if add_arguments:
        add_arguments(ap)
    a = ap.parse_args()
    if a.list:
        print("\n".join(scenarios))
        return 0
    if a.scenario not in scenarios or not a.mkimg:
        ap.error("give --mkimg and one of: " + ", ".join(scenarios))
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        setup(a, work)
        scenarios[a.scenario]()
        print("pass: %s" % a.scenario)
        return 0
    except Skip as e:
        print("skipped: %s" % e)
        return 77
    except Failure as e:
        print("FAIL: %s: %s" % (a.scenario, e))
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
