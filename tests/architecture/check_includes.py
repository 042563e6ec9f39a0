#!/usr/bin/env python3
"""The module arrows of specs/architecture.md, checked on every #include of the tree.

Each source file belongs to the module of its top folder (base, cd, fs, mmc, burn,
emulator, mkimg; tests/, fuzz/ and bench/ may cross modules by design and are not checked). An
include of another module's header is allowed only along an arrow of ALLOWED. The
preload library (emulator/preload) is dependency-free C: it includes only system headers,
its own and the server's wire protocol header. Prints one line per violation, `FILE:LINE: MODULE must not include WHAT`,
and exits 1 if there is any.

Usage: check_includes.py [ROOT]       check the tree at ROOT (default: this checkout)
       check_includes.py --self-test  shows that a forbidden include is caught
"""
import os
import re
import sys
import tempfile

MODULES = ("base", "cd", "fs", "mmc", "burn", "emulator", "mkimg")
# What each module may include besides itself (system headers are always allowed).
ALLOWED = {
    "base": set(),
    "cd": {"base"},
    "fs": {"base", "cd"},
    "mmc": {"base", "cd"},
    "burn": {"base", "cd", "mmc"},
    "emulator": {"base", "cd", "mmc"},
    "mkimg": {"base", "cd", "fs", "mmc", "burn", "emulator"},
}
SOURCE = re.compile(r"\.(c|cc|h)$")
# Third-party headers some files include with quotes; they count as system headers.
THIRD_PARTY = ("gtest/", "gmock/", "rapidjson/", "fmt/", "CLI/", "boost/", "xxhash.h", "zstd.h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_of_include(root, module, path, include):
    """The module an include names, or None for the module's own private headers."""
    first = include.split("/", 1)[0]
    here = os.path.dirname(path)
    # Private headers: relative to the including file, or under the module's src/ (fs/src,
    # emulator/src, mmc/src, emulator/server/src, ...).
    if os.path.exists(os.path.join(here, include)):
        return None
    for dirpath, dirnames, _ in os.walk(os.path.join(root, module)):
        if os.path.basename(dirpath) == "src" and os.path.exists(os.path.join(dirpath, include)):
            return None
    if first in MODULES and "/" in include:
        return first
    return "?" + include  # neither a module header nor a private one


def check(root):
    violations = []
    for module in MODULES:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, module)):
            dirnames[:] = [d for d in dirnames if d not in ("testdata",)]
            for name in sorted(filenames):
                if not SOURCE.search(name):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                preload = rel.startswith("emulator/preload/")
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        include = m.group(1)
                        if include.startswith(THIRD_PARTY):
                            continue
                        if preload:
                            # Its own headers, and the wire protocol it shares with the
                            # server (a plain C header inside emulator/).
                            own = os.path.exists(os.path.join(dirpath, include))
                            wire = include.startswith("emulator/") and os.path.exists(
                                os.path.join(root, "emulator", "server", "include", include))
                            if not own and not wire:
                                violations.append("%s:%d: the preload library must not include %s"
                                                  % (rel, number, include))
                            continue
                        target = module_of_include(root, module, path, include)
                        if target is None or target == module:
                            continue
                        if target.startswith("?") or target not in ALLOWED[module]:
                            violations.append("%s:%d: %s must not include %s"
                                              % (rel, number, module, include))
    return violations


def self_test():
    with tempfile.TemporaryDirectory() as root:
        for module in MODULES:
            os.makedirs(os.path.join(root, module))
        os.makedirs(os.path.join(root, "mmc", "include", "mmc"))
        with open(os.path.join(root, "mmc", "include", "mmc", "cdb.h"), "w") as f:
            f.write('#include "base/bytes.h"\n')
        os.makedirs(os.path.join(root, "fs", "src", "plan"))
        with open(os.path.join(root, "fs", "src", "plan", "a.cc"), "w") as f:
            f.write('#include "plan/a.h"\n#include "base/error.h"\n#include "mmc/cdb.h"\n')
        open(os.path.join(root, "fs", "src", "plan", "a.h"), "w").close()
        with open(os.path.join(root, "base", "b.cc"), "w") as f:
            f.write('#include "fs/tree.h"\n')
        # The burn engine may use mmc, never fs or the emulator (it meets the emulator
        # only through mmc::Transport).
        os.makedirs(os.path.join(root, "burn", "src"))
        with open(os.path.join(root, "burn", "src", "w.cc"), "w") as f:
            f.write('#include "mmc/cdb.h"\n#include "fs/image_builder.h"\n'
                    '#include "emulator/drive.h"\n')
        found = check(root)
        expected = ["fs/src/plan/a.cc:3: fs must not include mmc/cdb.h",
                    "base/b.cc:1: base must not include fs/tree.h",
                    "burn/src/w.cc:2: burn must not include fs/image_builder.h",
                    "burn/src/w.cc:3: burn must not include emulator/drive.h"]
        if sorted(found) != sorted(expected):
            print("self-test failed: found %r, expected %r" % (found, expected))
            return 1
    print("self-test: the check rejects fs -> mmc, base -> fs, burn -> fs and burn -> emulator, "
          "and allows private headers")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    violations = check(root)
    for v in violations:
        print(v)
    print("%d include(s) cross a forbidden arrow" % len(violations))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
