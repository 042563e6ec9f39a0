#!/usr/bin/env python3
"""`sort_weight` (specs/manifest.md) as an independent reader sees it: isoinfo lists the
extent of each file; data of higher weight comes first, equal weights keep the default
order (specs/layout.md), and the check fails on an image built without the weights.

Usage: sort_weight_check.py --mkimg PATH
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def extents(mkimg, root, contents):
    manifest = os.path.join(root, "m.json")
    with open(manifest, "w") as f:
        json.dump({"mkimg": 1, "volume": {"id": "SW", "timestamp": "2026-01-01T00:00:00Z"},
                   "contents": contents}, f)
    image = os.path.join(root, "sw.iso")
    subprocess.run([mkimg, "build", manifest, "-o", image, "--quiet"], check=True)
    out = subprocess.run(["isoinfo", "-l", "-i", image], check=True, capture_output=True,
                         text=True, env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"}).stdout
    found = {}
    for m in re.finditer(r"\[\s*(\d+)\s+\d+\]\s+(\S+);1", out):
        found[m.group(2)] = int(m.group(1))
    return found


def ordered(found, names):
    return [found[n] for n in names] == sorted(found[n] for n in names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg", required=True)
    args = ap.parse_args()
    if shutil.which("isoinfo") is None:
        print("FAIL: isoinfo is missing (scripts/setup.sh installs genisoimage)")
        return 1
    entries = [{"target": "/a.txt", "text": "a"}, {"target": "/b.txt", "text": "b"},
               {"target": "/z.txt", "text": "z", "sort_weight": 10},
               {"target": "/m.txt", "text": "m", "sort_weight": -1}]
    with tempfile.TemporaryDirectory() as root:
        weighted = extents(args.mkimg, root, entries)
        plain = extents(args.mkimg, root, [{k: v for k, v in e.items() if k != "sort_weight"}
                                           for e in entries])
    expected = ["Z.TXT", "A.TXT", "B.TXT", "M.TXT"]
    if not ordered(weighted, expected):
        print("FAIL: data order %r, expected %s first to last" % (weighted, expected))
        return 1
    # The same check on the image without weights must fail, or it proves nothing.
    if ordered(plain, expected):
        print("FAIL: the check also accepts the unweighted order %r" % plain)
        return 1
    print("ok: data order %s; without weights %r" % (expected, plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
