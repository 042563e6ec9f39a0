#!/usr/bin/python3
"""Describes a host folder as the expected tree that check_image.py reads (its JSON format
is documented there): every entry's type, size, mode, owner, symlink target, modification
time and content (sha256, or "zeros" for files that hold only zeros or holes).

Usage: describe_tree.py HOSTDIR [--no-owners] [--no-mtimes] [--filesystems rr,joliet]
                         [--iso-level N] > expected.json
It is how the benchmark and ad-hoc runs build their expectations of `mkimg build` or
`xorriso -as mkisofs -R -J` applied to HOSTDIR; the GoogleTests write theirs directly.
"""

import argparse
import json
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_image  # noqa: E402


def describe(root, owners, mtimes):
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            host = os.path.join(dirpath, name)
            rel = "/" + os.path.relpath(host, root)
            st = os.lstat(host)
            e = {"path": rel}
            if stat.S_ISLNK(st.st_mode):
                e["type"] = "symlink"
                e["target"] = os.readlink(host)
            elif stat.S_ISDIR(st.st_mode):
                e["type"] = "dir"
            elif stat.S_ISREG(st.st_mode):
                e["type"] = "file"
                fpr, size = check_image.fingerprint_path(host)
                e["size"] = size
                if fpr == "zeros":
                    e["zeros"] = True
                else:
                    e["sha256"] = fpr.split(":", 1)[1]
            else:
                continue
            if e["type"] != "symlink":
                e["mode"] = "%04o" % stat.S_IMODE(st.st_mode)
            if owners:
                e["uid"] = st.st_uid
                e["gid"] = st.st_gid
            if mtimes and e["type"] != "dir":
                e["mtime"] = int(st.st_mtime)
            entries.append(e)
    return entries


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("hostdir")
    ap.add_argument("--no-owners", action="store_true")
    ap.add_argument("--no-mtimes", action="store_true")
    ap.add_argument("--filesystems", default="rr,joliet")
    ap.add_argument("--iso-level", type=int, default=3)
    args = ap.parse_args(argv)
    fss = set(args.filesystems.split(","))
    out = {
        "filesystems": {"rockridge": "rr" in fss, "joliet": "joliet" in fss},
        "iso_level": args.iso_level,
        "entries": describe(args.hostdir, not args.no_owners, not args.no_mtimes),
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
