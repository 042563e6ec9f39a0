#!/usr/bin/python3
"""Raw CDs (specs/rawcd.md) checked against independent readers: `mkimg build CD.json -o
disc.cue` writes BIN/CUE/TOC, and libcdio's cd-info, cdrdao (show-toc, toc-info,
show-data) and bchunk read them back. Audio must come out of bchunk bit-exact with the
WAV sources, the data track equal to the image mkimg builds from the same manifest, raw
data sectors must carry a valid EDC (computed here bit by bit from ECMA-130 14.4), and
the .sub file's Q frames a valid CRC (IEC 60908 17.5, bitwise here) at the positions
the CUE sheet gives. The WAVs are generated here, deterministic and short.

  rawcd_tests.py --mkimg PATH SCENARIO     run one scenario (exit 0 pass, 1 fail, 77 skip)
  rawcd_tests.py --list                    print the scenario names
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import wave

MKIMG = None
WORK = None
SECTOR = 2352
TIMESTAMP = "2026-01-01T00:00:00Z"


class Failure(Exception):
    pass


def run(args, check=True, timeout=300):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=WORK,
                          timeout=timeout, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    out = proc.stdout.decode("latin-1")
    err = proc.stderr.decode("latin-1")
    if check and proc.returncode != 0:
        raise Failure("%s exited %d:\n%s\n%s" % (" ".join(args), proc.returncode, out[-3000:],
                                                 err[-3000:]))
    return proc.returncode, out, err


def expect(cond, what):
    if not cond:
        raise Failure(what)


def contains(text, needle, tool):
    expect(needle in text, "%s: expected %r in:\n%s" % (tool, needle, text[-4000:]))


def write_wav(name, frames, seed, rate=44100, channels=2, width=2):
    """A deterministic WAV of pseudo-random samples; returns its sample bytes."""
    data = bytearray()
    x = seed
    for _ in range(frames * channels):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        data += struct.pack("<H", (x >> 8) & 0xFFFF)[:width] if width <= 2 else b"\0" * width
    path = os.path.join(WORK, name)
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(data))
    return bytes(data)


def write_manifest(name, cd, extra=None):
    m = {"mkimg": 1, "cd": cd}
    if extra:
        m.update(extra)
    with open(os.path.join(WORK, name), "w") as f:
        json.dump(m, f, indent=1)
    return name


def make_tree():
    root = os.path.join(WORK, "extras")
    os.makedirs(os.path.join(root, "docs"))
    with open(os.path.join(root, "hello.txt"), "w") as f:
        f.write("hello from the data track\n")
    with open(os.path.join(root, "docs", "big.bin"), "wb") as f:
        f.write(bytes((i * 7) & 0xFF for i in range(300000)))
    return {"volume": {"id": "EXTRAS", "timestamp": TIMESTAMP},
            "contents": [{"source": "extras/", "target": "/"}]}


def reference_iso(data_manifest):
    """The image mkimg builds from the data track's manifest on its own."""
    m = dict(data_manifest)
    m["mkimg"] = 1
    with open(os.path.join(WORK, "data.json"), "w") as f:
        json.dump(m, f)
    run([MKIMG, "build", "data.json", "-o", "data.iso", "--quiet"])
    with open(os.path.join(WORK, "data.iso"), "rb") as f:
        return f.read()


def read(name):
    with open(os.path.join(WORK, name), "rb") as f:
        return f.read()


# ---- independent codecs (from the standards, not from mkimg's sources) -------------------

def edc(data):
    """ECMA-130 14.4: x^32+x^31+x^16+x^15+x^4+x^3+x+1, LSB first, preset 0."""
    poly = 0xD8018001  # the reflected polynomial
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def crc16_q(data):
    """IEC 60908 17.5 / ECMA-130 22.3.6: x^16+x^12+x^5+1, preset 0, stored inverted."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc ^ 0xFFFF


def bcd(v):
    return (v // 10) << 4 | v % 10


def msf_of_lba(lba):
    a = lba + 150
    return a // 4500, a // 75 % 60, a % 75


def check_raw_mode1(sector, lba):
    expect(sector[:12] == b"\x00" + b"\xff" * 10 + b"\x00", "LBA %d: no sync" % lba)
    m, s, f = msf_of_lba(lba)
    expect(sector[12:16] == bytes([bcd(m), bcd(s), bcd(f), 1]),
           "LBA %d: header %s" % (lba, sector[12:16].hex()))
    expect(struct.unpack("<I", sector[2064:2068])[0] == edc(sector[:2064]),
           "LBA %d: EDC does not match ECMA-130 14.4" % lba)


def cd_info(cue):
    _, out, err = run(["cd-info", "--no-device-info", "--no-cddb", "--cue-file", cue])
    return out + err


def cd_info_tracks(text):
    """cd-info's track list: number -> (lsn, type, copy, preemphasis)."""
    tracks = {}
    in_list = False
    for line in text.splitlines():
        if "#: MSF" in line:
            in_list = True
            continue
        if in_list:
            parts = line.split()
            if not parts or not parts[0].endswith(":"):
                break
            tracks[int(parts[0][:-1])] = parts[2:]
    return tracks


def bchunk(cue, bin_name="disc.bin", prefix="out"):
    run(["bchunk", "-w", bin_name, cue, prefix])


def wav_samples(path):
    with wave.open(os.path.join(WORK, path), "rb") as w:
        return w.readframes(w.getnframes())


def sectors(n_bytes):
    return (n_bytes + SECTOR - 1) // SECTOR


# ---- scenarios ---------------------------------------------------------------------------

def mixed_mode():
    """A data track from a manifest, then three audio tracks: a 2-s pre-gap with ISRC,
    a gapless pair (the middle one with an index 2 and a length that is no whole sector),
    copy and pre-emphasis flags, MCN and CD-TEXT on the album and every track."""
    a = write_wav("a.wav", 588 * 310, 1)
    b = write_wav("b.wav", 588 * 305 + 100, 2)
    c = write_wav("c.wav", 588 * 320, 3)
    data = make_tree()
    write_manifest("cd.json", {
        "catalog": "0123456789012",
        "text": {"title": "Album", "performer": "Band", "songwriter": "Writer"},
        "tracks": [
            {"data": data, "text": {"title": "Data", "performer": "Band"}},
            {"audio": "a.wav", "pregap": "00:02:00", "isrc": "USABC2600001",
             "text": {"title": "One", "performer": "Singer A"}},
            {"audio": "b.wav", "pregap": 0, "indexes": ["00:01:00"],
             "text": {"title": "Two", "performer": "Singer B"}},
            {"audio": "c.wav", "pregap": 0, "copy": True, "pre_emphasis": True,
             "text": {"title": "Three", "performer": "Singer C"}},
        ]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--quiet"])
    iso = reference_iso(data)
    iso_blocks = len(iso) // 2048
    data_sectors = max(iso_blocks, 300)
    t2 = data_sectors + 150          # audio track 2 after its 2-s pre-gap
    t3 = t2 + sectors(len(a))        # gapless
    t4 = t3 + sectors(len(b))
    leadout = t4 + sectors(len(c))

    # libcdio: the track list, flags, MCN, CD-TEXT from the .cdt packs and the ISO 9660.
    info = cd_info("disc.cue")
    tracks = cd_info_tracks(info)
    expect(tracks.get(1, [None, None])[:2] == ["000000", "data"], "cd-info track 1: %s" % tracks)
    expect(tracks.get(2, [None])[0] == "%06d" % t2, "cd-info track 2 at %s, expected %d" %
           (tracks.get(2), t2))
    expect(tracks.get(3, [None])[0] == "%06d" % t3, "cd-info track 3: %s" % tracks.get(3))
    expect(tracks.get(4, [None])[0] == "%06d" % t4, "cd-info track 4: %s" % tracks.get(4))
    expect(tracks.get(170, [None])[0] == "%06d" % leadout, "cd-info lead-out: %s" % tracks.get(170))
    expect(tracks[2][1:5] == ["audio", "false", "no", "2"] and tracks[2][5] == "no",
           "cd-info track 2 flags: %s" % tracks[2])
    expect(tracks[4][3] == "yes" and tracks[4][5] == "yes", "cd-info track 4 flags: %s" % tracks[4])
    contains(info, "Media Catalog Number (MCN): 0123456789012", "cd-info")
    contains(info, "ISO 9660: %d blocks, label `EXTRAS" % iso_blocks, "cd-info")
    for line in ["CD-TEXT for Disc:", "TITLE: Album", "PERFORMER: Band", "SONGWRITER: Writer",
                 "UPC_EAN: 0123456789012", "TITLE: Three", "PERFORMER: Singer C",
                 "ISRC: USABC2600001"]:
        contains(info, line, "cd-info")
    # Each track's CD-TEXT under its own number (the packs' track numbering).
    sections = info.split("CD-TEXT for Track")
    for number, title in [(1, "Data"), (2, "One"), (3, "Two"), (4, "Three")]:
        part = [s for s in sections if s.strip().startswith("%d:" % number)]
        expect(part and "TITLE: %s" % title in part[0].split("CD-TEXT for")[0],
               "cd-info: track %d's CD-TEXT title is not %r" % (number, title))

    # cdrdao: the TOC file, its CD-TEXT, ISRC, catalog, pre-gap, index, and the samples.
    _, toc, _ = run(["cdrdao", "show-toc", "disc.toc"])
    contains(toc, "CATALOG NUMBER: 0123456789012", "cdrdao show-toc")
    contains(toc, "ISRC US ABC 26 00001", "cdrdao show-toc")
    contains(toc, "PREGAP 00:02:00(   150)", "cdrdao show-toc")
    contains(toc, "INDEX  2", "cdrdao show-toc")
    contains(toc, "END    %s(%6d)" % ("%02d:%02d:%02d" % (leadout // 4500, leadout // 75 % 60,
                                                            leadout % 75), leadout),
             "cdrdao show-toc")
    contains(toc, "COPY PERMITTED", "cdrdao show-toc")
    contains(toc, "PRE-EMPHASIS", "cdrdao show-toc")
    _, ti, _ = run(["cdrdao", "toc-info", "disc.toc"])
    contains(ti, "4 tracks", "cdrdao toc-info")
    contains(ti, "%d blocks" % leadout, "cdrdao toc-info")
    _, toc_text, _ = run(["cdrdao", "toc-info", "disc.toc"], check=False)
    text = read("disc.toc").decode("latin-1")
    contains(text, 'TITLE "Album"', "disc.toc")
    # show-data prints the samples cdrdao would send: the first frame of track 2 must be
    # the WAV's (this catches a wrong byte order of audio in the BIN or the TOC).
    _, data_dump, _ = run(["cdrdao", "show-data", "disc.toc"], timeout=600)
    frames = {}
    for line in data_dump.splitlines():
        head, _, rest = line.partition(":")
        if head.strip().isdigit() and len(rest.split()) == 2:
            frames[int(head)] = tuple(int(v) for v in rest.split())
    for k in range(3):
        want = struct.unpack("<hh", a[4 * k:4 * k + 4])
        got = frames.get(t2 * 588 + k)
        expect(got == want, "cdrdao show-data: frame %d of track 2 is %s, the WAV has %s "
               "(byte order?)" % (k, got, want))

    # bchunk: split into tracks; audio bit-exact, data equal to the image.
    bchunk("disc.cue")
    out1 = read("out01.iso")
    expect(out1[:len(iso)] == iso, "bchunk track 1 differs from the image mkimg builds alone")
    expect(out1[len(iso):] == bytes(len(out1) - len(iso)), "track 1 padding is not zero")
    out2 = wav_samples("out02.wav")
    expect(out2 == a, "bchunk track 2 is not a.wav's samples (%d vs %d bytes)" % (len(out2), len(a)))
    # bchunk starts a track at its last INDEX line (index 2 of track 3, 75 sectors in).
    out3 = wav_samples("out03.wav")
    tail_b = b[75 * SECTOR:]
    expect(out3[:len(tail_b)] == tail_b and out3[len(tail_b):] == bytes(len(out3) - len(tail_b)),
           "bchunk track 3 is not b.wav from index 2, padded with silence")
    out4 = wav_samples("out04.wav")
    expect(out4 == c, "bchunk track 4 is not c.wav's samples")

    # The raw data sectors: sync, header and EDC of each, computed here.
    disc = read("disc.bin")
    for lba in list(range(0, 20)) + [iso_blocks - 1, data_sectors - 1]:
        check_raw_mode1(disc[lba * SECTOR:(lba + 1) * SECTOR], lba)
    # Track 2's pre-gap is silence.
    expect(disc[data_sectors * SECTOR:t2 * SECTOR] == bytes(150 * SECTOR), "pre-gap not silent")


def subchannel():
    """--cue-mode raw+subchannel: NAME.sub, 96 bytes a sector (CloneCD layout: 12 bytes P,
    12 bytes Q, 72 bytes R-W). Every Q frame's CRC, the position frames' track, index and
    times, the MCN and ISRC frames and P in the pre-gaps."""
    a = write_wav("a.wav", 588 * 320, 4)
    b = write_wav("b.wav", 588 * 300, 5)
    write_manifest("cd.json", {
        "catalog": "4006381333931",
        "tracks": [
            {"audio": "a.wav", "isrc": "DEXYZ2600042"},
            {"audio": "b.wav", "pregap": "00:01:00", "indexes": [100]},
        ]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--cue-mode", "raw+subchannel", "--quiet"])
    disc = read("disc.bin")
    sub = read("disc.sub")
    total = len(disc) // SECTOR
    expect(len(sub) == total * 96, "disc.sub holds %d bytes for %d sectors" % (len(sub), total))
    t2_pregap = 320
    t2 = t2_pregap + 75
    seen = {"mcn": 0, "isrc": 0, "pos": 0}
    for lba in range(total):
        block = sub[lba * 96:(lba + 1) * 96]
        p, q = block[:12], block[12:24]
        expect(block[24:] == bytes(72), "LBA %d: R-W not zero" % lba)
        expect(struct.unpack(">H", q[10:12])[0] == crc16_q(q[:10]), "LBA %d: bad Q CRC" % lba)
        adr = q[0] & 0x0F
        pause = t2_pregap <= lba < t2
        expect(p == (b"\xff" * 12 if pause else bytes(12)), "LBA %d: P flag" % lba)
        if adr == 2:
            digits = "".join("%x" % (q[1 + i // 2] >> (4 * (1 - i % 2)) & 0xF) for i in range(13))
            expect(digits == "4006381333931", "LBA %d: MCN %s" % (lba, digits))
            seen["mcn"] += 1
            continue
        if adr == 3:
            bits = int.from_bytes(q[1:9], "big")
            chars = "".join(chr(0x30 + (bits >> (58 - 6 * i) & 0x3F)) for i in range(5))
            digits = "".join(str(bits >> (28 - 4 * i) & 0xF) for i in range(7))
            expect(chars + digits == "DEXYZ2600042", "LBA %d: ISRC %s" % (lba, chars + digits))
            expect(lba < t2_pregap, "LBA %d: ISRC frame outside track 1" % lba)
            seen["isrc"] += 1
            continue
        expect(adr == 1, "LBA %d: ADR %d" % (lba, adr))
        seen["pos"] += 1
        track = 1 if lba < t2_pregap else 2
        index = 0 if pause else (2 if lba >= t2 + 100 else 1)
        expect(q[1] == bcd(track) and q[2] == bcd(index),
               "LBA %d: track/index %02x/%02x, expected %d/%d" % (lba, q[1], q[2], track, index))
        rel = (t2 - lba - 1) if pause else lba - (0 if track == 1 else t2)
        expect(q[3:6] == bytes([bcd(rel // 4500), bcd(rel // 75 % 60), bcd(rel % 75)]),
               "LBA %d: relative time %s, expected %d" % (lba, q[3:6].hex(), rel))
        m, s, f = msf_of_lba(lba)
        expect(q[7:10] == bytes([bcd(m), bcd(s), bcd(f)]), "LBA %d: absolute time" % lba)
    # IEC 60908 17.5.1: MCN and ISRC at least once in 100 frames, position 9 of 10.
    expect(seen["mcn"] >= total // 100, "only %d MCN frames" % seen["mcn"])
    expect(seen["isrc"] >= t2_pregap // 100, "only %d ISRC frames" % seen["isrc"])
    expect(seen["pos"] >= total * 9 // 10, "only %d position frames" % seen["pos"])
    info = cd_info("disc.cue")
    contains(info, "Media Catalog Number (MCN): 4006381333931", "cd-info")


def hidden_track():
    """Hidden track one audio: track 1's pre-gap holds a WAV (index 0 from 00:00:00 of the
    BIN), tracks numbered from 5; a data track after audio needs its 2-s pre-gap."""
    h = write_wav("htoa.wav", 588 * 200, 6)
    a = write_wav("a.wav", 588 * 300, 7)
    data = make_tree()
    write_manifest("cd.json", {
        "first_track": 5,
        "tracks": [
            {"audio": "a.wav", "pregap_audio": "htoa.wav"},
            {"data": data, "mode": "mode2-form1"},
        ]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--quiet"])
    cue = read("disc.cue").decode()
    contains(cue, "TRACK 05 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:02:50", "disc.cue")
    contains(cue, "TRACK 06 MODE2/2352", "disc.cue")
    disc = read("disc.bin")
    expect(disc[:len(h)] == h, "the BIN does not start with the hidden track's samples")
    expect(disc[200 * SECTOR:200 * SECTOR + len(a)] == a, "track 5's samples are not at index 1")
    info = cd_info("disc.cue")
    tracks = cd_info_tracks(info)
    expect(tracks.get(5, [None])[0] == "000200", "cd-info track 5: %s" % tracks)
    # cd-info calls a Mode 2 (CD-ROM XA) track "XA".
    expect(tracks.get(6, [None])[:2] == ["000650", "XA"], "cd-info track 6: %s" % tracks)
    _, toc, _ = run(["cdrdao", "show-toc", "disc.toc"])
    contains(toc, "TOC TYPE: CD_ROM_XA", "cdrdao show-toc")
    # A TOC file has no first track number: cdrdao numbers from 1 (specs/rawcd.md).
    contains(toc, "TRACK  1  Mode AUDIO", "cdrdao show-toc")
    contains(toc, "START  00:02:50(   200)", "cdrdao show-toc")
    contains(toc, "TRACK  2  Mode MODE2_RAW", "cdrdao show-toc")
    contains(toc, "START  00:08:50(   650)", "cdrdao show-toc")
    contains(toc, "PREGAP 00:02:50(   200)", "cdrdao show-toc")
    # Mode 2 Form 1 sectors of track 6: header mode 2, sub-header twice, EDC over 16-2071.
    iso = reference_iso(data)
    for k in (0, 16, len(iso) // 2048 - 1):
        lba = 650 + k
        s = disc[lba * SECTOR:(lba + 1) * SECTOR]
        m, sec, f = msf_of_lba(lba)
        expect(s[12:16] == bytes([bcd(m), bcd(sec), bcd(f), 2]), "LBA %d: Mode 2 header" % lba)
        expect(s[16:20] == s[20:24], "LBA %d: sub-header copies differ" % lba)
        expect(struct.unpack("<I", s[2072:2076])[0] == edc(s[16:2072]), "LBA %d: Form 1 EDC" % lba)
    # The file system is planned at the track's LBA: its blocks there are mkimg's image
    # planned at 650, so compare what does not hold addresses: the file's bytes.
    big = bytes((i * 7) & 0xFF for i in range(300000))
    user = b"".join(disc[(650 + k) * SECTOR + 24:(650 + k) * SECTOR + 24 + 2048]
                    for k in range(len(iso) // 2048))
    expect(big in user, "the data track does not hold docs/big.bin")


def cooked():
    """--cue-mode cooked of a data-only disc: the BIN is the image itself (MODE1/2048);
    a disc with audio too is refused (one sector size a BIN)."""
    data = make_tree()
    write_manifest("cd.json", {"tracks": [{"data": data}]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--cue-mode", "cooked", "--quiet"])
    iso = reference_iso(data)
    disc = read("disc.bin")
    expect(disc[:len(iso)] == iso and disc[len(iso):] == bytes(len(disc) - len(iso)),
           "the cooked BIN is not the image")
    contains(read("disc.cue").decode(), "TRACK 01 MODE1/2048", "disc.cue")
    # libcdio 2.1 reads a MODE1/2048 BIN as if its sectors were 2352 bytes (lead-out and
    # file system wrong: specs/rawcd.md "Readers"); it reads the cooked BIN as the image.
    _, info, _ = run(["iso-info", "--no-header", "-d", "-i", "disc.bin"])
    contains(info, "Volume      : EXTRAS", "iso-info")
    _, files, _ = run(["iso-info", "--no-header", "-f", "-i", "disc.bin"])
    contains(files, "/docs/big.bin", "iso-info -f")
    _, toc, _ = run(["cdrdao", "show-toc", "disc.toc"])
    contains(toc, "TRACK  1  Mode MODE1:", "cdrdao show-toc")
    write_wav("a.wav", 588 * 300, 8)
    write_manifest("mixed.json", {"tracks": [{"data": data}, {"audio": "a.wav"}]})
    rc, _, err = run([MKIMG, "build", "mixed.json", "-o", "mixed.cue", "--cue-mode", "cooked"],
                     check=False)
    expect(rc == 2 and "--cue-mode cooked" in err, "mixed cooked disc: rc %d %s" % (rc, err))
    expect(not os.path.exists(os.path.join(WORK, "mixed.bin")), "mixed.bin left behind")


def bad_input():
    """Each bad input: exit 2, one line naming where, no file written."""
    write_wav("good.wav", 588 * 300, 9)
    write_wav("mono.wav", 588 * 300, 10, channels=1)
    write_wav("48k.wav", 588 * 300, 11, rate=48000)
    write_wav("short.wav", 588 * 299, 12)
    write_wav("trunc.wav", 588 * 300, 13)
    with open(os.path.join(WORK, "trunc.wav"), "r+b") as f:
        f.truncate(44 + 1000)
    with open(os.path.join(WORK, "noise.wav"), "wb") as f:
        f.write(b"not a wav file at all")
    cases = [
        ({"tracks": [{"audio": "mono.wav"}]}, "mono.wav: is a WAV of PCM, 1 channel, 44100 Hz"),
        ({"tracks": [{"audio": "48k.wav"}]}, "48k.wav: is a WAV of PCM, 2 channels, 48000 Hz"),
        ({"tracks": [{"audio": "trunc.wav"}]}, "trunc.wav: truncated"),
        ({"tracks": [{"audio": "noise.wav"}]}, "noise.wav: not a WAV file"),
        ({"tracks": [{"audio": "short.wav"}]}, "lasts 3.99 s"),
        ({"tracks": [{"audio": "good.wav", "isrc": "US-ABC-26-00001"}]}, "is not an ISRC"),
        ({"catalog": "12345", "tracks": [{"audio": "good.wav"}]}, "is not a media catalog number"),
        ({"tracks": [{"audio": "good.wav"}] * 100}, "go past track 99"),
        ({"first_track": 98, "tracks": [{"audio": "good.wav"}] * 3}, "go past track 99"),
        ({"tracks": [{"audio": "good.wav", "text": {"title": "x" * 60, "performer": "y" * 60,
                                                    "songwriter": "z" * 60}}] * 30},
         "more than the 256 packs"),
        ({"tracks": [{"audio": "good.wav", "text": {"title": "\u20ac"}}]}, "ISO 8859-1"),
        ({"tracks": [{"audio": "good.wav", "pregap": "00:01:00"}]}, "at least 2 s"),
        ({"tracks": [{"audio": "good.wav", "pregap": "00:02:75"}]}, "frames 00-74"),
        ({"tracks": [{"audio": "good.wav", "indexes": ["00:05:00"]}]}, "past the end"),
        ({"tracks": [{"audio": "good.wav", "isrcc": "USABC2600001"}]}, 'did you mean "isrc"'),
        ({"tracks": [{"audio": "good.wav"}, {"data": {"contents": []}, "pregap": 0}]},
         "changes from audio to data"),
        ({"tracks": [{"audio": "good.wav", "data": {}}]}, "exactly one of"),
        ({"tracks": [{"data": {"contents": [], "volme": {}}}]}, 'did you mean "volume"'),
    ]
    for i, (cd, needle) in enumerate(cases):
        name = "bad%d.json" % i
        write_manifest(name, cd)
        rc, out, err = run([MKIMG, "build", name, "-o", "bad%d.cue" % i], check=False)
        lines = err.strip().splitlines()
        expect(rc == 2, "%s: exit %d (expected 2): %s" % (needle, rc, err))
        expect(len(lines) == 1 and lines[0].startswith("mkimg: "), "%s: not one line: %r" % (needle, err))
        contains(lines[0], needle, "mkimg build %s" % name)
        for ext in ("cue", "bin", "toc", "cdt"):
            expect(not os.path.exists(os.path.join(WORK, "bad%d.%s" % (i, ext))),
                   "%s: bad%d.%s left behind" % (needle, i, ext))
    # JSON positions: the line and column of the offending value.
    write_manifest("pos.json", {"tracks": [{"audio": "good.wav", "isrc": "bad"}]})
    rc, _, err = run([MKIMG, "build", "pos.json", "-o", "pos.cue"], check=False)
    contains(err, "pos.json:", "mkimg build")
    contains(err, "$.cd.tracks[0].isrc", "mkimg build")
    rc, _, err = run([MKIMG, "build", "pos.json", "-o", "pos.iso"], check=False)
    expect(rc == 2, "bad ISRC with -o pos.iso: exit %d" % rc)
    write_manifest("ok.json", {"tracks": [{"audio": "good.wav"}]})
    rc, _, err = run([MKIMG, "build", "ok.json", "-o", "ok.iso"], check=False)
    expect(rc == 2 and "name its CUE sheet" in err, "a raw CD to ok.iso: %d %s" % (rc, err))


def read_back():
    """mkimg info/ls/extract/verify of a BIN/CUE (its own, and the CUE cdrdao's toc2cue
    makes of its TOC); verify catches a flipped byte of a data sector, of a Q frame and of
    a CD-TEXT pack."""
    write_wav("a.wav", 588 * 300, 14)
    data = make_tree()
    write_manifest("cd.json", {
        "catalog": "0123456789012", "text": {"title": "Album"},
        "tracks": [{"data": data, "text": {"title": "Data"}},
                   {"audio": "a.wav", "isrc": "USABC2600001", "indexes": [75],
                    "text": {"title": "One"}}]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--cue-mode", "raw+subchannel", "--quiet"])
    _, info, _ = run([MKIMG, "info", "disc.cue"])
    for needle in ["catalog (MCN): 0123456789012", "track 01 MODE1/2352 index 01 at 00:00:00",
                   "track 02 AUDIO      index 00 at 00:04:00 (LBA 300) index 01 at 00:06:00 "
                   "(LBA 450) index 02 at 00:07:00 (LBA 525) pre-gap 00:02:00 ISRC USABC2600001",
                   "album title: Album", "track 02 title: One", "volume         EXTRAS"]:
        contains(info, needle, "mkimg info")
    _, js, _ = run([MKIMG, "info", "disc.cue", "--json"])
    parsed = json.loads(js)
    expect(parsed["tracks"][1]["indexes"][1] == {"index": 1, "lba": 450}, "info --json: %s" % js)
    _, ls, _ = run([MKIMG, "ls", "disc.cue", "/docs"])
    contains(ls, "big.bin", "mkimg ls")
    run([MKIMG, "extract", "disc.cue", "copy"])
    expect(read("copy/docs/big.bin") == read("extras/docs/big.bin"), "extracted big.bin differs")
    _, ok, _ = run([MKIMG, "verify", "disc.cue"])
    contains(ok, "ok: disc.cue: raw CD, 2 tracks", "mkimg verify")
    # The same disc through the CUE sheet cdrdao's toc2cue writes from the TOC: same indexes.
    run(["toc2cue", "disc.toc", "foreign.cue"])
    foreign = read("foreign.cue").decode()
    contains(foreign, "INDEX 00 00:04:00", "toc2cue")
    contains(foreign, "INDEX 01 00:06:00", "toc2cue")
    _, ls2, _ = run([MKIMG, "ls", "foreign.cue", "/docs"])
    contains(ls2, "big.bin", "mkimg ls of toc2cue's CUE")
    # Damage, one at a time, each caught with exit 1 and the LBA.
    disc = bytearray(read("disc.bin"))
    good_disc = bytes(disc)
    disc[20 * SECTOR + 100] ^= 1
    with open(os.path.join(WORK, "disc.bin"), "wb") as f:
        f.write(disc)
    rc, out, _ = run([MKIMG, "verify", "disc.cue"], check=False)
    expect(rc == 1 and "LBA 20: EDC does not match" in out, "flipped data byte: %d %s" % (rc, out))
    disc = bytearray(good_disc)
    disc[21 * SECTOR + 2300] ^= 1   # in the Q parity
    with open(os.path.join(WORK, "disc.bin"), "wb") as f:
        f.write(disc)
    rc, out, _ = run([MKIMG, "verify", "disc.cue"], check=False)
    expect(rc == 1 and "LBA 21: ECC" in out, "flipped parity byte: %d %s" % (rc, out))
    with open(os.path.join(WORK, "disc.bin"), "wb") as f:
        f.write(good_disc)
    sub = bytearray(read("disc.sub"))
    sub[500 * 96 + 12 + 3] ^= 0x10
    with open(os.path.join(WORK, "disc.sub"), "wb") as f:
        f.write(sub)
    rc, out, _ = run([MKIMG, "verify", "disc.cue"], check=False)
    expect(rc == 1 and "LBA 500: Q sub-channel CRC" in out, "flipped Q byte: %d %s" % (rc, out))
    sub[500 * 96 + 12 + 3] ^= 0x10
    with open(os.path.join(WORK, "disc.sub"), "wb") as f:
        f.write(sub)
    cdt = bytearray(read("disc.cdt"))
    cdt[5] ^= 1
    with open(os.path.join(WORK, "disc.cdt"), "wb") as f:
        f.write(cdt)
    rc, out, _ = run([MKIMG, "verify", "disc.cue"], check=False)
    expect(rc == 1 and "CD-TEXT: 1 packs with a bad CRC" in out, "flipped CD-TEXT: %d %s" % (rc, out))


def burn_manifest():
    """The disc of the burn scenarios: a data track, then two audio tracks (the second
    gapless, with an index), a catalog number, an ISRC, CD-TEXT for the album and tracks."""
    a = write_wav("a.wav", 588 * 310, 15)
    b = write_wav("b.wav", 588 * 300, 16)
    data = make_tree()
    write_manifest("cd.json", {
        "catalog": "0123456789012", "text": {"title": "Album", "performer": "Band"},
        "tracks": [{"data": data, "text": {"title": "Data"}},
                   {"audio": "a.wav", "isrc": "USABC2600001", "text": {"title": "One"}},
                   {"audio": "b.wav", "pregap": 0, "indexes": [75], "isrc": "GBXYZ9900042",
                    "text": {"title": "Two"}}]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--quiet"])
    return a, b, data


def read_back_lead_in(disc, tag):
    """`cdrdao read-toc` and libcdio's `cd-info` of the burnt virtual disc give back the
    catalog number (READ SUB-CHANNEL / Q mode 2), the ISRCs (Q mode 3) and the CD-TEXT of
    the lead-in (READ TOC format 5) that the manifest has."""
    toc = "read-%s.toc" % tag
    run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", "cdrdao", "read-toc",
         "--device", "/dev/sr0", toc], timeout=600)
    text = read(toc).decode("latin-1")
    contains(text, 'CATALOG "0123456789012"', "cdrdao read-toc")
    contains(text, 'ISRC "USABC2600001"', "cdrdao read-toc")
    contains(text, 'ISRC "GBXYZ9900042"', "cdrdao read-toc")
    # cdrdao prints no CD-TEXT block for a data track; cd-info below shows track 1's.
    for title in ("Album", "One", "Two"):
        contains(text, 'TITLE "%s"' % title, "cdrdao read-toc (CD-TEXT)")
    contains(text, 'PERFORMER "Band"', "cdrdao read-toc (CD-TEXT)")
    # cd-info reads the same disc through libcdio's MMC commands.
    _, out, err = run([MKIMG, "emu", "run", "--drive", "/dev/sr0=" + disc, "--", "cd-info",
                       "--no-header", "--no-device-info", "--no-disc-mode", "-C", "/dev/sr0"],
                      timeout=600)
    info = out + err
    contains(info, "0123456789012", "cd-info (media catalog number)")
    contains(info, "USABC2600001", "cd-info (ISRC of track 2)")
    contains(info, "GBXYZ9900042", "cd-info (ISRC of track 3)")
    contains(info, "CD-TEXT for Disc:\n\tTITLE: Album\n\tPERFORMER: Band",
             "cd-info (CD-TEXT of the disc)")
    contains(info, "CD-TEXT for Track  1:\n\tTITLE: Data", "cd-info (CD-TEXT of track 1)")
    contains(info, "CD-TEXT for Track  3:\n\tTITLE: Two", "cd-info (CD-TEXT of track 3)")
    return text


def cdrdao_burn():
    """cdrdao burns disc.toc (catalog, ISRC, CD-TEXT lead-in, gapless audio, an index) onto
    a virtual CD-R through `mkimg emu run`; `cdrdao read-toc` finds the tracks where the
    CUE puts them, with the catalog, ISRCs and CD-TEXT; cd-info agrees; the data track
    exported from the disc is the image."""
    a, b, data = burn_manifest()
    run([MKIMG, "emu", "new", "cd-r", "disc.emu"])
    # Driver option 0x10 makes cdrdao's generic-mmc driver write the CD-TEXT lead-in.
    _, out, err = run([MKIMG, "emu", "run", "--drive", "/dev/sr0=disc.emu", "--", "cdrdao",
                       "write", "--device", "/dev/sr0", "--driver", "generic-mmc:0x10", "-n",
                       "disc.toc"], timeout=600)
    contains(out + err, "Writing CD-TEXT lead-in", "cdrdao write")
    text = read_back_lead_in("disc.emu", "sao")
    iso = reference_iso(data)
    t2 = max(len(iso) // 2048, 300) + 150
    msf = lambda n: "%02d:%02d:%02d" % (n // 4500, n // 75 % 60, n % 75)
    contains(text, "TRACK MODE1", "cdrdao read-toc")
    contains(text, "START %s" % msf(150), "cdrdao read-toc (track 2's pre-gap)")
    contains(text, 'DATAFILE "data_1" %s' % msf(t2 - 150), "cdrdao read-toc")
    contains(text, "SILENCE %s" % msf(150), "cdrdao read-toc")
    contains(text, 'FILE "data.wav" 0 %s' % msf(sectors(len(a))), "cdrdao read-toc")
    contains(text, 'FILE "data.wav" %s %s' % (msf(sectors(len(a))), msf(sectors(len(b)))),
             "cdrdao read-toc (gapless track 3)")
    run([MKIMG, "emu", "export", "disc.emu", "export.iso"])
    exported = read("export.iso")
    expect(exported[:len(iso)] == iso, "the burnt data track is not the image")
    # Whole sectors, as `cdrdao read-cd` reads them (READ CD): the drive stored the cooked
    # data track as user data and frames it when read (specs/emulator.md §2); every sector
    # must carry its sync, header and an EDC computed here from ECMA-130, and the data.
    run([MKIMG, "emu", "run", "--drive", "/dev/sr0=disc.emu", "--", "cdrdao", "read-cd",
         "--device", "/dev/sr0", "--driver", "generic-mmc", "--read-raw", "--datafile",
         "raw.bin", "raw.toc"], timeout=600)
    raw = read("raw.bin")
    expect(len(raw) >= (t2 - 150) * SECTOR, "cdrdao read-cd: %d bytes" % len(raw))
    for lba in range(t2 - 150):
        sector = raw[lba * SECTOR:(lba + 1) * SECTOR]
        check_raw_mode1(sector, lba)
        expect(sector[16:2064] == exported[lba * 2048:(lba + 1) * 2048],
               "LBA %d: user data of the raw sector" % lba)


def cdrdao_burn_raw96():
    """cdrdao's generic-mmc-raw driver with CD-TEXT (option 0x10) writes the whole disc in
    RAW mode with 96-byte raw P-W sub-channel (page 05h data block type 3, which the virtual
    recorder accepts): it says so, and the lead-in's TOC, CD-TEXT and the program area's
    catalog and ISRC frames it wrote read back."""
    burn_manifest()
    run([MKIMG, "emu", "new", "cd-r", "raw.emu"])
    _, out, err = run([MKIMG, "emu", "run", "--drive", "/dev/sr0=raw.emu", "--", "cdrdao",
                       "write", "--device", "/dev/sr0", "--driver", "generic-mmc-raw:0x10",
                       "-n", "disc.toc"], timeout=600)
    contains(out + err, "Using 96 byte raw P-W sub-channel data mode for CD-TEXT",
             "cdrdao write (generic-mmc-raw)")
    read_back_lead_in("raw.emu", "raw96")


def mkimg_burn_lead_in():
    """mkimg's burn engine writes the same BIN/CUE Disc-at-Once: the cue sheet carries the
    catalog (ADR 2) and ISRC (ADR 3) entries, the lead-in the CUE's CDTEXTFILE packs."""
    burn_manifest()
    contains(read("disc.cue").decode("latin-1"), "CDTEXTFILE", "disc.cue")
    run([MKIMG, "emu", "new", "cd-r", "engine.emu"])
    run([MKIMG, "burn", "disc.cue", "--drive", "emu:engine.emu"], timeout=600)
    read_back_lead_in("engine.emu", "engine")


def remaster():
    """A BIN/CUE as build input: mkimg's own (with its .cdt) and the CUE cdrdao's toc2cue
    writes give the same disc again, byte for byte; a raw data-only disc becomes a cooked
    one equal to the image; an input BIN is never overwritten."""
    write_wav("a.wav", 588 * 330, 17)
    data = make_tree()
    write_manifest("cd.json", {
        "catalog": "0123456789012", "text": {"title": "Album", "performer": "Band"},
        "tracks": [{"data": data, "text": {"title": "Data", "performer": "Band"}},
                   {"audio": "a.wav", "isrc": "USABC2600001", "indexes": [80],
                    "copy": True, "text": {"title": "One", "performer": "Singer"}}]})
    run([MKIMG, "build", "cd.json", "-o", "disc.cue", "--cue-mode", "raw+subchannel", "--quiet"])
    os.makedirs(os.path.join(WORK, "again"))
    run([MKIMG, "build", "disc.cue", "-o", "again/disc.cue", "--cue-mode", "raw+subchannel",
         "--quiet"])
    for ext in ("bin", "sub", "cdt", "cue", "toc"):
        expect(read("disc." + ext) == read("again/disc." + ext),
               "disc.%s written from the CUE differs from the original" % ext)
    run(["toc2cue", "disc.toc", "foreign.cue"])
    run([MKIMG, "build", "foreign.cue", "-o", "again/foreign.cue", "--quiet"])
    expect(read("again/foreign.bin") == read("disc.bin"), "the BIN from toc2cue's CUE differs")
    # Data only, raw to cooked.
    write_manifest("data.json", {"tracks": [{"data": data}]})
    run([MKIMG, "build", "data.json", "-o", "raw.cue", "--quiet"])
    run([MKIMG, "build", "raw.cue", "-o", "cooked.cue", "--cue-mode", "cooked", "--quiet"])
    iso = reference_iso(data)
    cooked = read("cooked.bin")
    expect(cooked[:len(iso)] == iso and cooked[len(iso):] == bytes(len(cooked) - len(iso)),
           "raw.cue re-mastered cooked is not the image")
    # Writing over the input BIN is refused, and leaves it whole.
    before = read("disc.bin")
    rc, _, err = run([MKIMG, "build", "disc.cue", "-o", "disc.cue"], check=False)
    expect(rc == 2 and read("disc.bin") == before, "rebuilding over the input: %d %s" % (rc, err))
    with open(os.path.join(WORK, "missing.cue"), "w") as f:
        f.write('FILE "nothing.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n')
    rc, _, err = run([MKIMG, "build", "missing.cue", "-o", "m.cue"], check=False)
    expect(rc == 2 and "nothing.bin" in err and len(err.strip().splitlines()) == 1,
           "missing BIN: %d %s" % (rc, err))


SCENARIOS = {
    "mixed_mode": mixed_mode,
    "subchannel": subchannel,
    "hidden_track": hidden_track,
    "cooked": cooked,
    "bad_input": bad_input,
    "read_back": read_back,
    "cdrdao_burn": cdrdao_burn,
    "cdrdao_burn_raw96": cdrdao_burn_raw96,
    "mkimg_burn_lead_in": mkimg_burn_lead_in,
    "remaster": remaster,
}
TOOLS = ["cd-info", "cdrdao", "bchunk"]


def main():
    global MKIMG, WORK
    parser = argparse.ArgumentParser()
    parser.add_argument("--mkimg")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("scenario", nargs="?")
    args = parser.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    for tool in TOOLS:
        if shutil.which(tool, path="/usr/bin:/bin") is None:
            print("skipped: %s not installed (scripts/setup.sh)" % tool)
            return 77
    MKIMG = os.path.abspath(args.mkimg)
    WORK = tempfile.mkdtemp(prefix="mkimg-rawcd-")
    try:
        SCENARIOS[args.scenario]()
    except Failure as e:
        print("FAIL %s: %s" % (args.scenario, e))
        print("work folder kept: %s" % WORK)
        return 1
    shutil.rmtree(WORK)
    print("PASS %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
