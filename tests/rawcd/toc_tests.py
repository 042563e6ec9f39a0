#!/usr/bin/python3
"""cdrdao TOC files as mkimg input (specs/rawcd.md "TOC files"), checked against cdrdao
itself: every disc.toc `mkimg build` writes reads back to the same disc as its disc.cue
(info, and a re-master byte-identical); hand-written TOCs in the forms of cdrdao's manual
give the samples `cdrdao show-data` gives and the layout `cdrdao show-toc` gives; the TOC
`cdrdao read-toc` writes of a burnt virtual disc reads back to the disc's BIN; mkimg burns
a TOC; bad TOCs fail with one line FILE:LINE:COLUMN and exit 2.

  toc_tests.py --mkimg PATH SCENARIO     run one scenario (exit 0 pass, 1 fail, 77 skip)
  toc_tests.py --list                    print the scenario names
"""
import argparse
import json
import os
import shutil
import struct
import sys
import tempfile
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawcd_tests as R  # noqa: E402  (helpers: run, expect, WAV and manifest writers)

SECTOR = 2352


def mkimg(*args, check=True):
    return R.run([R.MKIMG] + list(args), check=check)


def info_json(image):
    _, out, _ = mkimg("info", image, "--json")
    return json.loads(out.encode("latin-1").decode("utf-8"))  # R.run decodes Latin-1


def layout(info):
    """What a CUE and a TOC of one disc must agree on."""
    return {"sectors": info["sectors"], "catalog": info["catalog"], "cdtext": info["cdtext"],
            "tracks": [(t["number"], t["isrc"], t["flags"].strip(), t["indexes"])
                       for t in info["tracks"]]}


def write(name, data):
    with open(os.path.join(R.WORK, name), "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def show_data(toc):
    """cdrdao show-data: sample number -> (left, right) as cdrdao would send them."""
    _, out, _ = R.run(["cdrdao", "show-data", toc], timeout=600)
    frames = {}
    for line in out.splitlines():
        head, _, rest = line.partition(":")
        if head.strip().isdigit() and len(rest.split()) == 2:
            frames[int(head)] = tuple(int(v) for v in rest.split())
    return frames


def toc_roundtrip():
    """disc.toc of mkimg's own discs (mixed mode raw and raw+subchannel, gapless, index,
    flags, ISRC, MCN, Latin-1 CD-TEXT with a DISC_ID; a cooked Mode 2 data disc) reads as
    the same disc as disc.cue: `mkimg info` agrees, ls/extract/verify work through the TOC,
    and `mkimg build disc.toc` writes every file again byte for byte."""
    R.write_wav("a.wav", 588 * 330, 31)
    R.write_wav("b.wav", 588 * 305 + 100, 32)
    data = R.make_tree()
    R.write_manifest("cd.json", {
        "catalog": "0123456789012",
        "text": {"title": "Alb\u00e9um \"q\"", "performer": "Band", "disc_id": "XY12345"},
        "tracks": [{"data": data, "text": {"title": "Data", "performer": "Band"}},
                   {"audio": "a.wav", "isrc": "USABC2600001", "indexes": [80], "copy": True,
                    "text": {"title": "One\\", "performer": "S\u00e4nger"}},
                   {"audio": "b.wav", "pregap": 0, "pre_emphasis": True,
                    "text": {"title": "Two", "performer": "Band"}}]})
    for mode in ("raw", "raw+subchannel"):
        for name in os.listdir(R.WORK):
            if name.startswith("disc.") or name == "again":
                shutil.rmtree(os.path.join(R.WORK, name), ignore_errors=True)
                if os.path.exists(os.path.join(R.WORK, name)):
                    os.remove(os.path.join(R.WORK, name))
        mkimg("build", "cd.json", "-o", "disc.cue", "--cue-mode", mode, "--quiet")
        cue, toc = info_json("disc.cue"), info_json("disc.toc")
        R.expect(layout(cue) == layout(toc), "%s: info of disc.toc differs from disc.cue:\n%s\n%s"
                 % (mode, layout(cue), layout(toc)))
        R.expect(toc["cdtext"]["album"].get("title") == "Alb\u00e9um \"q\"" and
                 toc["cdtext"]["album"].get("disc_id") == "XY12345",
                 "%s: the TOC's CD-TEXT: %s" % (mode, toc["cdtext"]))
        R.expect([t["mode"] for t in toc["tracks"]] == ["MODE1_RAW", "AUDIO", "AUDIO"],
                 "%s: TOC track modes %s" % (mode, [t["mode"] for t in toc["tracks"]]))
        os.makedirs(os.path.join(R.WORK, "again"))
        mkimg("build", "disc.toc", "-o", "again/disc.cue", "--cue-mode", mode, "--quiet")
        exts = ("bin", "cue", "toc", "cdt") + (("sub",) if mode != "raw" else ())
        for ext in exts:
            R.expect(R.read("disc." + ext) == R.read("again/disc." + ext),
                     "%s: disc.%s re-mastered from disc.toc differs" % (mode, ext))
    _, ls, _ = mkimg("ls", "disc.toc", "/docs")
    R.contains(ls, "big.bin", "mkimg ls disc.toc")
    mkimg("extract", "disc.toc", "copy")
    R.expect(R.read("copy/docs/big.bin") == R.read("extras/docs/big.bin"),
             "big.bin extracted through disc.toc differs")
    _, ok, _ = mkimg("verify", "disc.toc")
    R.contains(ok, "ok: disc.toc: raw CD, 3 tracks", "mkimg verify disc.toc")
    # A flipped byte of a data sector is found through the TOC as through the CUE.
    disc = bytearray(R.read("disc.bin"))
    disc[30 * SECTOR + 200] ^= 4
    write("disc.bin", bytes(disc))
    rc, out, _ = mkimg("verify", "disc.toc", check=False)
    R.expect(rc == 1 and "LBA 30: EDC does not match" in out, "verify of a flipped byte: %s" % out)
    # Cooked Mode 2 Form 1 data: MODE2_FORM_MIX sectors of 2336 bytes in the TOC.
    R.write_manifest("m2.json", {"tracks": [{"data": data, "mode": "mode2-form1"}]})
    mkimg("build", "m2.json", "-o", "m2.cue", "--cue-mode", "cooked", "--quiet")
    R.expect(layout(info_json("m2.cue")) == layout(info_json("m2.toc")), "m2: info differs")
    mkimg("build", "m2.toc", "-o", "again/m2.cue", "--cue-mode", "cooked", "--quiet")
    R.expect(R.read("again/m2.bin") == R.read("m2.bin"), "m2.bin re-mastered from m2.toc differs")
    mkimg("extract", "m2.toc", "copy2")
    R.expect(R.read("copy2/docs/big.bin") == R.read("extras/docs/big.bin"), "m2 extract differs")


def toc_handwritten():
    """A TOC written by hand in the forms of cdrdao's manual — comments (// and #), a WAVE
    file cut by start and length (samples and MSF), raw big-endian files with and without
    SWAP and #offset, SILENCE inside a track, PREGAP, START, INDEX, ZERO, a data track,
    CATALOG, ISRC, flags, CD_TEXT with octal escapes and binary data: cdrdao's show-toc
    gives the layout `mkimg info` gives, its show-data the samples of the BIN `mkimg build`
    writes; cd-info reads the CD-TEXT of that BIN/CUE."""
    a = R.write_wav("a.wav", 588 * 400, 41)
    b = R.write_wav("b.wav", 588 * 200, 42)
    # b.cdr: b's samples big-endian (cdrdao's raw audio); c.raw: little-endian after 100
    # bytes of junk (SWAP #100).
    write("b.cdr", b"".join(b[i + 1:i + 2] + b[i:i + 1] for i in range(0, len(b), 2)))
    write("c.raw", b"\x55" * 100 + a[:588 * 4 * 310])
    iso = R.reference_iso(R.make_tree())
    write("data.iso", iso)
    write("hand.toc", """// written by hand
CD_ROM
CATALOG "4006381333931"   // an EAN
CD_TEXT {
  LANGUAGE_MAP { 0 : EN }
  LANGUAGE 0 {
    TITLE "Caf\\351 \\"Noir\\""
    PERFORMER { 66, 97, 110, 100, 0 }
    GENRE { 0, 25, 0 }
  }
}
TRACK MODE1_RAW
DATAFILE "disc-data.bin"
ZERO 00:01:00 // post-gap
TRACK AUDIO
COPY
ISRC "DEXXX9800001"
CD_TEXT { LANGUAGE 0 { TITLE "One" PERFORMER "Band" } }
PREGAP 0:2:0
AUDIOFILE "a.wav" 588 0:5:0
SILENCE 1176
FILE "b.cdr" 0 0:1:0
INDEX 0:3:0
TRACK AUDIO
PRE_EMPHASIS
CD_TEXT { LANGUAGE 0 { TITLE "Two" PERFORMER "Band" } }
FILE "c.raw" SWAP #100 0 00:04:10
START 0:1:0
FILE "a.wav" 0:0:10
""")
    # The data track's file: raw Mode 1 sectors, made by mkimg from the image.
    R.write_manifest("d.json", {"tracks": [{"image": "data.iso"}]})
    mkimg("build", "d.json", "-o", "d.cue", "--quiet")
    shutil.copy(os.path.join(R.WORK, "d.bin"), os.path.join(R.WORK, "disc-data.bin"))
    data_sectors = len(R.read("d.bin")) // SECTOR
    # cdrdao's own reading of the same TOC.
    _, st, _ = R.run(["cdrdao", "show-toc", "hand.toc"])
    R.contains(st, "CATALOG NUMBER: 4006381333931", "cdrdao show-toc")
    info = info_json("hand.toc")
    t2 = data_sectors + 75
    R.expect(info["catalog"] == "4006381333931", "catalog: %s" % info["catalog"])
    # `#` comments (which cdrdao itself does not take) read as // comments.
    write("hash.toc", R.read("hand.toc").decode().replace("//", "#"))
    R.expect(info_json("hash.toc")["tracks"] == info["tracks"], "hash.toc reads differently")
    tracks = info["tracks"]
    R.expect([t["mode"] for t in tracks] == ["MODE1_RAW", "AUDIO", "AUDIO"], "modes: %s" % tracks)
    R.expect(tracks[1]["indexes"] == [{"index": 0, "lba": t2}, {"index": 1, "lba": t2 + 150},
                                      {"index": 2, "lba": t2 + 150 + 225}],
             "track 2 indexes: %s" % tracks[1]["indexes"])
    len2 = 150 + 375 + 2 + 75      # PREGAP, 5 s of a, 1176 samples, 1 s of b
    t3 = t2 + len2
    R.expect(tracks[2]["indexes"] == [{"index": 0, "lba": t3}, {"index": 1, "lba": t3 + 75}],
             "track 3 indexes: %s (t3 %d)" % (tracks[2]["indexes"], t3))
    R.expect(info["sectors"] == t3 + 310 + 390, "sectors: %d" % info["sectors"])
    R.expect(tracks[1]["flags"].strip() == "DCP" and tracks[2]["flags"].strip() == "PRE" and
             tracks[1]["isrc"] == "DEXXX9800001", "flags/ISRC: %s" % tracks)
    # cdrdao show-toc's track starts (disc addresses, 150 past the BIN's) agree.
    for lba in (t2 + 150, t3 + 75, t3 + 700):
        R.contains(st, "%02d:%02d:%02d(%6d)" % (lba // 4500, lba // 75 % 60, lba % 75, lba),
                   "cdrdao show-toc")
    text = info["cdtext"]
    R.expect(text["album"].get("title") == "Caf\u00e9 \"Noir\"" and
             text["album"].get("performer") == "Band" and
             text["tracks"][1].get("title") == "One", "CD-TEXT: %s" % text)
    # The samples: mkimg's BIN (re-mastered from the TOC) against cdrdao's show-data.
    mkimg("build", "hand.toc", "-o", "built.cue", "--quiet")
    frames = show_data("hand.toc")
    disc = R.read("built.bin")
    checked = 0
    for sample, lr in sorted(frames.items()):
        if sample * 4 + 4 > len(disc) or sample * 4 < t2 * SECTOR:
            continue
        got = struct.unpack("<hh", disc[sample * 4:sample * 4 + 4])
        R.expect(got == lr, "sample %d: mkimg %s, cdrdao show-data %s" % (sample, got, lr))
        checked += 1
    R.expect(checked > 1000, "cdrdao show-data gave %d samples of the audio" % checked)
    # And against the sources directly: track 2 from its index 1 is a.wav from sample 588,
    # 5 s of it, 1176 samples of silence, then b.
    start = (t2 + 150) * SECTOR
    want = a[4 * 588:4 * 588 + 5 * 75 * SECTOR] + bytes(1176 * 4) + b[:75 * SECTOR]
    R.expect(disc[start:start + len(want)] == want, "track 2's samples are not a, silence, b")
    start3 = t3 * SECTOR
    want3 = a[:310 * SECTOR] + a[10 * SECTOR:]
    R.expect(disc[start3:] == want3, "track 3 is not c.raw (SWAP #100) then a.wav from 0:0:10")
    R.expect(disc[:data_sectors * SECTOR] == R.read("d.bin"), "the data track is not its file")
    R.run(["cdrdao", "toc-info", "hand.toc"])
    _, ok, _ = mkimg("verify", "hand.toc")
    R.contains(ok, "ok: hand.toc: raw CD, 3 tracks", "mkimg verify (ZERO post-gap framed)")
    _, ci, _ = R.run(["cd-info", "--no-header", "--no-device-info", "--cue-file", "built.cue"],
                     check=False)
    R.contains(ci, "TITLE: One", "cd-info of the BIN/CUE built from hand.toc")
    R.contains(ci, "PERFORMER: Band", "cd-info of the BIN/CUE built from hand.toc")


def toc_burn_read_back():
    """`mkimg burn disc.toc` onto a virtual CD-R (catalog, ISRCs, CD-TEXT lead-in read back
    by cdrdao read-toc and cd-info); the TOC `cdrdao read-toc` writes of that disc, with its
    data files supplied, reads as the disc did and re-masters to the same BIN."""
    a, b, data = R.burn_manifest()
    mkimg("emu", "new", "cd-r", "disc.emu")
    mkimg("burn", "disc.toc", "--drive", "emu:disc.emu")
    R.read_back_lead_in("disc.emu", "toc")
    text = R.read("read-toc.toc").decode("latin-1")
    R.contains(text, "DATAFILE \"data_1\"", "cdrdao read-toc")
    # read-toc names the files it would read: the data track's user data and the audio.
    disc = R.read("disc.bin")
    cue = info_json("disc.cue")
    audio_start = cue["tracks"][1]["indexes"][1]["lba"]
    data_sectors = cue["tracks"][1]["indexes"][0]["lba"]
    write("data_1", b"".join(disc[s * SECTOR + 16:s * SECTOR + 16 + 2048]
                             for s in range(data_sectors)))
    with wave.open(os.path.join(R.WORK, "data.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(disc[audio_start * SECTOR:])
    read_back = info_json("read-toc.toc")
    want = layout(cue)
    got = layout(read_back)
    # The burn engine records indexes 0 and 1 (specs/burn.md), and cdrdao prints no CD-TEXT
    # block for a data track: the rest must agree.
    for side in (want, got):
        side["tracks"] = [(n, isrc, flags, [i for i in ix if i["index"] <= 1])
                          for n, isrc, flags, ix in side["tracks"]]
        side["cdtext"]["tracks"] = side["cdtext"]["tracks"][1:]
    R.expect(want == got, "read-toc's TOC: %s\nthe CUE: %s" % (got, want))
    mkimg("build", "read-toc.toc", "-o", "copy.cue", "--quiet")
    R.expect(R.read("copy.bin") == disc, "the BIN re-mastered from read-toc's TOC differs")


def toc_bad_input():
    """Each bad TOC: exit 2, one line `mkimg: FILE:LINE:COLUMN: what` at the fault, nothing
    written; no crash, no hang."""
    R.write_wav("a.wav", 588 * 300, 51)
    cases = [
        ('TRACK AUDIO\nFILE "a.wav" 0\nTITLE "x"\n', "3:1", "not a track statement"),
        ('TRACK AUDIO\nFILE "a.wav 0\n', "2:6", "closing"),
        ('TRACK AUDIO\nFILE "a.wav" 0:60:0\n', "2:14", "MM:SS:FF"),
        ('TRACK AUDIO\nFILE "a.wav" 0 0:1:75\n', "2:16", "MM:SS:FF"),
        ('TRACK AUDIO\nISRC "US-ABC"\nFILE "a.wav" 0\n', "2:6", "CCOOOYYSSSSS"),
        ('CATALOG "12345"\nTRACK AUDIO\nFILE "a.wav" 0\n', "1:9", "13 digits"),
        ('TRACK VIDEO\n', "1:7", "not a track mode"),
        ('TRACK AUDIO\nFILE "none.wav" 0\n', "2:1", "none.wav"),
        ('TRACK AUDIO\nFILE "a.wav" 0 0:5:0\n', "2:1", "past the end"),
        ('TRACK AUDIO\nFILE "a.wav" 0:5:0\n', "2:1", "past the end"),
        ('TRACK AUDIO\nFILE "a.wav" 0\nSTART 0:4:0\n', "1:1", "after its START"),
        ('TRACK AUDIO\nFILE "a.wav" 0\nINDEX 0:1:0\nINDEX 0:1:0\n', "4:1", "INDEX"),
        ('TRACK AUDIO\nFILE "a.wav" 0\nINDEX 0:5:0\n', "1:1", "past the end"),
        ('CD_TEXT { LANGUAGE 0 { TITLE { 1, 256 } } }\n', "1:35", "0-255"),
        ('CD_TEXT { LANGUAGE 9 { } }\n', "1:20", "0-7"),
        ('CD_TEXT { LANGUAGE_MAP { 0 : XX } }\n', "1:30", "language code"),
        ('CD_TEXT { LANGUAGE 0 { WHO "x" } }\n', "1:24", "not a CD-TEXT item"),
        ('TRACK AUDIO\nFILE "-" 0\n', "2:1", "standard input"),
        ('TRACK AUDIO\nFIFO "/tmp/f" 100\n', "2:1", "FIFO"),
        ('CD_DA\n', "2:1", "no TRACK"),
        ('', "1:1", "no TRACK"),
        ('TRACK AUDIO\n\x01\n', "2:1", "unexpected character"),
        ('TRACK AUDIO\nFILE "a.wav" 99999999999999999999\n', "2:14", "too large"),
        ('TRACK AUDIO\nSILENCE 0:1:0\nSTART\n', "1:1", "after its START"),
        ('TRACK AUDIO\nFILE "a.wav" 0\nPREGAP 0:2:0\n', "3:1", "PREGAP"),
        ('CD_TEXT { LANGUAGE_MAP { 0 : EN } LANGUAGE 0 { TITLE "%s" } }\nTRACK AUDIO\nFILE "a.wav" 0\n'
         % ("x" * 4000), "1:1", "256 packs"),
        ("TRACK AUDIO\nFILE \"a.wav\" 0\n" * 100, "199:1", "more than 99"),
    ]
    for k, (text, where, what) in enumerate(cases):
        name = "bad%02d.toc" % k
        write(name, text)
        for command in (["info", name], ["build", name, "-o", "out%02d.cue" % k]):
            rc, out, err = mkimg(*command, check=False)
            lines = err.strip().splitlines()
            R.expect(rc == 2 and len(lines) == 1 and
                     lines[0].startswith("mkimg: %s:%s: " % (name, where)) and what in lines[0],
                     "%s %r: exit %d, expected %s:%s: ...%s..., got %r" %
                     (command[0], text[:60], rc, name, where, what, err))
        R.expect(not any(f.startswith("out%02d" % k) for f in os.listdir(R.WORK)),
                 "a file was written for %r" % text[:60])


def cue_gaps():
    """A CUE sheet from elsewhere whose BIN leaves out track 2's 2-s pre-gap (CDRWIN's
    PREGAP) reads as the disc that has it: the same indexes (cdrdao agrees on the track
    starts and pre-gap), `verify` passes, and re-mastered it gives the original BIN; a POSTGAP of a raw
    data track reads as framed sectors of zeros (verify passes) before the next track."""
    R.burn_manifest()
    mkimg("build", "cd.json", "-o", "disc.cue", "--cue-mode", "raw", "--quiet")
    disc = R.read("disc.bin")
    info = info_json("disc.cue")
    gap0 = info["tracks"][1]["indexes"][0]["lba"]
    write("foreign.bin", disc[:gap0 * SECTOR] + disc[(gap0 + 150) * SECTOR:])
    msf = lambda n: "%02d:%02d:%02d" % (n // 4500, n // 75 % 60, n % 75)
    lines = ['FILE "foreign.bin" BINARY']
    for t in info["tracks"]:
        lines.append("  TRACK %02d %s" % (t["number"], "MODE1/2352" if t["number"] == 1 else "AUDIO"))
        if t["isrc"]:
            lines.append("    ISRC " + t["isrc"])
        if t["number"] == 2:
            lines.append("    PREGAP 00:02:00")
        for ix in t["indexes"]:
            if ix["index"] > 0:
                lba = ix["lba"] - (150 if ix["lba"] > gap0 else 0)
                lines.append("    INDEX %02d %s" % (ix["index"], msf(lba)))
    write("foreign.cue", "\n".join(lines) + "\n")
    got = info_json("foreign.cue")
    R.expect([t["indexes"] for t in got["tracks"]] == [t["indexes"] for t in info["tracks"]] and
             got["sectors"] == info["sectors"], "PREGAP: %s\nwant %s" % (got, info))
    # cdrdao reads a CUE's PREGAP the same way (its CUE reader refuses INDEX 02 here, so the
    # sheet it reads has none; libcdio 2.1 ignores PREGAP for addresses).
    write("plain.cue", "\n".join(l for l in lines if "INDEX 02" not in l) + "\n")
    shutil.copy(os.path.join(R.WORK, "foreign.bin"), os.path.join(R.WORK, "plain.bin"))
    _, st, _ = R.run(["cdrdao", "show-toc", "plain.cue"])
    for lba in (gap0, gap0 + 150, info["sectors"]):
        R.contains(st, "%s(%6d)" % (msf(lba), lba), "cdrdao show-toc of the CUE with PREGAP")
    _, ok, _ = mkimg("verify", "foreign.cue")
    R.contains(ok, "ok: foreign.cue", "mkimg verify foreign.cue")
    mkimg("build", "foreign.cue", "-o", "re.cue", "--quiet")
    R.expect(R.read("re.bin") == disc, "the BIN re-mastered from foreign.cue differs")
    # The same sectors as a POSTGAP of the data track: zeros framed as Mode 1 sectors.
    write("post.cue", "\n".join(lines).replace("    PREGAP 00:02:00\n", "").replace(
        "  TRACK 02", "    POSTGAP 00:02:00\n  TRACK 02") + "\n")
    post = info_json("post.cue")
    R.expect(post["tracks"][1]["indexes"] == [{"index": 1, "lba": gap0 + 150}] and
             post["sectors"] == info["sectors"], "POSTGAP: %s" % post)
    _, ok, _ = mkimg("verify", "post.cue")
    R.contains(ok, "ok: post.cue", "mkimg verify post.cue (framed post-gap)")


def full_width(text):
    """What an MS-JIS CD-TEXT block records: ASCII as its full-width forms."""
    return "".join("\u3000" if c == " " else chr(0xFF01 + ord(c) - 0x21) if "!" <= c <= "~" else c
                   for c in text)


def toc_escape(data):
    """A string of bytes as a TOC file writes it (octal escapes outside printable ASCII)."""
    out = ""
    for b in data:
        if b in (0x22, 0x5C):
            out += "\\" + chr(b)
        elif b < 0x20 or b >= 0x7F:
            out += "\\%03o" % b
        else:
            out += chr(b)
    return out


def msjis():
    """MS-JIS CD-TEXT (character code 80h, double-byte): the packs of the .cdt decoded here
    with Python's cp932 codec (DBCC flag, two-byte terminators, code 80h in the size
    information), mkimg info of the CUE and the TOC gives the manifest's text back, the TOC
    (cdrdao show-toc reads it, SIZE_INFO carries the code) re-masters byte for byte, and
    the disc burned on the virtual recorder reads back through libcdio's cd-info (every
    track's text) and cdrdao read-toc (code 128, the album's title). Text with no MS-JIS
    form, or Japanese without the charset, fails naming its JSON path."""
    R.write_wav("a.wav", 588 * 300, 61)
    R.write_wav("b.wav", 588 * 310, 62)
    album, band, t1, t2, singer = ("\u65e5\u672c\u8a9e\u306e\u30a2\u30eb\u30d0\u30e0",
                                   "\u6b4c\u624b Band", "\u7b2c\u4e00\u66f2",
                                   "Second \u30bd\u30f3\u30b0", "\u6b4c\u624b")
    cd = {"catalog": "0123456789012",
          "text": {"charset": "ms-jis", "title": album, "performer": band},
          "tracks": [{"audio": "a.wav", "isrc": "JPABC2600001",
                      "text": {"title": t1, "performer": singer}},
                     {"audio": "b.wav", "text": {"title": t2, "performer": singer}}]}
    R.write_manifest("cd.json", cd)
    mkimg("build", "cd.json", "-o", "disc.cue", "--quiet")
    cdt = R.read("disc.cdt")
    packs = [cdt[k:k + 18] for k in range(0, len(cdt), 18)]
    size = [p for p in packs if p[0] == 0x8F]
    R.expect(len(size) == 3 and size[0][4] == 0x80, "size information: %s" % size)
    for kind, want in ((0x80, [album, t1, t2]), (0x81, [band, singer, singer])):
        own = [p for p in packs if p[0] == kind]
        R.expect(own and all(p[3] & 0x80 for p in own), "pack type %02X: no DBCC flag" % kind)
        stream = b"".join(p[4:16] for p in own)
        strings, current = [], b""
        for k in range(0, len(stream) - 1, 2):
            pair = stream[k:k + 2]
            if pair == b"\0\0":
                strings.append(current)
                current = b""
            else:
                current += pair
        got = [x.decode("cp932") for x in strings[:3]]
        R.expect(got == [full_width(x) for x in want],
                 "pack type %02X decoded as cp932: %s" % (kind, got))
    info = info_json("disc.cue")
    text = info["cdtext"]
    R.expect(text["charset"] == "ms-jis" and text["album"]["title"] == album and
             text["album"]["performer"] == band and text["tracks"][0]["title"] == t1 and
             text["tracks"][1]["title"] == t2, "mkimg info: %s" % text)
    R.expect(layout(info) == layout(info_json("disc.toc")), "disc.toc reads differently")
    R.run(["cdrdao", "show-toc", "disc.toc"])
    toc = R.read("disc.toc").decode("latin-1")
    R.contains(toc, 'TITLE "%s"' % toc_escape(full_width(album).encode("cp932")), "disc.toc")
    R.contains(toc, "SIZE_INFO { 128,", "disc.toc")
    os.makedirs(os.path.join(R.WORK, "again"))
    mkimg("build", "disc.toc", "-o", "again/disc.cue", "--quiet")
    for ext in ("bin", "cue", "toc", "cdt"):
        R.expect(R.read("disc." + ext) == R.read("again/disc." + ext),
                 "disc.%s re-mastered from disc.toc differs" % ext)
    # The burnt disc: libcdio reads the lead-in's MS-JIS text of every track (what is on the
    # disc: full-width ASCII); cdrdao 1.2.4 knows no double-byte text (it splits strings at
    # each 00h, so its track texts are shifted) but gives the code and the album's title.
    mkimg("emu", "new", "cd-r", "disc.emu")
    mkimg("burn", "disc.cue", "--drive", "emu:disc.emu")
    _, out, err = mkimg("emu", "run", "--drive", "/dev/sr0=disc.emu", "--", "cd-info",
                        "--no-header", "--no-device-info", "--no-disc-mode", "-C", "/dev/sr0")
    shown = (out + err).encode("latin-1").decode("utf-8", "replace")
    for needle in ["CD-TEXT for Disc:\n\tTITLE: " + full_width(album),
                   "CD-TEXT for Track  1:\n\tTITLE: " + full_width(t1),
                   "CD-TEXT for Track  2:\n\tTITLE: " + full_width(t2),
                   "\tPERFORMER: " + full_width(singer) + "\n"]:
        R.expect(needle in shown, "cd-info of the burnt disc: %r not in:\n%s" % (needle, shown))
    mkimg("emu", "run", "--drive", "/dev/sr0=disc.emu", "--", "cdrdao", "read-toc",
          "--device", "/dev/sr0", "read.toc")
    read_toc = R.read("read.toc").decode("latin-1")
    R.contains(read_toc, 'TITLE "%s"' % toc_escape(full_width(album).encode("cp932")),
               "cdrdao read-toc")
    R.contains(read_toc, "SIZE_INFO {128,", "cdrdao read-toc")
    with wave.open(os.path.join(R.WORK, "data.wav"), "wb") as w:  # the audio read-toc names
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(R.read("disc.bin"))
    R.expect(info_json("read.toc")["cdtext"]["album"].get("title") == album,
             "mkimg info of read-toc's TOC: %s" % info_json("read.toc")["cdtext"])
    # Bad input: one line naming the JSON path, exit 2.
    for where, change, what in [
            ("$.cd.tracks[1].text.title", lambda c: c["tracks"][1]["text"].update(
                title="\U0001F600"), "no MS-JIS"),
            ("$.cd.tracks[0].text.performer", lambda c: c["tracks"][0]["text"].update(
                performer="\uff71"), "no MS-JIS"),
            ("$.cd.text.charset", lambda c: c["text"].update(charset="utf-8"), "ms-jis"),
            ("$.cd.text.title", lambda c: c["text"].pop("charset"), "ms-jis")]:
        bad = json.loads(json.dumps(cd))
        change(bad)
        R.write_manifest("bad.json", bad)
        rc, _, err = mkimg("build", "bad.json", "-o", "bad.cue", check=False)
        lines = err.strip().splitlines()
        R.expect(rc == 2 and len(lines) == 1 and where in lines[0] and what in lines[0] and
                 not os.path.exists(os.path.join(R.WORK, "bad.bin")),
                 "%s: exit %d, %r" % (where, rc, err))


SCENARIOS = {
    "toc_roundtrip": toc_roundtrip,
    "toc_handwritten": toc_handwritten,
    "toc_burn_read_back": toc_burn_read_back,
    "toc_bad_input": toc_bad_input,
    "msjis": msjis,
    "cue_gaps": cue_gaps,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mkimg")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("scenario", nargs="?")
    args = parser.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    for tool in R.TOOLS:
        if shutil.which(tool, path="/usr/bin:/bin") is None:
            print("skipped: %s not installed (scripts/setup.sh)" % tool)
            return 77
    R.MKIMG = os.path.abspath(args.mkimg)
    R.WORK = tempfile.mkdtemp(prefix="mkimg-toc-")
    try:
        SCENARIOS[args.scenario]()
    except R.Failure as e:
        print("FAIL %s: %s" % (args.scenario, e))
        print("work folder kept: %s" % R.WORK)
        return 1
    shutil.rmtree(R.WORK)
    print("PASS %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
