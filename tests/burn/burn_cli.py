#!/usr/bin/python3
"""End-to-end tests of `mkimg burn`, `erase`, `drives` and `verify --drive` (specs/burn.md):
images and manifests burned onto virtual discs through both transports — in process
(`--drive emu:FILE`) and through Linux SG_IO served by `mkimg emu run` and the preload
library (`--drive /dev/sr0`, the code path of real hardware) — then exported with
`mkimg emu export` and read back by xorriso (an independent ISO 9660 reader), byte-compared
with the image; plus exclusive access, two drives at once, faults, a source changing while
it burns, Ctrl-C, erase and reburn.

  burn_cli.py --mkimg PATH --preload LIB SCENARIO    run one scenario (exit 0 pass, 1 fail)
  burn_cli.py --list                                 print the scenario names
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MKIMG = None
PRELOAD = None
WORK = None

MEDIA = ("cd-r", "cd-rw", "dvd-r", "dvd-rw", "dvd+r", "dvd+rw", "dvd-r-dl", "dvd+r-dl",
         "dvd-ram", "bd-r", "bd-re", "bd-r-dl", "bd-re-dl")


class Failure(Exception):
    pass


def env():
    e = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1700000000",
         "MKIMG_PRELOAD_LIBRARY": PRELOAD, "TMPDIR": WORK}
    return e


def run(args, check=True, timeout=600):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, env=env(), cwd=WORK)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise Failure("%s exited %d:\n%s\n%s" % (" ".join(args), proc.returncode, out[-3000:],
                                                 err[-3000:]))
    return proc.returncode, out, err


def expect(cond, what):
    if not cond:
        raise Failure(what)


def media_names():
    _, out, _ = run([MKIMG, "emu", "new", "--help"], check=False)
    return MEDIA


def new_disc(media, name="disc", faults=()):
    path = os.path.join(WORK, "%s.%s.emu" % (name, media))
    run([MKIMG, "emu", "new", media, path] + list(faults))
    return path


def tree(name="tree", big=3 * 1024 * 1024):
    root = os.path.join(WORK, name)
    os.makedirs(os.path.join(root, "docs", "deep"), exist_ok=True)
    with open(os.path.join(root, "docs", "readme.txt"), "w") as f:
        f.write("hello from the burn engine\n" * 50)
    with open(os.path.join(root, "docs", "deep", "data.bin"), "wb") as f:
        f.write(bytes((i * 31 + 7) & 0xFF for i in range(big)))
    with open(os.path.join(root, "empty"), "w"):
        pass
    return root


def manifest(root, name="m.json"):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        json.dump({"mkimg": 1, "volume": {"id": "BURNTEST"},
                   "filesystems": {"iso9660": {"rock_ridge": True}, "joliet": {}},
                   "contents": [{"source": root + "/", "target": "/"}]}, f)
    return path


def image(root=None, name="img.iso"):
    root = root or tree()
    out = os.path.join(WORK, name)
    run([MKIMG, "build", manifest(root, name + ".json"), "-o", out])
    return out


def export(disc, name="export.iso"):
    out = os.path.join(WORK, name)
    if os.path.exists(out):
        os.remove(out)
    run([MKIMG, "emu", "export", disc, out])
    return out


def same_prefix(exported, img):
    a = open(exported, "rb").read()
    b = open(img, "rb").read()
    expect(len(a) >= len(b), "exported %d bytes < image %d" % (len(a), len(b)))
    expect(a[:len(b)] == b, "the exported disc differs from the image")
    expect(a[len(b):].count(0) == len(a) - len(b), "non-zero bytes after the image")


def xorriso_reads(exported, root):
    """xorriso lists the disc and extracts it; the files equal the source tree."""
    dest = os.path.join(WORK, "extracted-%d" % time.monotonic_ns())
    run(["xorriso", "-osirrox", "on", "-indev", exported, "-extract", "/", dest])
    for dirpath, _, files in os.walk(root):
        for f in files:
            src = os.path.join(dirpath, f)
            rel = os.path.relpath(src, root)
            got = os.path.join(dest, rel)
            expect(os.path.exists(got), "xorriso did not find %s on the disc" % rel)
            expect(open(got, "rb").read() == open(src, "rb").read(), "%s differs" % rel)


def emu_info(disc):
    _, out, _ = run([MKIMG, "emu", "info", disc, "--json"])
    return json.loads(out)


# ---- scenarios ------------------------------------------------------------------------

def burn_image_on(media, close):
    root = tree()
    img = image(root)
    disc = new_disc(media)
    args = [MKIMG, "burn", img, "--drive", "emu:" + disc, "--verify", "full", "--json"]
    if close:
        args.append("--close")
    _, out, _ = run(args)
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    result = lines[-1]
    expect(result["result"] == "ok" and result["verified"] == "full", out)
    actions = [l["action"] for l in lines[:-1]]
    for a in ("validating", "writing", "finalizing", "verifying", "done"):
        expect(a in actions, "no %s progress line: %s" % (a, actions))
    info = emu_info(disc)
    if media not in ("dvd+rw", "dvd-ram", "bd-re", "bd-re-dl"):
        expect(info["state"] == ("complete" if close else "appendable"),
               "%s left %s" % (media, info["state"]))
    exported = export(disc)
    same_prefix(exported, img)
    xorriso_reads(exported, root)


def manifest_streamed(media):
    """`mkimg burn MANIFEST`: built while burning, equal to `mkimg build` of it."""
    root = tree()
    m = manifest(root)
    built = os.path.join(WORK, "built.iso")
    run([MKIMG, "build", m, "-o", built])
    disc = new_disc(media)
    _, _, err = run([MKIMG, "burn", m, "--drive", "emu:" + disc, "--verify", "full", "--close"])
    expect("built while burning" in err, err)
    expect(not any(n.endswith(".iso") and n != "built.iso" for n in os.listdir(WORK)),
           "an intermediate image was written: %s" % os.listdir(WORK))
    exported = export(disc)
    same_prefix(exported, built)
    xorriso_reads(exported, root)


def sgio(media, tool_args=()):
    """The SG_IO transport (mmc::SgTransport) against the virtual recorder through the
    preload library: the same code path as a real /dev/sr0."""
    root = tree()
    img = image(root)
    disc = new_disc(media)
    run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", MKIMG, "burn", img,
         "--drive", "/dev/sr0", "--verify", "full", "--close"] + list(tool_args))
    exported = export(disc)
    same_prefix(exported, img)
    xorriso_reads(exported, root)
    _, out, _ = run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", MKIMG, "drives",
                     "--json"])
    listed = json.loads(out)
    expect(any(d.get("drive") == "/dev/sr0" and
               d["medium"]["state"] in ("complete", "overwritable") for d in listed), out)
    run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", MKIMG, "verify", "--drive",
         "/dev/sr0", img, "--full"])


def scenario_sgio_cd_r_sao():
    sgio("cd-r", ["--write-mode", "sao"])


def scenario_sgio_dvd_r_dao():
    sgio("dvd-r", ["--write-mode", "sao"])


def scenario_sgio_second_writer_refused():
    """Two mkimg processes burning the same /dev/sr0 under one `emu run`: the second is
    refused naming the first (its pid and command line)."""
    img = image(tree(big=8 * 1024 * 1024))
    disc = new_disc("dvd+r", faults=["--slow", "50"])
    script = ('"$0" burn "$1" --drive /dev/sr0 & first=$!; sleep 2; '
              '"$0" burn "$1" --drive /dev/sr0; echo "second=$? first=$first"; kill $first; '
              'wait $first; true')
    _, out, err = run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", "sh", "-c",
                       script, MKIMG, img])
    first = out.strip().split("first=")[-1]
    expect("second=1" in out, out + err)
    expect("/dev/sr0: the drive is in use by pid %s (" % first in err and "burn" in err, err)


def scenario_manifest_dvd_plus_r():
    manifest_streamed("dvd+r")


def scenario_manifest_bd_r():
    manifest_streamed("bd-r")


def scenario_manifest_cd_rw():
    manifest_streamed("cd-rw")


def scenario_cd_sao_and_dvd_dao():
    root = tree()
    img = image(root)
    for media in ("cd-r", "dvd-r", "dvd-rw"):
        disc = new_disc(media, name="sao")
        run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--write-mode", "sao", "--close",
             "--verify", "quick"])
        expect(emu_info(disc)["state"] == "complete", media)
        exported = export(disc)
        same_prefix(exported, img)
        xorriso_reads(exported, root)
        os.remove(disc)


def scenario_medium_errors():
    img = image()
    # A closed disc, an appendable one, a too small one: clear errors, exit 2, disc unchanged.
    disc = new_disc("cd-r")
    run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--close"])
    code, _, err = run([MKIMG, "burn", img, "--drive", "emu:" + disc], check=False)
    expect(code == 2 and "is closed" in err and "use a blank disc" in err, err)
    disc = new_disc("dvd+r")
    run([MKIMG, "burn", img, "--drive", "emu:" + disc])
    code, _, err = run([MKIMG, "burn", img, "--drive", "emu:" + disc], check=False)
    expect(code == 2 and "appendable" in err, err)
    big = os.path.join(WORK, "big.iso")
    with open(big, "wb") as f:
        f.truncate(800 * 1024 * 1024)
    disc = new_disc("cd-r", name="small")
    code, _, err = run([MKIMG, "burn", big, "--drive", "emu:" + disc], check=False)
    expect(code == 2 and "blocks free" in err, err)
    expect(emu_info(disc)["state"] == "blank", "a refused burn touched the disc")
    disc = new_disc("dvd+r", name="sim")
    code, _, err = run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--simulate"], check=False)
    expect(code == 2 and "no test write" in err, err)
    disc = new_disc("cd-rw", name="sim")
    run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--simulate"])
    expect(emu_info(disc)["state"] == "blank", "a simulated burn recorded something")
    code, _, err = run([MKIMG, "burn", img, "--drive", "emu:" + os.path.join(WORK, "nope")],
                       check=False)
    expect(code == 2 and "no such virtual disc" in err, err)


def scenario_faults():
    img = image()
    cases = [("dvd+r", ["--write-error", "100"], "write error"),
             ("bd-r", ["--power-loss-after", "5"], "transport failure"),
             ("cd-rw", ["--remove-after", "3"], "medium"),
             ("dvd-r", ["--wrong-medium"], "05/30/05")]
    for media, faults, text in cases:
        disc = new_disc(media, name="fault", faults=faults)
        code, out, err = run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--verify", "full"],
                             check=False)
        expect(code == 1, "%s %s: exit %d, never a false success:\n%s" % (media, faults, code, err))
        expect(text in err, "%s: %r not in %s" % (media, text, err))
        expect(err.count("\n") == 1 and err.startswith("mkimg: emu:"), "one line: " + err)
        os.remove(disc)


def scenario_full_verify_catches_one_sector():
    root = tree()
    img = image(root)
    disc = new_disc("dvd-ram")
    run([MKIMG, "burn", img, "--drive", "emu:" + disc])
    run([MKIMG, "verify", "--drive", "emu:" + disc, img, "--full"])
    bad = os.path.join(WORK, "bad.iso")
    data = bytearray(open(img, "rb").read())
    lba = len(data) // 2048 - 3
    data[lba * 2048 + 17] ^= 0x40
    open(bad, "wb").write(data)
    code, _, err = run([MKIMG, "verify", "--drive", "emu:" + disc, bad, "--full"], check=False)
    expect(code == 1 and ("LBA %d:" % lba) in err, "exit %d: %s" % (code, err))


def scenario_erase_and_reburn():
    root = tree()
    img = image(root)
    for media in ("cd-rw", "dvd-rw", "dvd+rw", "bd-re", "dvd-ram"):
        disc = new_disc(media, name="rw")
        run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--close"])
        for full in ([], ["--full"]):
            _, out, _ = run([MKIMG, "erase", "--drive", "emu:" + disc, "--json"] + full)
            expect('"action":"formatting"' in out and '"result":"ok"' in out, out)
        if media in ("cd-rw", "dvd-rw"):
            expect(emu_info(disc)["state"] == "blank", media)
        run([MKIMG, "burn", img, "--drive", "emu:" + disc, "--verify", "full"])
        exported = export(disc)
        same_prefix(exported, img)
        xorriso_reads(exported, root)
        os.remove(disc)
    disc = new_disc("bd-r", name="once")
    code, _, err = run([MKIMG, "erase", "--drive", "emu:" + disc], check=False)
    expect(code == 2 and "write-once" in err, err)


def scenario_two_drives():
    root = tree()
    img = image(root)
    a = new_disc("dvd+r", name="a")
    b = new_disc("bd-re", name="b")
    _, out, _ = run([MKIMG, "burn", img, "--drive", "emu:" + a, "--drive", "emu:" + b,
                     "--verify", "full", "--json"])
    results = [json.loads(l) for l in out.splitlines() if '"result"' in l]
    expect(sorted(r["drive"] for r in results) == sorted(["emu:" + a, "emu:" + b]), out)
    for disc in (a, b):
        exported = export(disc)
        same_prefix(exported, img)
        xorriso_reads(exported, root)
    code, _, err = run([MKIMG, "burn", img, "--drive", "emu:" + a, "--drive", "emu:" + a],
                       check=False)
    expect(code == 2 and "given twice" in err, err)


def slow_burn(disc, img, extra=()):
    return subprocess.Popen([MKIMG, "burn", img, "--drive", "emu:" + disc] + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), cwd=WORK)


def wait_for_writes(disc, proc, seconds=20):
    """Waits until the burn in `proc` holds the drive (its lock file names it)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        code, _, err = run([MKIMG, "drives", "--drive", "emu:" + disc], check=False)
        time.sleep(0.3)
        if proc.poll() is not None:
            raise Failure("the burn ended early: %s" % proc.stderr.read().decode())
        probe = subprocess.run([MKIMG, "erase", "--drive", "emu:" + disc], env=env(), cwd=WORK,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if b"in use by" in probe.stderr:
            return probe.stderr.decode()
    raise Failure("the burn never held the drive")


def scenario_exclusive_access():
    img = image(tree(big=8 * 1024 * 1024))
    disc = new_disc("dvd-rw", faults=["--slow", "100"])
    first = slow_burn(disc, img)
    try:
        err = wait_for_writes(disc, first)
        expect("pid %d" % first.pid in err and "mkimg burn" in err, err)
        # A program burning through `mkimg emu run` is refused too, naming the owner.
        code, _, err2 = run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", "true"],
                            check=False)
        expect(code != 0 and "pid %d" % first.pid in err2, err2)
        # A crashed owner frees the drive at once.
        first.kill()
        first.wait()
        run([MKIMG, "erase", "--drive", "emu:" + disc, "--full"])
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def scenario_cancel():
    img = image(tree(big=8 * 1024 * 1024))
    disc = new_disc("dvd-r", faults=["--slow", "50"])
    proc = slow_burn(disc, img)
    wait_for_writes(disc, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    err = err.decode()
    expect(proc.returncode == 1, "exit %d: %s" % (proc.returncode, err))
    expect("cancelled at LBA" in err and "unfinished track" in err, err)
    info = emu_info(disc)
    expect(info["state"] == "appendable" or info["tracks"][0]["recorded"] > 0, str(info))


def scenario_source_changes_mid_burn():
    """A file the build has not reached yet changes while the disc is being written: the
    burn stops with an error naming it (fs::Emit's check against the plan) and says what
    the medium holds, never a success."""
    root = tree(big=24 * 1024 * 1024)
    late = os.path.join(root, "docs", "deep", "zz_late.txt")
    with open(late, "w") as f:
        f.write("as planned\n")
    m = manifest(root)
    disc = new_disc("dvd+r", faults=["--slow", "20"])
    proc = slow_burn(disc, m)
    wait_for_writes(disc, proc)
    with open(late, "a") as f:
        f.write("changed while burning\n")
    _, err = proc.communicate(timeout=300)
    err = err.decode()
    expect(proc.returncode != 0, "a changed source burned as if nothing happened: " + err)
    expect("zz_late.txt" in err and "changed" in err and "unfinished track" in err, err)


def make_bin_cue(iso, audio_seconds=3):
    """A cdrdao-compatible BIN/CUE: track 1 MODE1/2352 holding `iso` (sync, BCD MSF header,
    mode 1, user data; EDC/ECC left zero, the drive keeps host sectors as sent), track 2
    AUDIO with a 2 s pre-gap in the BIN (INDEX 00)."""
    data = open(iso, "rb").read()
    blocks = len(data) // 2048
    out = bytearray()
    sync = b"\x00" + b"\xff" * 10 + b"\x00"
    bcd = lambda v: (v // 10) * 16 + v % 10
    for lba in range(blocks):
        a = lba + 150
        header = bytes([bcd(a // 4500), bcd(a // 75 % 60), bcd(a % 75), 1])
        out += sync + header + data[lba * 2048:(lba + 1) * 2048] + bytes(288)
    audio0 = len(out) // 2352
    out += bytes(150 * 2352)  # the pre-gap of track 2 (INDEX 00)
    audio1 = len(out) // 2352
    out += bytes((i * 7) & 0xFF for i in range(audio_seconds * 75 * 2352))
    bin_path = os.path.join(WORK, "disc.bin")
    open(bin_path, "wb").write(out)
    msf = lambda s: "%02d:%02d:%02d" % (s // 4500, s // 75 % 60, s % 75)
    cue = os.path.join(WORK, "disc.cue")
    with open(cue, "w") as f:
        f.write('FILE "disc.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n'
                '  TRACK 02 AUDIO\n    INDEX 00 %s\n    INDEX 01 %s\n' % (msf(audio0), msf(audio1)))
    return cue, blocks


def scenario_raw_dao_bin_cue():
    """A BIN/CUE burned Disc-at-Once: the data track reads back as the ISO (exported,
    xorriso), cdrdao read-toc lists a MODE1 and an AUDIO track."""
    root = tree()
    img = image(root)
    cue, blocks = make_bin_cue(img)
    for media in ("cd-r", "cd-rw"):
        disc = new_disc(media, name="dao")
        run([MKIMG, "burn", cue, "--drive", "emu:" + disc])
        info = emu_info(disc)
        expect(info["state"] == "complete", str(info))
        expect([t["mode"] for t in info["tracks"]] == ["data", "audio"], str(info))
        exported = export(disc)
        same_prefix(exported, img)
        xorriso_reads(exported, root)
        toc = os.path.join(WORK, "dao.toc")
        run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", "cdrdao", "read-toc",
             "--device", "/dev/sr0", toc])
        text = open(toc).read()
        expect("TRACK MODE1" in text and "TRACK AUDIO" in text, text)
        os.remove(disc)
        os.remove(toc)
    code, _, err = run([MKIMG, "burn", cue, "--drive", "emu:" + new_disc("dvd-r", "x")],
                       check=False)
    expect(code == 2 and "blank CD-R or CD-RW" in err, err)


def scenario_audio_tao():
    """WAV files burned Track-at-Once; cdrdao (an independent reader) reads the TOC back
    through the preload library: two audio tracks of the right lengths."""
    import wave
    wavs = []
    for name, seconds, mul in (("a.wav", 5, 3), ("b.wav", 3, 5)):
        path = os.path.join(WORK, name)
        w = wave.open(path, "wb")
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes((i * mul) & 0xFF for i in range(44100 * 4 * seconds)))
        w.close()
        wavs.append(path)
    disc = new_disc("cd-r")
    run([MKIMG, "burn"] + wavs + ["--drive", "emu:" + disc, "--isrc", "USABC2600001", "-",
                                  "--mcn", "0123456789012"])
    info = emu_info(disc)
    expect(info["state"] == "complete", str(info))
    expect([t["mode"] for t in info["tracks"]] == ["audio", "audio"], str(info))
    expect([t["recorded"] for t in info["tracks"]] == [375, 300], str(info))
    toc = os.path.join(WORK, "read.toc")
    run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", "cdrdao", "read-toc",
         "--device", "/dev/sr0", toc])
    text = open(toc).read()
    expect(text.count("TRACK AUDIO") == 2, text)
    # Track 1 runs to track 2's start: 375 sectors + 152 (run-out and 2 s pre-gap) = 7:02.
    expect('FILE "data.wav" 0 00:07:02' in text and "00:07:02 00:04:00" in text, text)
    # Not CD audio, or a DVD: refused.
    bad = os.path.join(WORK, "mono.wav")
    w = wave.open(bad, "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(22050)
    w.writeframes(b"\0" * 1000)
    w.close()
    code, _, err = run([MKIMG, "burn", bad, "--drive", "emu:" + new_disc("cd-r", "m")],
                       check=False)
    expect(code == 2 and "16-bit stereo 44.1 kHz" in err, err)
    code, _, err = run([MKIMG, "burn", wavs[0], "--drive", "emu:" + new_disc("dvd+r", "m")],
                       check=False)
    expect(code == 2 and "need a CD-R or CD-RW" in err, err)


def scenario_drives_listing():
    disc = new_disc("bd-r")
    _, out, _ = run([MKIMG, "drives", "--drive", "emu:" + disc, "--json"])
    listed = [d for d in json.loads(out) if d["drive"] == "emu:" + disc]
    expect(len(listed) == 1, out)
    d = listed[0]
    expect(d["vendor"] == "MKIMG" and "BD-R" in d["profiles"] and d["medium"]["profile"] == "BD-R",
           out)
    expect(d["medium"]["state"] == "blank" and d["medium"]["free_blocks"] > 12000000, out)
    expect(d["medium"]["write_speeds"], out)
    _, out, _ = run([MKIMG, "drives", "--drive", "emu:" + disc])
    expect("BD-R, blank" in out, out)


SCENARIOS = {}
for _m in MEDIA:
    SCENARIOS["sgio_" + _m] = lambda m=_m: sgio(m)
for _m in MEDIA:
    for _close in (False, True):
        SCENARIOS["image_%s_%s" % (_m, "close" if _close else "append")] = (
            lambda m=_m, c=_close: burn_image_on(m, c))
for _name, _fn in list(globals().items()):
    if _name.startswith("scenario_"):
        SCENARIOS[_name[len("scenario_"):]] = _fn


def main():
    global MKIMG, PRELOAD, WORK
    parser = argparse.ArgumentParser()
    parser.add_argument("--mkimg")
    parser.add_argument("--preload")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("scenario", nargs="?")
    a = parser.parse_args()
    if a.list:
        print("\n".join(SCENARIOS))
        return 0
    MKIMG = os.path.abspath(a.mkimg)
    PRELOAD = os.path.abspath(a.preload)
    WORK = tempfile.mkdtemp(prefix="mkimg-burn-")
    try:
        SCENARIOS[a.scenario]()
        print("PASS", a.scenario)
        return 0
    except Failure as e:
        print("FAIL", a.scenario, e)
        return 1
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
