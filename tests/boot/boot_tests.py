#!/usr/bin/env python3
"""Bootable images against independent implementations (specs/eltorito.md,
specs/partition.md).

Each scenario builds GRUB payloads at test time (grub-mkimage: an El Torito core for
BIOS, BOOTX64.EFI for UEFI, both with an embedded configuration that prints a marker on
the serial port and halts; a GRUB floppy), builds images with mkimg from manifests, and
checks them with xorriso, isoinfo, sgdisk, fdisk, fsck.fat and mtools, or boots them in
QEMU (TCG) with SeaBIOS or OVMF, passing only when the marker appears on the serial port.
QEMU runs with a bounded timeout and is ended by its own pid.

Without a tool, a scenario exits 77 (ctest SKIP_RETURN_CODE) naming it; with CI set in
the environment (where scripts/setup.sh installs every tool) that is a failure instead.

Usage: boot_tests.py --mkimg PATH SCENARIO
       boot_tests.py --list
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

SKIP = 77
TIMESTAMP = 1767225600  # 2026-01-01T00:00:00Z
GRUB_PC = "/usr/lib/grub/i386-pc"
GRUB_EFI = "/usr/lib/grub/x86_64-efi"
OVMF_CODE = ["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"]
OVMF_VARS = ["/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"]
MARK_BIOS = "MKIMG-BOOT-MARKER-BIOS"
MARK_UEFI = "MKIMG-BOOT-MARKER-UEFI"
MARK_FLOPPY = "MKIMG-BOOT-MARKER-FLOPPY"


class Missing(Exception):
    pass


class Failure(Exception):
    pass


def env():
    e = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LC_ALL": "C",
         "TZ": "UTC", "MTOOLS_SKIP_CHECK": "1", "HOME": os.environ.get("HOME", "/tmp")}
    return e


def need(*tools):
    for t in tools:
        if shutil.which(t) is None and not os.path.exists(t):
            raise Missing(t)


def first_existing(paths):
    for p in paths:
        if os.path.exists(p):
            return p
    raise Missing(" or ".join(paths))


def run(cmd, check=True, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), **kw)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    if check and p.returncode != 0:
        raise Failure("%s exited %d:\n%s%s" % (" ".join(cmd), p.returncode, out, err))
    return p.returncode, out, err


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def grub_config(marker):
    return ("serial --unit=0 --speed=115200\nterminal_output serial\n"
            "echo %s\nhalt\n" % marker)


class Payloads:
    """GRUB images built in `work`."""

    def __init__(self, work):
        self.work = work

    def bios_eltorito(self):
        need("grub-mkimage", GRUB_PC + "/cdboot.img")
        cfg = os.path.join(self.work, "bios.cfg")
        write(cfg, grub_config(MARK_BIOS).encode())
        out = os.path.join(self.work, "tree", "boot", "grub", "eltorito.img")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        run(["grub-mkimage", "-O", "i386-pc-eltorito", "-d", GRUB_PC, "-o", out, "-p",
             "/boot/grub", "-c", cfg, "biosdisk", "serial", "terminal", "echo", "halt"])
        return out

    def efi_dir(self):
        need("grub-mkimage", GRUB_EFI + "/kernel.img")
        cfg = os.path.join(self.work, "efi.cfg")
        write(cfg, grub_config(MARK_UEFI).encode())
        d = os.path.join(self.work, "esp")
        os.makedirs(os.path.join(d, "EFI", "BOOT"), exist_ok=True)
        run(["grub-mkimage", "-O", "x86_64-efi", "-d", GRUB_EFI, "-o",
             os.path.join(d, "EFI", "BOOT", "BOOTX64.EFI"), "-p", "/EFI/BOOT", "-c", cfg,
             "serial", "terminal", "echo", "halt"])
        return d

    def floppy(self):
        """A 1.44 MB floppy: GRUB's boot.img then an i386-pc core read from sector 1."""
        need("grub-mkimage", GRUB_PC + "/boot.img")
        cfg = os.path.join(self.work, "floppy.cfg")
        write(cfg, grub_config(MARK_FLOPPY).encode())
        core = os.path.join(self.work, "core.img")
        run(["grub-mkimage", "-O", "i386-pc", "-d", GRUB_PC, "-o", core, "-p", "/boot/grub",
             "-c", cfg, "biosdisk", "serial", "terminal", "echo", "halt"])
        with open(GRUB_PC + "/boot.img", "rb") as f:
            boot = bytearray(f.read())
        with open(core, "rb") as f:
            core_bytes = f.read()
        img = bytes(boot) + core_bytes
        img += b"\0" * (1474560 - len(img))
        out = os.path.join(self.work, "tree", "boot", "floppy.img")
        write(out, img)
        return out


def mkimg(args, manifest_obj, work, name="image.iso", expect=0):
    manifest = os.path.join(work, name + ".json")
    with open(manifest, "w") as f:
        json.dump(manifest_obj, f, indent=1)
    out = os.path.join(work, name)
    code, stdout, stderr = run([args.mkimg, "build", manifest, "-o", out, "--quiet"], check=False)
    if code != expect:
        raise Failure("mkimg build %s exited %d (expected %d): %s" % (name, code, expect, stderr))
    return out if expect == 0 else stderr


def multiboot_manifest(work, payloads, gpt=True):
    payloads.bios_eltorito()
    esp = payloads.efi_dir()
    write(os.path.join(work, "tree", "readme.txt"), b"mkimg boot test\n")
    return {
        "mkimg": 1,
        "volume": {"id": "MKIMG_BOOT", "timestamp": TIMESTAMP},
        "contents": [{"source": "tree/", "target": "/"}],
        "boot": {
            "catalog": "/boot/boot.cat",
            "entries": [
                {"platform": "x86", "image": "/boot/grub/eltorito.img", "emulation": "none",
                 "load_size": 4, "boot_info_table": True, "grub2_boot_info": True},
                {"platform": "efi", "efi_directory": esp},
            ],
            "hybrid": {"mbr": GRUB_PC + "/boot_hybrid.img", "gpt": gpt},
        },
    }


# ---- QEMU ------------------------------------------------------------------------------


def boot_qemu(work, image, marker, uefi, as_cdrom, timeout=240, expect=True):
    need("qemu-system-x86_64")
    serial = os.path.join(work, "serial-%s.log" % marker)
    cmd = ["qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", "256", "-display", "none",
           "-nodefaults", "-no-reboot", "-serial", "file:" + serial, "-monitor", "none"]
    if uefi:
        code = first_existing(OVMF_CODE)
        vars_src = OVMF_VARS[OVMF_CODE.index(code)] if OVMF_CODE.index(code) < len(OVMF_VARS) \
            else first_existing(OVMF_VARS)
        vars_copy = os.path.join(work, "vars-%s.fd" % marker)
        shutil.copyfile(first_existing([vars_src] + OVMF_VARS), vars_copy)
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                "-drive", "if=pflash,format=raw,file=" + vars_copy]
    if as_cdrom:
        cmd += ["-drive", "file=%s,format=raw,media=cdrom,readonly=on,if=ide,index=1" % image,
                "-boot", "order=d"]
    else:
        cmd += ["-drive", "file=%s,format=raw,if=ide,index=0,snapshot=on" % image,
                "-boot", "order=c"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env())
    deadline = time.monotonic() + timeout
    seen = ""
    try:
        while time.monotonic() < deadline:
            if os.path.exists(serial):
                with open(serial, "rb") as f:
                    seen = f.read().decode("latin-1")
                if marker in seen:
                    break
            if proc.poll() is not None:
                break
            time.sleep(0.5)
        if os.path.exists(serial):
            with open(serial, "rb") as f:
                seen = f.read().decode("latin-1")
        if not expect:
            if marker in seen:
                raise Failure("the control printed %s: the boot does not depend on what it "
                              "should" % marker)
            return
        if marker in seen:
            return
        raise Failure("no %s on the serial port within %d s (QEMU %s); serial tail:\n%s" %
                      (marker, timeout, "exited %s" % proc.returncode if proc.poll() is not None
                       else "still running", seen[-1500:]))
    finally:
        if proc.poll() is None:
            proc.kill()  # by its own pid (Popen.kill signals proc.pid)
        proc.wait()


def scenario_qemu(args, work, uefi, as_cdrom):
    if uefi:
        first_existing(OVMF_CODE)
    need("qemu-system-x86_64")
    payloads = Payloads(work)
    image = mkimg(args, multiboot_manifest(work, payloads), work)
    boot_qemu(work, image, MARK_UEFI if uefi else MARK_BIOS, uefi, as_cdrom)


def qemu_bios_cdrom(args, work):
    scenario_qemu(args, work, uefi=False, as_cdrom=True)


def qemu_uefi_cdrom(args, work):
    scenario_qemu(args, work, uefi=True, as_cdrom=True)


def qemu_bios_disk(args, work):
    scenario_qemu(args, work, uefi=False, as_cdrom=False)


def qemu_uefi_disk(args, work):
    scenario_qemu(args, work, uefi=True, as_cdrom=False)


def remove_gpt_esp(image):
    """Removes the GPT's EFI system partition entry (all zeros: unused), in both copies,
    with their CRCs made right again: a disk with no partition over the FAT image."""
    esp = bytes.fromhex("28732AC11FF8D211BA4B00A0C93EC93B")
    with open(image, "r+b") as f:
        f.seek(512)
        primary = bytearray(f.read(512))
        backup_lba = struct.unpack_from("<Q", primary, 32)[0]
        for header_lba in (1, backup_lba):
            f.seek(header_lba * 512)
            header = bytearray(f.read(512))
            entries_lba, count, size = struct.unpack_from("<QII", header, 72)
            f.seek(entries_lba * 512)
            array = bytearray(f.read(count * size))
            found = False
            for i in range(count):
                if array[i * size:i * size + 16] == esp:
                    array[i * size:(i + 1) * size] = bytes(size)
                    found = True
            if not found:
                raise Failure("no ESP entry in the GPT at sector %d" % header_lba)
            struct.pack_into("<I", header, 88, zlib.crc32(bytes(array)) & 0xFFFFFFFF)
            struct.pack_into("<I", header, 16, 0)
            hsize = struct.unpack_from("<I", header, 12)[0]
            struct.pack_into("<I", header, 16, zlib.crc32(bytes(header[:hsize])) & 0xFFFFFFFF)
            f.seek(entries_lba * 512)
            f.write(array)
            f.seek(header_lba * 512)
            f.write(header)


def drop_el_torito(image):
    """Blanks the boot record's "EL TORITO SPECIFICATION" (sector 17): OVMF, which also
    looks for El Torito on hard disks, then has only the partition tables to go by."""
    with open(image, "r+b") as f:
        f.seek(17 * 2048 + 7)
        if f.read(23) != b"EL TORITO SPECIFICATION":
            raise Failure("no El Torito boot record at sector 17")
        f.seek(17 * 2048 + 7)
        f.write(b"\0" * 23)


def qemu_uefi_disk_gpt_only(args, work):
    """qemu_uefi_disk through the GPT alone: the El Torito record blanked, OVMF must boot
    the ESP the GPT points at."""
    first_existing(OVMF_CODE)
    need("qemu-system-x86_64")
    payloads = Payloads(work)
    image = mkimg(args, multiboot_manifest(work, payloads), work)
    drop_el_torito(image)
    boot_qemu(work, image, MARK_UEFI, uefi=True, as_cdrom=False)


def qemu_uefi_disk_without_esp(args, work):
    """The control of qemu_uefi_disk_gpt_only: with the GPT's ESP entry removed as well,
    OVMF finds nothing to boot (it boots \\EFI\\BOOT\\BOOTX64.EFI from any FAT partition,
    whatever its type, so the entry goes, not just its type)."""
    first_existing(OVMF_CODE)
    need("qemu-system-x86_64", "sgdisk")
    payloads = Payloads(work)
    image = mkimg(args, multiboot_manifest(work, payloads), work)
    drop_el_torito(image)
    remove_gpt_esp(image)
    _, out, err = run(["sgdisk", "-v", image])
    if "No problems found" not in out:
        raise Failure("the edited GPT is not clean:\n" + out + err)
    boot_qemu(work, image, MARK_UEFI, uefi=True, as_cdrom=False, timeout=60, expect=False)


def qemu_bios_disk_without_mbr_patch(args, work):
    """The control of qemu_bios_disk: with byte 432 of the MBR zeroed, boot_hybrid.img
    cannot find GRUB's core."""
    need("qemu-system-x86_64")
    payloads = Payloads(work)
    image = mkimg(args, multiboot_manifest(work, payloads), work)
    with open(image, "r+b") as f:
        f.seek(432)
        f.write(b"\0" * 8)
    boot_qemu(work, image, MARK_BIOS, uefi=False, as_cdrom=False, timeout=30, expect=False)


def qemu_floppy_emulation(args, work):
    need("qemu-system-x86_64")
    payloads = Payloads(work)
    payloads.floppy()
    image = mkimg(args, {
        "mkimg": 1, "volume": {"timestamp": TIMESTAMP},
        "contents": [{"source": "tree/", "target": "/"}],
        "boot": {"entries": [{"platform": "x86", "image": "/boot/floppy.img",
                              "emulation": "floppy-1.44"}]}}, work)
    boot_qemu(work, image, MARK_FLOPPY, uefi=False, as_cdrom=True)


# ---- catalog and partition tables against xorriso, isoinfo, sgdisk, fdisk, fsck.fat ---------


def xorriso_el_torito(image):
    need("xorriso")
    _, out, err = run(["xorriso", "-indev", image, "-report_el_torito", "plain",
                       "-report_system_area", "plain"])
    return out + err


def catalog_against_xorriso(args, work):
    """Every entry, platform, emulation, load size and LBA as the manifest says."""
    need("xorriso", "isoinfo")
    payloads = Payloads(work)
    manifest = multiboot_manifest(work, payloads)
    floppy = os.path.join(work, "tree", "boot", "floppy.img")
    write(floppy, b"\xeb\x3c" + b"\0" * (1474560 - 2))
    write(os.path.join(work, "tree", "boot", "mac.img"), b"M" * 3000)
    # A hard disk image: an MBR with one partition of type 0x0C at sector 63.
    disk = bytearray(64 * 512)
    disk[446 + 4] = 0x0C
    struct.pack_into("<II", disk, 446 + 8, 63, 1)
    disk[510:512] = b"\x55\xaa"
    write(os.path.join(work, "tree", "boot", "disk.img"), bytes(disk))
    manifest["boot"]["entries"] += [
        {"platform": "x86", "image": "/boot/floppy.img", "emulation": "floppy-1.44"},
        {"platform": "x86", "image": "/boot/disk.img", "emulation": "hard-disk"},
        {"platform": "ppc", "image": "/boot/mac.img", "load_size": 7, "id": "PPCBOOT"},
        {"platform": "mac", "image": {"source": "tree/boot/mac.img"}, "load_segment": 0x1000},
    ]
    image = mkimg(args, manifest, work)
    report = xorriso_el_torito(image)
    # xorriso: "El Torito boot img :   1  BIOS  y   none  0x0000  0x00      4     LBA"
    rows = re.findall(r"El Torito boot img :\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(0x[0-9a-f]+)\s+"
                      r"(0x[0-9a-f]+)\s+(\d+)\s+(\d+)", report)
    if len(rows) != 6:
        raise Failure("xorriso lists %d boot images, not 6:\n%s" % (len(rows), report))
    want = [("BIOS", "y", "none", "0x0000", "4"),
            ("UEFI", "y", "none", "0x0000", None),
            ("BIOS", "y", "fd1.4", "0x0000", "1"),
            ("BIOS", "y", "hd", "0x0000", "1", "0x0c"),
            ("PPC", "y", "none", "0x0000", "7"),
            ("Mac", "y", "none", "0x1000", "8")]
    _, info_json, _ = run([args.mkimg, "info", image, "--json"])
    entries = json.loads(info_json)["boot_catalog"]["entries"]
    for row, w, e in zip(rows, want, entries):
        platform, bootable, emul, seg, _, count, lba = row[1], row[2], row[3], row[4], row[5], \
            row[6], row[7]
        if platform != w[0] or bootable != w[1] or emul != w[2] or seg != w[3]:
            raise Failure("xorriso reads %s where the manifest says %s:\n%s" % (row, w, report))
        if len(w) > 5 and row[5] != w[5]:
            raise Failure("xorriso reads system type %s, not %s:\n%s" % (row[5], w[5], report))
        if w[4] is not None and count != w[4]:
            raise Failure("xorriso reads load size %s, not %s:\n%s" % (count, w[4], report))
        if int(lba) != e["lba"] or int(count) != e["sector_count"]:
            raise Failure("xorriso and mkimg info disagree: %s vs %s" % (row, e))
    # The efi entry's load size: the FAT image in 512-byte sectors.
    if int(rows[1][6]) * 512 < 64 * 1024:
        raise Failure("the UEFI entry loads only %s sectors" % rows[1][6])
    if "El Torito cat path : /boot/boot.cat" not in report:
        raise Failure("xorriso does not find the catalog at /boot/boot.cat:\n" + report)
    # isoinfo -d: the catalog's LBA and the first entry.
    _, d, _ = run(["isoinfo", "-d", "-i", image])
    m = re.search(r"Eltorito defaultboot header:.*?Bootid 88 \(bootable\).*?Boot media 0 \(No "
                  r"Emulation Boot\).*?Load segment 0.*?Sys type 0.*?Nsect 4.*?Bootoff "
                  r"([0-9A-Fa-f]+) (\d+)", d, re.S)
    if not m or int(m.group(2)) != entries[0]["lba"] or int(m.group(1), 16) != entries[0]["lba"]:
        raise Failure("isoinfo -d does not show the default entry at LBA %d:\n%s" %
                      (entries[0]["lba"], d))
    cat = re.search(r"boot catalog is in sector (\d+)", d)
    catalog_lba = json.loads(info_json)["boot_catalog"]["lba"]
    if not cat or int(cat.group(1)) != catalog_lba:
        raise Failure("isoinfo -d does not find the catalog at %d:\n%s" % (catalog_lba, d))
    _, info_text, _ = run([args.mkimg, "info", image])
    for needle in ["entry 6: mac bootable, emulation none, load segment 0x1000",
                   "emulation hard-disk, load segment 0x0000, system type 0x0C",
                   "boot information table: consistent", "GRUB boot info: consistent"]:
        if needle not in info_text:
            raise Failure("mkimg info lacks %r:\n%s" % (needle, info_text))


def esp_of(image, work, start, sectors):
    esp = os.path.join(work, "esp.img")
    with open(image, "rb") as f:
        f.seek(start * 512)
        data = f.read(sectors * 512)
    write(esp, data)
    return esp


def hybrid_gpt_tools(args, work):
    """sgdisk -v and fdisk -l find no problem; the ESP checks clean in fsck.fat -n and
    mtools reads BOOTX64.EFI back identically."""
    need("sgdisk", "fdisk", "fsck.fat", "mcopy")
    payloads = Payloads(work)
    image = mkimg(args, multiboot_manifest(work, payloads, gpt=True), work)
    size = os.path.getsize(image)
    if size % (1 << 20) != 0:
        raise Failure("a hybrid image is padded to a whole MiB; this one has %d bytes" % size)
    _, out, err = run(["sgdisk", "-v", image])
    if "No problems found" not in out or "Warning" in out + err or "Problem" in out:
        raise Failure("sgdisk -v:\n" + out + err)
    _, out, _ = run(["sgdisk", "-p", image])
    parts = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+ \S+\s+(\S+)\s+(.*)$", out, re.M)
    types = [p[3] for p in parts]
    if "EF00" not in types or "0700" not in types:
        raise Failure("sgdisk -p lacks the ESP (EF00) or the ISO data (0700):\n" + out)
    _, fd, _ = run(["fdisk", "-l", image])
    if "GPT PMBR" not in fd and "gpt" not in fd:
        raise Failure("fdisk -l does not see the GPT:\n" + fd)
    if "EFI System" not in fd:
        raise Failure("fdisk -l lists no EFI System partition:\n" + fd)
    esp_row = [p for p in parts if p[3] == "EF00"][0]
    start, end = int(esp_row[1]), int(esp_row[2])
    esp = esp_of(image, work, start, end - start + 1)
    code, out, err = run(["fsck.fat", "-n", esp], check=False)
    if code != 0:
        raise Failure("fsck.fat -n on the ESP:\n" + out + err)
    copy = os.path.join(work, "BOOTX64.copy")
    run(["mcopy", "-n", "-i", esp, "::/EFI/BOOT/BOOTX64.EFI", copy])
    with open(copy, "rb") as a, open(os.path.join(work, "esp", "EFI", "BOOT", "BOOTX64.EFI"),
                                     "rb") as b:
        if a.read() != b.read():
            raise Failure("BOOTX64.EFI read back from the ESP differs")
    # The El Torito UEFI entry points at the same FAT image as the GPT's ESP.
    _, info_json, _ = run([args.mkimg, "info", image, "--json"])
    info = json.loads(info_json)
    efi = [e for e in info["boot_catalog"]["entries"] if e["platform"] == "efi"][0]
    if efi["lba"] * 4 != start:
        raise Failure("the UEFI entry (LBA %d) and the ESP (sector %d) disagree" %
                      (efi["lba"], start))
    code, out, err = run([args.mkimg, "verify", image], check=False)
    if code != 0:
        raise Failure("mkimg verify:\n" + out + err)
    # xorriso's view of the system area: GRUB's MBR, the protective MBR, both GPTs sound,
    # the ESP where sgdisk sees it.
    report = xorriso_el_torito(image)
    for needle in ["grub2-mbr", "protective-msdos-label",
                   "GPT start and size :   2  %d  %d" % (start, end - start + 1)]:
        if needle not in report:
            raise Failure("xorriso -report_system_area lacks %r:\n%s" % (needle, report))
    if "problems" in report:
        raise Failure("xorriso -report_system_area finds problems:\n" + report)
    # A broken backup GPT must be found (by sgdisk and by mkimg verify).
    with open(image, "r+b") as f:
        f.seek(size - 512 + 40)  # FirstUsableLBA, inside the CRC
        f.write(b"\xff")
    code, out, err = run([args.mkimg, "verify", image], check=False)
    if code == 0 or "GPT backup header: CRC32 mismatch" not in out + err:
        raise Failure("mkimg verify misses a corrupt backup GPT header:\n" + out + err)


def hybrid_udf_bridge(args, work):
    """A hybrid MBR/GPT image that is also a UDF 2.01 bridge: the backup GPT holds the last
    block, so UDF's anchors are at 256 and N - 256 (ECMA-167 3/8.4.2.1 asks for two of
    the three). sgdisk, udfinfo, 7-Zip and mkimg verify must all accept it, and the UDF
    tree must hold the files."""
    need("sgdisk", "udfinfo", "7zz")
    payloads = Payloads(work)
    manifest = multiboot_manifest(work, payloads, gpt=True)
    manifest["filesystems"] = {"iso9660": {"level": 3}, "joliet": {}, "udf": {"revision": "2.01"}}
    image = mkimg(args, manifest, work)
    size = os.path.getsize(image)
    if size % (1 << 20) != 0:
        raise Failure("a hybrid image is padded to a whole MiB; this one has %d bytes" % size)
    _, out, err = run(["sgdisk", "-v", image])
    if "No problems found" not in out or "Warning" in out + err or "Problem" in out:
        raise Failure("sgdisk -v:\n" + out + err)
    with open(image, "rb") as f:
        f.seek(size - 512)
        if f.read(8) != b"EFI PART":
            raise Failure("the last sector is not the backup GPT header")
        blocks = size // 2048
        for lba in (256, blocks - 257):
            f.seek(lba * 2048)
            tag = f.read(2)
            if tag != b"\x02\x00":
                raise Failure("no anchor volume descriptor pointer at block %d" % lba)
    _, out, _ = run(["udfinfo", image])
    if "udfrev=2.01" not in out:
        raise Failure("udfinfo does not see UDF 2.01:\n" + out)
    # 7-Zip lists the tree but flags "Headers Error" when the last block holds no anchor
    # (specs/readers.md, 7-Zip): that and nothing else is allowed here.
    code, out, err = run(["7zz", "l", "-tudf", image], check=False)
    if "readme.txt" not in out or "boot/grub/eltorito.img" not in out:
        raise Failure("7zz -tudf does not list the tree:\n" + out + err)
    reported, inside = [], False
    for line in out.splitlines():
        if line in ("ERRORS:", "WARNINGS:"):
            inside = True
        elif " = " in line or not line.strip():
            inside = False
        elif inside:
            reported.append(line.strip())
    if "Headers Error" not in reported:
        raise Failure("7zz -tudf no longer flags the missing anchor at N: drop the quirk:\n" + out)
    unexpected = [r for r in reported
                  if r not in ("Headers Error", "There are data after the end of archive")]
    if unexpected:
        raise Failure("7zz -tudf reports more than the missing anchor at N:\n" + out + err)
    _, out, _ = run([args.mkimg, "ls", "--fs", "udf", image, "/"])
    if "readme.txt" not in out:
        raise Failure("mkimg ls --fs udf lacks readme.txt:\n" + out)
    code, out, err = run([args.mkimg, "verify", image], check=False)
    if code != 0:
        raise Failure("mkimg verify:\n" + out + err)


def hybrid_mbr_tools(args, work):
    """Without gpt: an MBR with the ISO data (bootable, type 0x17) and the ESP (0xEF)."""
    need("fdisk")
    payloads = Payloads(work)
    image = mkimg(args, multiboot_manifest(work, payloads, gpt=False), work)
    _, fd, _ = run(["fdisk", "-l", image])
    if "Disklabel type: dos" not in fd:
        raise Failure("fdisk -l does not see an MBR:\n" + fd)
    rows = re.findall(r"^(\S+\d)\s+(\*?)\s*(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+([0-9a-f]+)\s", fd, re.M)
    ids = [r[5] for r in rows]
    if ids[:2] != ["17", "ef"] or rows[0][1] != "*" or rows[0][2] != "0":
        raise Failure("fdisk -l shows %s, not a bootable 0x17 at 0 and an 0xEF:\n%s" % (rows, fd))
    with open(image, "rb") as f:
        mbr = f.read(512)
    _, info_json, _ = run([args.mkimg, "info", image, "--json"])
    info = json.loads(info_json)
    x86 = info["boot_catalog"]["entries"][0]
    # GRUB's boot_hybrid.img: the 64-bit sector of the core at 432 (El Torito image + 4).
    if struct.unpack_from("<Q", mbr, 432)[0] != x86["lba"] * 4 + 4:
        raise Failure("the MBR's byte 432 does not hold the x86 image's sector + 4")
    with open(GRUB_PC + "/boot_hybrid.img", "rb") as f:
        template = f.read()
    if mbr[:432] != template[:432]:
        raise Failure("the MBR's boot code differs from boot_hybrid.img's")
    # isolinux's flavour (isohdpfx.bin is 432 bytes): the 32-bit sector of the image at
    # 432, then four zero bytes (isohybrid).
    write(os.path.join(work, "isohdpfx.bin"), bytes([0xAB]) * 432)
    manifest = multiboot_manifest(work, payloads, gpt=False)
    manifest["boot"]["hybrid"] = {"mbr": "isohdpfx.bin", "mbr_type": "isolinux"}
    image = mkimg(args, manifest, work, name="isolinux.iso")
    with open(image, "rb") as f:
        mbr = f.read(512)
    x86 = json.loads(run([args.mkimg, "info", image, "--json"])[1])["boot_catalog"]["entries"][0]
    if mbr[:432] != bytes([0xAB]) * 432 or struct.unpack_from("<II", mbr, 432) != (
            x86["lba"] * 4, 0):
        raise Failure("isolinux MBR: bytes 432-439 are %s, not the image's sector %d and 0" %
                      (mbr[432:440].hex(), x86["lba"] * 4))


def bad_input(args, work):
    """Each bad input: exit 2, one line `mkimg: WHERE: WHAT`, no image left behind."""
    write(os.path.join(work, "tree", "boot", "bios.img"), b"B" * 4096)
    write(os.path.join(work, "tree", "boot", "small.img"), b"S" * 1000000)
    write(os.path.join(work, "wrong.mbr"), b"\0" * 300)
    os.makedirs(os.path.join(work, "bigesp"), exist_ok=True)
    write(os.path.join(work, "bigesp", "big.bin"), b"x" * (3 << 20))
    base = {"mkimg": 1, "volume": {"timestamp": TIMESTAMP},
            "contents": [{"source": "tree/", "target": "/"}]}
    x86 = {"platform": "x86", "image": "/boot/bios.img"}
    cases = [
        ("missing boot image", {"entries": [{"image": "/boot/none.img"}]},
         r"\$\.boot\.entries\[0\]\.image: no boot image /boot/none.img"),
        ("missing host boot image", {"entries": [{"image": {"source": "nope.img"}}]},
         r"\$\.boot\.entries\[0\]\.image\.source: boot image .*nope.img: No such file"),
        ("floppy of the wrong size",
         {"entries": [{"image": "/boot/small.img", "emulation": "floppy-1.2"}]},
         r"\$\.boot\.entries\[0\]: a 1.2 MB floppy image has exactly 1228800 bytes, not 1000000"),
        ("load size past 65535", {"entries": [dict(x86, load_size=65536)]},
         r"\$\.boot\.entries\[0\]\.load_size: must be between 0 and 65535 \(got 65536\)"),
        ("efi entry without image", {"entries": [{"platform": "efi"}]},
         r"\$\.boot\.entries\[0\]: an efi entry needs \"image\" or \"efi_directory\""),
        ("hybrid without x86", {"entries": [{"platform": "efi", "image": "/boot/bios.img"}],
                                "hybrid": {"mbr": "wrong.mbr"}},
         r"\$\.boot\.hybrid: a hybrid image boots as a disk through its x86 boot image"),
        ("MBR template of the wrong size", {"entries": [x86], "hybrid": {"mbr": "wrong.mbr"}},
         r"wrong\.mbr: an MBR template has 432, 440, 446 or 512 bytes .*not 300"),
        ("ESP folder too big for its size",
         {"entries": [x86, {"platform": "efi", "efi_directory": "bigesp", "efi_size": 1048576}]},
         r"\$\.boot\.entries\[1\]\.efi_directory: .*bigesp"),
        ("two entries on the default slot",
         {"entries": [dict(x86, default=True), dict(x86, default=True)]},
         r"\$\.boot\.entries\[1\]: two entries on the initial/default catalog slot"),
        ("unknown key with a hint", {"entries": [dict(x86, load_sise=4)]},
         r"unknown key \"load_sise\" \(did you mean \"load_size\"\?\)"),
    ]
    for name, boot, pattern in cases:
        m = dict(base, boot=boot)
        stderr = mkimg(args, m, work, name="bad.iso", expect=2)
        lines = stderr.strip().split("\n")
        if len(lines) != 1 or not lines[0].startswith("mkimg: ") or not re.search(pattern,
                                                                                   lines[0]):
            raise Failure("%s: expected one line matching %r, got:\n%s" % (name, pattern, stderr))
        if re.search(r"\$\.", pattern) and not re.search(r"bad\.iso\.json:\d+:\d+: ", lines[0]):
            raise Failure("%s: no line:column in %r" % (name, lines[0]))
        if os.path.exists(os.path.join(work, "bad.iso")):
            raise Failure("%s: an image was left behind" % name)


def windows_style_example(args, work):
    """examples/windows-style (oscdimg's -bootdata:2#p0,e,b…#pEF,e,b…) builds; xorriso
    lists a BIOS no-emulation entry loading 4 sectors and a UEFI entry over a 1.44 MB
    FAT12 image that fsck.fat -n finds clean; the catalog is in no file system."""
    need("xorriso", "fsck.fat")
    source = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "examples", "windows-style", "manifest.json")
    image = os.path.join(work, "windows.iso")
    run([args.mkimg, "build", source, "-o", image, "--quiet"])
    report = xorriso_el_torito(image)
    rows = re.findall(r"El Torito boot img :\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(0x[0-9a-f]+)\s+"
                      r"(0x[0-9a-f]+)\s+(\d+)\s+(\d+)", report)
    got = [(r[1], r[3], r[6]) for r in rows]
    if got != [("BIOS", "none", "4"), ("UEFI", "none", "2880")]:
        raise Failure("xorriso lists %s:\n%s" % (got, report))
    if "El Torito cat path : /" in report:
        raise Failure("the catalog has a path; oscdimg hides it:\n" + report)
    esp = esp_of(image, work, int(rows[1][7]) * 4, 2880)
    code, out, err = run(["fsck.fat", "-n", esp], check=False)
    if code != 0:
        raise Failure("fsck.fat -n on efisys:\n" + out + err)
    with open(esp, "rb") as f:
        boot_sector = f.read(512)
    if boot_sector[54:62] != b"FAT12   ":  # the FAT12/16 extended BPB's file system type
        raise Failure("efisys is not FAT12: %r" % boot_sector[54:62])
    # oscdimg's -u2 -udfver102: a UDF 1.02 bridge whose 4.7 GB install.wim (over 4 GiB:
    # several ISO 9660 extents, several UDF allocation descriptors) reads the same size in
    # UDF (udfinfo, mkimg) and in ISO 9660 (xorriso).
    need("udfinfo")
    _, out, _ = run(["udfinfo", image])
    if "udfrev=1.02" not in out:
        raise Failure("udfinfo does not see UDF 1.02:\n" + out)
    _, out, _ = run([args.mkimg, "ls", "-l", "--fs", "udf", image, "/sources/install.wim"])
    if " 4700000000 " not in out:
        raise Failure("UDF lists install.wim as:\n" + out)
    _, out, _ = run(["xorriso", "-indev", image, "-find", "/sources/install.wim", "-exec",
                     "lsdl"])
    if "4700000000" not in out:
        raise Failure("xorriso lists install.wim as:\n" + out)


SCENARIOS = {
    "windows_style_example": windows_style_example,
    "catalog_against_xorriso": catalog_against_xorriso,
    "hybrid_gpt_tools": hybrid_gpt_tools,
    "hybrid_mbr_tools": hybrid_mbr_tools,
    "hybrid_udf_bridge": hybrid_udf_bridge,
    "bad_input": bad_input,
    "qemu_bios_cdrom": qemu_bios_cdrom,
    "qemu_uefi_cdrom": qemu_uefi_cdrom,
    "qemu_bios_disk": qemu_bios_disk,
    "qemu_uefi_disk": qemu_uefi_disk,
    "qemu_floppy_emulation": qemu_floppy_emulation,
    "qemu_uefi_disk_gpt_only": qemu_uefi_disk_gpt_only,
    "qemu_uefi_disk_without_esp": qemu_uefi_disk_without_esp,
    "qemu_bios_disk_without_mbr_patch": qemu_bios_disk_without_mbr_patch,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkimg")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("scenario", nargs="?")
    args = ap.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    if not args.mkimg or args.scenario not in SCENARIOS:
        ap.error("--mkimg and one of: " + ", ".join(SCENARIOS))
    args.mkimg = os.path.abspath(args.mkimg)
    work = tempfile.mkdtemp(prefix="mkimg-boot-")
    cwd = os.getcwd()
    try:
        os.chdir(work)
        SCENARIOS[args.scenario](args, work)
    except Missing as e:
        if os.environ.get("CI"):
            print("FAIL: required tool missing in CI: %s" % e)
            return 1
        print("SKIP: %s is not installed" % e)
        return SKIP
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        os.chdir(cwd)
        if args.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("PASS: " + args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
