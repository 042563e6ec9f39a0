#!/usr/bin/python3
"""A differential-reading campaign: `mkimg diff-read` over a generated corpus of images
and over byte-mutated copies of them, with counts per reader and per reader pair
(specs/diff-read.md).

The corpus comes from `mkimg corpus DIR --count N --seed S` (specs/fuzzing.md "The
corpus generator"): every feature mkimg writes, each image deterministic from the seed and
described by a JSON file; without --big the files over 4 GiB (multi-extent) are left out
(`--no-multi-extent`), since the readers would copy them whole.
Mutated images: each corpus image copied and K bytes overwritten at offsets drawn from
its first 320 blocks (volume descriptors, anchors, directories and file entries),
deterministic from the seed.

Usage: diff_read_campaign.py --mkimg PATH [--count N] [--mutants M] [--seed S]
                             [--timeout SECONDS] [--big] [--work DIR] [--json OUT]
Exit status 0 (the campaign ran; divergences are its result), 2 bad usage.
"""
import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

def generate(mkimg, out, count, seed, big):
    """`mkimg corpus` into out/; returns the images' paths, in the index's order."""
    cmd = [mkimg, "corpus", out, "--count", str(count), "--seed", str(seed)]
    if not big:
        cmd.append("--no-multi-extent")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "index.json")) as f:
        index = json.load(f)
    return [os.path.join(out, i["image"]) for i in index["images"]]


def mutate(image, out, rng, flips):
    size = os.path.getsize(image)
    with open(image, "rb") as f:
        data = bytearray(f.read(min(size, 320 * 2048)))
    for _ in range(flips):
        at = rng.randrange(16 * 2048, max(16 * 2048 + 1, len(data)))
        if at < len(data):
            data[at] = rng.choice([0, 0xFF, rng.randrange(256), data[at] ^ (1 << rng.randrange(8))])
    shutil.copyfile(image, out)
    with open(out, "r+b") as f:
        f.write(data)
    return out


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--mkimg", required=True)
    p.add_argument("--count", type=int, default=40)
    p.add_argument("--mutants", type=int, default=2, help="mutated copies per image")
    p.add_argument("--flips", type=int, default=8, help="bytes changed per mutant")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--big", action="store_true",
                   help="include the files over 4 GiB (multi-extent; sparse images)")
    p.add_argument("--work")
    p.add_argument("--json")
    a = p.parse_args(argv)
    work = a.work or tempfile.mkdtemp(prefix="mkimg-diff-read-campaign.")
    os.makedirs(os.path.join(work, "corpus"), exist_ok=True)
    os.makedirs(os.path.join(work, "mutants"), exist_ok=True)
    images = generate(a.mkimg, os.path.join(work, "corpus"), a.count, a.seed, a.big)
    rng = random.Random(a.seed + 1)
    runs = [("corpus", i) for i in images]
    for image in images:
        for k in range(a.mutants):
            out = os.path.join(work, "mutants", "%s.m%d" % (os.path.basename(image), k))
            runs.append(("mutant", mutate(image, out, rng, a.flips)))
    per_reader = collections.defaultdict(collections.Counter)
    pairs = {"corpus": collections.Counter(), "mutant": collections.Counter()}
    quirks = collections.Counter()
    new_examples = []
    crashes = []
    exits = collections.Counter()
    for kind, image in runs:
        r = subprocess.run([a.mkimg, "diff-read", image, "--json", "--timeout", str(a.timeout)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        exits[(kind, r.returncode)] += 1
        if r.returncode not in (0, 1):
            per_reader["(all)"][kind + " unreadable"] += 1
            continue
        doc = json.loads(r.stdout.decode("utf-8", errors="replace"))
        for reader, per_ns in doc["readers"].items():
            for ns, state in per_ns.items():
                word = state.split(":")[0]
                if state.startswith("failed: timeout"):
                    word = "timeout"
                elif state.startswith("failed: crash"):
                    word = "crash"
                    crashes.append("%s %s %s: %s" % (image, reader, ns, state))
                per_reader[reader]["%s %s" % (kind, word)] += 1
        for key, n in doc["pairs"].items():
            pairs[kind][key] += n
        for d in doc["divergences"]:
            c = per_reader[d["reader"]]
            c["%s %s" % (kind, "known" if d["quirk"] else "new")] += 1
            if d["quirk"]:
                quirks["%s %s %s" % (kind, d["reader"], d["quirk"])] += 1
            elif len(new_examples) < 40:
                new_examples.append({"image": image, **d})
    print("images: %d generated, %d mutants; exit statuses %s" % (
        len(images), len(runs) - len(images),
        ", ".join("%s %d: %d" % (k, s, n) for (k, s), n in sorted(exits.items()))))
    print("\nper reader (namespace reads and divergences):")
    for reader in sorted(per_reader):
        c = per_reader[reader]
        print("  %-10s %s" % (reader, ", ".join("%s %d" % kv for kv in sorted(c.items()))))
    for kind in ("corpus", "mutant"):
        print("\npaths on which two readers disagree, %s images:" % kind)
        for key, n in sorted(pairs[kind].items(), key=lambda kv: (-kv[1], kv[0])):
            if n:
                print("  %-22s %d" % (key, n))
    print("\nknown quirks seen:")
    for key, n in sorted(quirks.items()):
        print("  %-60s %d" % (key, n))
    print("\nreaders killed by a signal (%d):" % len(crashes))
    for c in crashes:
        print("  " + c)
    print("\nnew divergences (first %d):" % len(new_examples))
    for d in new_examples:
        print("  %s: %s %s %s %s: %s (%s: %s)" % (os.path.basename(d["image"]), d["namespace"],
              d["path"], d["what"], d["reader"], d["value"], d["reference"],
              d["reference_value"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"per_reader": per_reader, "pairs": pairs, "quirks": quirks,
                       "new": new_examples, "crashes": crashes}, f, indent=1)
    print("\nwork folder: " + work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
