#!/usr/bin/python3
"""A differential-reading campaign: `mkimg diff-read` over a generated corpus of images
and over byte-mutated copies of them, with counts per reader and per reader pair
(specs/diff-read.md).

The corpus comes from `mkimg corpus DIR --count N --seed S` when this mkimg has that
command; otherwise from the small generator below, which writes manifests covering ISO
levels 1-3, Rock Ridge (long NM names, SL chains, relocated deep directories), Joliet
(64- and 103-unit names), UDF revisions 1.02-2.60 with and without the metadata mirror,
symbolic links, empty files and folders, non-ASCII names, trailing dots and, with
--big, 5 GiB sparse files (multi-extent in ISO 9660) — each deterministic from the seed.
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

T0 = "2026-01-01T00:00:00Z"
NAMES = ["readme.txt", "a", "Data.BIN", "trailing.dot.", "with space", "ünïcödé.txt",
         "日本語", "x" * 70 + ".txt", "y" * 100, "UPPER", "lower.", "a.b.c.d", "n;1"]


def manifest(rng, index):
    """One manifest of random features, and a name describing them."""
    level = rng.choice([1, 2, 3, 3])
    fs = {"iso9660": {"level": level, "rock_ridge": rng.random() < 0.8}}
    features = ["l%d" % level]
    if fs["iso9660"]["rock_ridge"]:
        features.append("rr")
        if rng.random() < 0.4:
            fs["iso9660"]["relocate_deep_directories"] = True
            features.append("reloc")
    if rng.random() < 0.7:
        fs["joliet"] = {"long_names": rng.random() < 0.4}
        features.append("joliet-long" if fs["joliet"]["long_names"] else "joliet")
    if rng.random() < 0.5:
        rev = rng.choice(["1.02", "1.50", "2.01", "2.50", "2.60"])
        fs["udf"] = {"revision": rev}
        if rev in ("2.50", "2.60") and rng.random() < 0.5:
            fs["udf"]["redundant_metadata"] = True
        features.append("udf" + rev.replace(".", ""))
    contents = []
    for i in range(rng.randint(1, 8)):
        name = rng.choice(NAMES)
        folder = "/".join(rng.choice(["d", "e", "long-folder-name"]) for _ in range(rng.randint(0, 3)))
        target = "/" + (folder + "/" if folder else "") + name
        kind = rng.random()
        if kind < 0.5:
            contents.append({"target": target, "text": "%d %s\n" % (i, name) * rng.randint(1, 300)})
        elif kind < 0.65:
            contents.append({"target": target, "size": rng.choice([0, 1, 2047, 2048, 2049, 70000])})
        elif kind < 0.8:
            contents.append({"target": target, "symlink": rng.choice(["a", "../x/y", "/abs/t" * 10])})
        else:
            contents.append({"target": target, "directory": True})
    if rng.random() < 0.3:
        contents.append({"target": "/" + "/".join("l%d" % k for k in range(10)) + "/deep.txt",
                         "text": "deep\n"})
        features.append("deep")
    if BIG and rng.random() < 0.15:
        contents.append({"target": "/big.bin", "size": 5 << 30})
        features.append("5gib")
    doc = {"mkimg": 1, "volume": {"id": "C%04d" % index, "timestamp": T0},
           "filesystems": fs, "contents": contents}
    return doc, "-".join(features)


def generate(mkimg, out, count, seed):
    """Images in out/; returns their paths. Uses `mkimg corpus` when available."""
    probe = subprocess.run([mkimg, "corpus", "--help"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if probe.returncode == 0:
        subprocess.run([mkimg, "corpus", out, "--count", str(count), "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
        return sorted(os.path.join(out, f) for f in os.listdir(out)
                      if not f.endswith(".json"))
    rng = random.Random(seed)
    images = []
    for i in range(count):
        doc, name = manifest(rng, i)
        m = os.path.join(out, "%03d-%s.json" % (i, name))
        with open(m, "w") as f:
            json.dump(doc, f)
        image = m[:-5] + ".iso"
        r = subprocess.run([mkimg, "build", m, "-o", image], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if r.returncode == 0:
            images.append(image)
        else:
            print("skipped manifest %s: %s" % (m, r.stderr.decode(errors="replace").strip()),
                  file=sys.stderr)
    return images


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
    global BIG
    p = argparse.ArgumentParser()
    p.add_argument("--mkimg", required=True)
    p.add_argument("--count", type=int, default=40)
    p.add_argument("--mutants", type=int, default=2, help="mutated copies per image")
    p.add_argument("--flips", type=int, default=8, help="bytes changed per mutant")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--big", action="store_true", help="include 5 GiB sparse files")
    p.add_argument("--work")
    p.add_argument("--json")
    a = p.parse_args(argv)
    BIG = a.big
    work = a.work or tempfile.mkdtemp(prefix="mkimg-diff-read-campaign.")
    os.makedirs(os.path.join(work, "corpus"), exist_ok=True)
    os.makedirs(os.path.join(work, "mutants"), exist_ok=True)
    images = generate(a.mkimg, os.path.join(work, "corpus"), a.count, a.seed)
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


BIG = False
if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
