#!/usr/bin/python3
"""Describes a host folder as the expected tree that check_image.py reads (its JSON format
is documented there): every entry's type, size, mode, owner, symlink target, modification
time and content (the host path, read at check time, or with --sha256 its digest).

Usage: describe_tree.py HOSTDIR [--no-owners] [--no-mtimes] [--filesystems rr,joliet]
                         [--iso-level N] > expected.json
It is how the benchmark and ad-hoc runs build their expectations of `mkimg build` or
`xorriso -as mkisofs -R -J` applied to HOSTDIR; the GoogleTests write theirs directly.
"""

import argparse
import hashlib
import json
import os
import stat
import sys



def plain_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            data = f.read(1 << 20)
            if not data:
                return h.hexdigest()
            h.update(data)


def describe(root, owners, mtimes, sha256):
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
                e["size"] = st.st_size
                if sha256:
                    e["sha256"] = plain_sha256(host)
                else:
                    e["content_from"] = os.path.abspath(host)
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
    ap.add_argument("--sha256", action="store_true",
                    help="record plain SHA-256 digests instead of the host paths")
    args = ap.parse_args(argv)
    fss = set(args.filesystems.split(","))
    out = {
        "filesystems": {"rockridge": "rr" in fss, "joliet": "joliet" in fss},
        "iso_level": args.iso_level,
        "entries": describe(args.hostdir, not args.no_owners, not args.no_mtimes,
                            args.sha256),
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
