#!/usr/bin/python3
"""Generates the benchmark source trees (bench/README.md), deterministically from a seed:

  small DIR   100,000 files of 0-8 KiB spread over 1,000 folders (issue 2 item 8)
  large DIR   8 files of 256 MiB each, real data (no holes, so `cat` has to read it all)
  many DIR    1,000,000 empty files over 1,000 folders, for the peak-RSS-per-file run

Options change the counts (--files, --folders, --size, --count). A tree that is already
complete (DIR.complete, next to it, holds the same parameters) is left as it is.
"""

import argparse
import os
import random
import sys


def write_stamp(root, params):
    with open(root.rstrip("/") + ".complete", "w") as f:
        f.write(params + "\n")


def is_complete(root, params):
    try:
        with open(root.rstrip("/") + ".complete") as f:
            return f.read().strip() == params
    except OSError:
        return False


def folder_names(folders):
    # Two levels (like a source tree): 1,000 folders = 40 top folders of 25 each.
    top = max(1, int(folders ** 0.5 * 1.26))
    names = []
    for i in range(folders):
        names.append("dir%03d/sub%04d" % (i % top, i))
    return names


def gen_small(root, files, folders, max_size, seed):
    rng = random.Random(seed)
    pool = rng.randbytes(1 << 22)
    dirs = folder_names(folders)
    for d in dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for i in range(files):
        size = rng.randint(0, max_size)
        start = rng.randint(0, len(pool) - max_size - 1)
        path = os.path.join(root, dirs[i % folders], "file%06d.dat" % i)
        with open(path, "wb") as f:
            f.write(pool[start:start + size])


def gen_large(root, count, size, seed):
    rng = random.Random(seed)
    block = bytearray(rng.randbytes(1 << 20))
    for i in range(count):
        path = os.path.join(root, "large%02d.bin" % i)
        with open(path, "wb") as f:
            for b in range(size >> 20):
                block[0:16] = ("%08d%08d" % (i, b)).encode()
                f.write(block)


def gen_many(root, files, folders):
    dirs = folder_names(folders)
    for d in dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for i in range(files):
        fd = os.open(os.path.join(root, dirs[i % folders], "f%07d" % i),
                     os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.close(fd)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=("small", "large", "many"))
    ap.add_argument("dir")
    ap.add_argument("--files", type=int)
    ap.add_argument("--folders", type=int, default=1000)
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--size", type=int, default=256 << 20)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)
    if args.files is None:
        args.files = {"small": 100000, "many": 1000000}.get(args.kind, 0)
    params = "%s files=%d folders=%d count=%d size=%d seed=%d" % (
        args.kind, args.files, args.folders, args.count, args.size, args.seed)
    if is_complete(args.dir, params):
        return 0
    if os.path.exists(args.dir) and os.listdir(args.dir):
        sys.stderr.write("gen_tree: %s exists and is not a complete %s tree; remove it\n" %
                         (args.dir, args.kind))
        return 2
    os.makedirs(args.dir, exist_ok=True)
    if args.kind == "small":
        gen_small(args.dir, args.files, args.folders, 8192, args.seed)
    elif args.kind == "large":
        gen_large(args.dir, args.count, args.size, args.seed)
    else:
        gen_many(args.dir, args.files, args.folders)
    write_stamp(args.dir, params)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
