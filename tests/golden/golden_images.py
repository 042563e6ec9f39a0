#!/usr/bin/env python3
"""Byte-identity of the images mkimg writes (specs/image-core.md).

Builds a deterministic host tree in a temporary folder (fixed bytes, modes, times and
hard links, whatever the umask, locale, time zone or checkout time), builds every
manifest of cases.json against it, and compares each image's SHA-256 with sha256.txt.
A restructuring of the writer must leave every hash unchanged; a change of the bytes on
purpose re-records them with --record and says why in its commit.

Usage: golden_images.py --mkimg PATH [--record] [CASE...]
       golden_images.py --list
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
OLD = 1700000000  # 2023-11-14, older than every manifest timestamp: never clamped


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_tree(root):
    """The host tree: Unicode and long names, a wide folder, deep folders, symlinks,
    hard links, odd modes, a sparse file and files of awkward sizes."""
    t = os.path.join(root, "tree")
    write(os.path.join(t, "README.txt"), b"golden tree\n")
    write(os.path.join(t, "bin", "tool"), b"#!/bin/sh\necho tool\n", 0o755)
    write(os.path.join(t, "bin", "setuid"), b"x" * 3, 0o4755)
    write(os.path.join(t, "caf\u00e9", "na\u00efve r\u00e9sum\u00e9.txt"), "caf\u00e9\n".encode())
    write(os.path.join(t, "\u65e5\u672c\u8a9e", "\u30d5\u30a1\u30a4\u30eb.txt"), b"jp\n")
    write(os.path.join(t, "long", "a" * 120 + ".data"), b"long name\n")
    write(os.path.join(t, "long", "mixed Case name with spaces.tar.gz"), b"\x00" * 10)
    write(os.path.join(t, "long", "many.dots.in.the.name.txt"), b"dots\n")
    for i in range(1500):
        write(os.path.join(t, "wide", "file%04d.bin" % i), bytes([i % 251]) * (i % 5000))
    deep = os.path.join(t, "deep")
    for i in range(12):
        deep = os.path.join(deep, "level%02d" % i)
        write(os.path.join(deep, "here.txt"), ("depth %d\n" % i).encode())
    write(os.path.join(t, "sizes", "block"), b"b" * 2048)
    write(os.path.join(t, "sizes", "block_plus_one"), b"c" * 2049)
    write(os.path.join(t, "sizes", "empty"), b"")
    write(os.path.join(t, "sizes", "big"), bytes(range(256)) * 4096 + b"tail")
    with open(os.path.join(t, "sizes", "sparse"), "wb") as f:
        f.truncate(3 * 1024 * 1024)
        f.seek(1024 * 1024)
        f.write(b"island")
    os.chmod(os.path.join(t, "sizes", "sparse"), 0o640)
    write(os.path.join(t, "links", "target.txt"), b"hard linked\n")
    os.link(os.path.join(t, "links", "target.txt"), os.path.join(t, "links", "second.txt"))
    os.link(os.path.join(t, "links", "target.txt"), os.path.join(t, "bin", "third.txt"))
    os.symlink("target.txt", os.path.join(t, "links", "soft"))
    os.symlink("../README.txt", os.path.join(t, "links", "up"))
    os.symlink("/absolute/elsewhere", os.path.join(t, "links", "absolute"))
    os.symlink("dangling", os.path.join(t, "links", "broken"))
    os.makedirs(os.path.join(t, "emptydir"))
    for dirpath, dirnames, filenames in os.walk(t):
        os.chmod(dirpath, 0o755)
    # Times last, folders after their contents.
    for dirpath, dirnames, filenames in os.walk(t, topdown=False):
        for name in filenames:
            p = os.path.join(dirpath, name)
            os.utime(p, (OLD, OLD + 7), follow_symlinks=False)
        os.utime(dirpath, (OLD, OLD + 11))

    # The bundled example, with modes that do not depend on the checkout's umask.
    ex = os.path.join(root, "example")
    shutil.copytree(os.path.join(SOURCE_DIR, "examples", "basic"), ex, symlinks=True)
    for dirpath, dirnames, filenames in os.walk(ex):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o755 if os.stat(p).st_mode & 0o100 else 0o644)


def load_cases():
    with open(os.path.join(HERE, "cases.json")) as f:
        return json.load(f)


def load_hashes():
    hashes = {}
    path = os.path.join(HERE, "sha256.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    digest, name = line.split()
                    hashes[name] = digest
    return hashes


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    cases = load_cases()
    if args.list:
        print("\n".join(sorted(cases)))
        return 0
    if not args.mkimg:
        ap.error("--mkimg is required")
    names = args.cases or sorted(cases)
    expected = load_hashes()
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "TZ": "Pacific/Chatham"}
    failed = 0
    with tempfile.TemporaryDirectory() as root:
        old_umask = os.umask(0o077)
        try:
            make_tree(root)
        finally:
            os.umask(old_umask)
        for name in names:
            if cases[name] is None:  # the bundled example, as shipped
                manifest = os.path.join(root, "example", "manifest.json")
            else:
                manifest = os.path.join(root, name + ".json")
                with open(manifest, "w") as f:
                    json.dump(cases[name], f)
            out = os.path.join(root, name + ".iso")
            r = subprocess.run([args.mkimg, "build", manifest, "-o", out, "--quiet"],
                               env=env, capture_output=True, text=True)
            if r.returncode != 0:
                print("FAIL %s: mkimg exited %d: %s" % (name, r.returncode, r.stderr.strip()))
                failed += 1
                continue
            digest = sha256(out)
            os.unlink(out)
            if args.record:
                expected[name] = digest
                print("recorded %s %s" % (digest, name))
            elif expected.get(name) != digest:
                print("FAIL %s: sha256 %s, expected %s" % (name, digest, expected.get(name)))
                failed += 1
            else:
                print("ok %s %s" % (digest, name))
    if args.record:
        with open(os.path.join(HERE, "sha256.txt"), "w") as f:
            f.write("# SHA-256 of each case of cases.json (golden_images.py --record)\n")
            for name in sorted(expected):
                f.write("%s %s\n" % (expected[name], name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
