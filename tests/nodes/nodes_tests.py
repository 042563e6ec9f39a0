#!/usr/bin/python3
"""Every node type of a Unix tree (issue "Fidelity", item 3; specs/manifest.md "Host files",
specs/rrip.md "PN", specs/udf.md "Devices, FIFOs and sockets"): character and block devices,
FIFOs, sockets, symbolic links, hard links and host owners, built from a tree made at test
time and read back by xorriso, isoinfo, pycdlib, udfinfo, udfclient and mkimg's own reader.

  nodes_tests.py --mkimg PATH SCENARIO    run one scenario (0 pass, 1 fail, 77 skipped)
  nodes_tests.py --list                   print the scenario names

Devices and owners need root (mknod, chown); CI runs as root, elsewhere those scenarios skip
with the reason. Each check names the loss it catches.
"""
import json
import os
import shutil
import socket
import stat
import sys

MKIMG = None
WORK = None
UDFREAD_LS = None  # mkimg-udfread (libudfread), when built
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import scenario  # noqa: E402  (tests/tools/scenario.py)
from scenario import Failure, Skip, check  # noqa: E402,F401

ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
PYTHON = "/usr/bin/python3"

# The tree every scenario builds: name -> what the host holds (see make_tree).
DEVICES = {"dev/null": ("c", 1, 3), "dev/console": ("c", 5, 1), "dev/sda1": ("b", 8, 1),
           "dev/big": ("c", 259, 70000), "dev/loop0": ("b", 7, 0)}
OWNED = {"etc/shadow": (0, 42), "home/user/notes": (1000, 1000), "var/spool": (7, 7)}


def run(args, expect=0, env=None, cwd=None, user=None):
    if user is not None:
        args = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + args
    return scenario.run(args, ENV, expect, env, cwd=cwd or WORK, timeout=600)


def need(*tools):
    scenario.need(ENV["PATH"], *tools)


def need_root():
    if os.geteuid() != 0:
        raise Skip("making devices and chown need root (CI runs the suite as root)")


def make_tree(root, devices=True, owners=True):
    """A Debian-root-shaped tree: /dev nodes, a FIFO, a socket, symlinks (absolute,
    relative, dangling, to a device), a hard-link pair and a triple, files of other owners."""
    def path(rel):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p
    for rel, data in [("etc/shadow", b"root:*:1:0:99999:7:::\n"), ("etc/hostname", b"box\n"),
                      ("home/user/notes", b"notes\n"), ("bin/busybox", b"\x7fELF" + b"x" * 5000),
                      ("var/spool/mail", b"")]:
        with open(path(rel), "wb") as f:
            f.write(data)
    os.chmod(path("etc/shadow"), 0o640)
    os.link(path("bin/busybox"), path("bin/sh"))
    os.link(path("bin/busybox"), path("bin/ls"))
    with open(path("usr/share/a"), "wb") as f:
        f.write(b"linked pair\n")
    os.link(path("usr/share/a"), path("usr/share/b"))
    for rel, target in [("bin/vi", "busybox"), ("usr/bin/sh", "/bin/sh"),
                        ("etc/mtab", "../proc/self/mounts"), ("dev/stdout", "/proc/self/fd/1"),
                        ("dev/nul", "null")]:
        os.symlink(target, path(rel))
    os.mkfifo(path("run/initctl"), 0o600)
    s = socket.socket(socket.AF_UNIX)
    s.bind(path("run/sock"))
    s.close()
    os.chmod(path("run/sock"), 0o666)
    if devices:
        for rel, (kind, major, minor) in DEVICES.items():
            mode = (stat.S_IFCHR if kind == "c" else stat.S_IFBLK) | 0o620
            os.mknod(path(rel), mode, os.makedev(major, minor))
            os.chmod(path(rel), 0o620)
        os.chmod(path("dev/null"), 0o666)
    if owners:
        for rel, (uid, gid) in OWNED.items():
            os.lchown(path(rel), uid, gid)
        os.lchown(path("run/initctl"), 33, 44)
        os.lchown(path("bin/vi"), 55, 66)
        os.lchown(path("dev/console"), 0, 5)


def describe(root):
    """rel path -> (type, mode, uid, gid, rdev, link target, nlink, size) of a host tree."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            rel = os.path.relpath(full, root)
            kind = stat.S_IFMT(st.st_mode)
            out[rel] = {
                "type": kind, "mode": stat.S_IMODE(st.st_mode), "uid": st.st_uid,
                "gid": st.st_gid,
                "rdev": (os.major(st.st_rdev), os.minor(st.st_rdev))
                if kind in (stat.S_IFCHR, stat.S_IFBLK) else None,
                "target": os.readlink(full) if kind == stat.S_IFLNK else None,
                "nlink": st.st_nlink if kind == stat.S_IFREG else None,
                "size": st.st_size if kind == stat.S_IFREG else None,
            }
    return out


def manifest(path, contents, **top):
    m = {"mkimg": 1, "volume": {"id": "NODES", "timestamp": "2026-01-01T00:00:00Z"}}
    m.update(top)
    m["contents"] = contents
    with open(path, "w") as f:
        json.dump(m, f)
    return path


def build(man, image, extra=(), expect=0):
    return run([MKIMG, "build", man, "-o", image] + list(extra), expect=expect)


def xorriso_find(image):
    """lsdl lines of every entry, keyed by path, as xorriso reads the Rock Ridge tree."""
    _, out, _ = run(["xorriso", "-abort_on", "FAILURE", "-indev", image, "-find", "/",
                     "-exec", "lsdl"])
    lines = {}
    for line in out.splitlines():
        if "'" not in line:
            continue
        head, _, rest = line.partition(" '")
        name, _, tail = rest.partition("'")
        fields = head.split()
        if tail.startswith(" -> '"):
            fields.append(tail[len(" -> '"):].rstrip("'"))
        lines[name] = fields
    return lines


def compare(want, got, what, keys=("type", "mode", "uid", "gid", "rdev", "target"),
            skip=(), link_owners=True):
    missing = sorted(set(want) - set(got) - set(skip))
    check(not missing, "%s lost %s" % (what, missing))
    for rel, w in sorted(want.items()):
        if rel in skip:
            continue
        g = got[rel]
        for k in keys:
            if w[k] is None and g.get(k) is None:
                continue
            if k in ("uid", "gid") and w["type"] == stat.S_IFLNK and not link_owners:
                continue
            check(w[k] == g.get(k), "%s: %s: %s is %r, the host had %r" % (what, rel, k, g.get(k),
                                                                           w[k]))


def scenario_rock_ridge_xorriso():
    """Devices, FIFOs, sockets, owners and link counts in Rock Ridge, as xorriso lists them."""
    need_root()
    need("xorriso")
    src = os.path.join(WORK, "root")
    make_tree(src)
    man = manifest(os.path.join(WORK, "m.json"),
                   [{"source": "root/", "target": "/", "owners": "host"}])
    image = os.path.join(WORK, "rr.iso")
    build(man, image)
    lines = xorriso_find(image)
    host = describe(src)
    for rel, (kind, major, minor) in DEVICES.items():
        f = lines.get("/" + rel)
        check(f is not None, "xorriso does not list the device /%s" % rel)
        check(f[0][0] == kind, "xorriso: /%s is %s, not a %s device" % (rel, f[0], kind))
        check(f[4] == "%d,%d" % (major, minor),
              "xorriso: /%s has device number %s, the host %d,%d (RRIP PN)" % (rel, f[4], major,
                                                                               minor))
    check(lines["/run/initctl"][0][0] == "p", "xorriso: /run/initctl is not a FIFO")
    check(lines["/run/sock"][0][0] == "s", "xorriso: /run/sock is not a socket")
    check(lines["/run/sock"][0] == "srw-rw-rw-", "xorriso: socket mode %s" % lines["/run/sock"][0])
    for rel, (uid, gid) in OWNED.items():
        f = lines["/" + rel]
        check((f[2], f[3]) == (str(uid), str(gid)),
              "xorriso: /%s owned by %s:%s, the host %d:%d" % (rel, f[2], f[3], uid, gid))
    check(lines["/run/initctl"][2:4] == ["33", "44"], "xorriso: FIFO owner lost")
    check(lines["/bin/vi"][2:4] == ["55", "66"], "xorriso: symlink owner lost")
    check(lines["/dev/console"][2:4] == ["0", "5"], "xorriso: device group lost")
    check(lines["/dev/null"][0] == "crw-rw-rw-", "xorriso: /dev/null mode %s" %
          lines["/dev/null"][0])
    for rel, d in host.items():
        if d["target"] is not None:
            check(lines["/" + rel][-1] == d["target"], "xorriso: /%s -> %s, the host -> %s" %
                  (rel, lines["/" + rel][-1], d["target"]))
    # Extraction through xorriso (-osirrox on) recreates devices and keeps owners.
    out = os.path.join(WORK, "x")
    run(["xorriso", "-abort_on", "FAILURE", "-osirrox", "device_files", "-indev", image, "-extract", "/",
         out])
    # xorriso lists sockets but does not restore them (it makes no sockets on extraction).
    # Nor does it lchown the links it makes (their owners are checked in -lsdl above).
    compare(host, describe(out), "xorriso -osirrox extraction", skip=("run/sock",),
            link_owners=False)


def scenario_rock_ridge_isoinfo_pycdlib():
    """PX file types and link counts through isoinfo -R -l; PX/PN/SL through pycdlib."""
    need_root()
    need("isoinfo")
    src = os.path.join(WORK, "root")
    make_tree(src)
    man = manifest(os.path.join(WORK, "m.json"),
                   [{"source": "root/", "target": "/", "owners": "host"}])
    image = os.path.join(WORK, "rr.iso")
    build(man, image)
    _, out, _ = run(["isoinfo", "-R", "-l", "-i", image])
    seen = {}
    cur = None
    for line in out.splitlines():
        if line.startswith("Directory listing of "):
            cur = line[len("Directory listing of "):].rstrip("/")
            continue
        parts = line.split()
        if len(parts) < 10 or cur is None:
            continue
        name = line.split("]", 1)[1].strip().split(" -> ")[0]
        if name in (".", ".."):
            continue
        seen[cur + "/" + name] = parts
    for rel, (kind, _, _) in DEVICES.items():
        check(seen["/" + rel][0][0] == kind, "isoinfo -R: /%s is %s" % (rel, seen["/" + rel][0]))
    # isoinfo prints a FIFO's type as 'f' (its own letter); a socket as 's'.
    check(seen["/run/initctl"][0][0] in "pf", "isoinfo -R: FIFO is %s" % seen["/run/initctl"][0])
    check(seen["/run/sock"][0][0] == "s", "isoinfo -R: socket is %s" % seen["/run/sock"][0])
    for rel, n in [("/bin/busybox", "3"), ("/bin/sh", "3"), ("/bin/ls", "3"),
                   ("/usr/share/a", "2"), ("/usr/share/b", "2"), ("/etc/hostname", "1")]:
        check(seen[rel][1] == n, "isoinfo -R: %s has %s links, the host %s (RRIP PX links)" %
              (rel, seen[rel][1], n))
    # pycdlib: PN words, PX mode, owners, links, SL targets.
    script = r"""
import json, sys, pycdlib
iso = pycdlib.PyCdlib(); iso.open(sys.argv[1])
out = {}
for path in sys.argv[2:]:
    rec = iso.get_record(rr_path=path)
    rr = rec.rock_ridge
    def pick(name):
        v = getattr(rr.dr_entries, name)
        return v if v is not None else getattr(rr.ce_entries, name)
    px, pn = pick('px_record'), pick('pn_record')
    out[path] = {'mode': px.posix_file_mode, 'links': px.posix_file_links,
                 'uid': px.posix_user_id, 'gid': px.posix_group_id,
                 'pn': [pn.dev_t_high, pn.dev_t_low] if pn else None,
                 'target': rr.symlink_path().decode() if rr.is_symlink() else None}
iso.close()
print(json.dumps(out))
"""
    paths = ["/dev/null", "/dev/sda1", "/dev/big", "/run/initctl", "/run/sock", "/bin/vi",
             "/bin/sh", "/etc/shadow", "/dev/nul"]
    _, out, _ = run([PYTHON, "-c", script, image] + paths)
    got = json.loads(out)
    check(got["/dev/null"]["mode"] == 0o20666, "pycdlib: /dev/null PX mode %o" %
          got["/dev/null"]["mode"])
    check(got["/dev/null"]["pn"] == [0, 0x103], "pycdlib: /dev/null PN %s" % got["/dev/null"]["pn"])
    check(got["/dev/sda1"]["mode"] == 0o60620, "pycdlib: /dev/sda1 PX mode %o" %
          got["/dev/sda1"]["mode"])
    # minor 70000 > 255: the C library's dev_t, minor bits 8-19 at bits 20-31.
    big = (70000 & 0xFF) | (259 << 8) | ((70000 & 0xFFF00) << 12)
    check(got["/dev/big"]["pn"] == [0, big], "pycdlib: /dev/big PN %s" % got["/dev/big"]["pn"])
    check(got["/run/initctl"]["mode"] == 0o10600, "pycdlib: FIFO mode %o" %
          got["/run/initctl"]["mode"])
    check(got["/run/sock"]["mode"] == 0o140666, "pycdlib: socket mode %o" %
          got["/run/sock"]["mode"])
    check((got["/run/initctl"]["uid"], got["/run/initctl"]["gid"]) == (33, 44),
          "pycdlib: FIFO owner")
    check(got["/bin/vi"]["target"] == "busybox", "pycdlib: SL %s" % got["/bin/vi"]["target"])
    check(got["/dev/nul"]["target"] == "null", "pycdlib: SL %s" % got["/dev/nul"]["target"])
    check(got["/bin/sh"]["links"] == 3, "pycdlib: /bin/sh PX links %d" % got["/bin/sh"]["links"])
    check((got["/etc/shadow"]["uid"], got["/etc/shadow"]["gid"]) == (0, 42),
          "pycdlib: /etc/shadow owner")


def scenario_debian_root_roundtrip():
    """A Debian-root-shaped tree with "owners": "host" through mkimg, then back out with
    xorriso's and mkimg's extraction: modes, owners, device numbers, link targets and hard
    links all as on the host."""
    need_root()
    need("xorriso")
    src = os.path.join(WORK, "root")
    make_tree(src)
    man = manifest(os.path.join(WORK, "m.json"),
                   [{"source": "root/", "target": "/", "owners": "host"}],
                   filesystems={"iso9660": {"level": 3, "rock_ridge": True}, "joliet": {},
                                "udf": {"revision": "2.01"}})
    image = os.path.join(WORK, "root.iso")
    build(man, image)
    host = describe(src)
    xo = os.path.join(WORK, "xorriso-out")
    run(["xorriso", "-abort_on", "FAILURE", "-osirrox", "device_files", "-indev", image, "-extract", "/",
         xo])
    compare(host, describe(xo), "xorriso extraction", skip=("run/sock",), link_owners=False)
    for fs in ("rockridge", "udf"):
        mo = os.path.join(WORK, "mkimg-" + fs)
        run([MKIMG, "extract", image, mo, "--fs", fs])
        got = describe(mo)
        compare(host, got, "mkimg extract --fs " + fs, keys=("type", "mode", "uid", "gid",
                                                              "rdev", "target", "size"))
    # The image without "owners": "host" records 0 everywhere, byte-identically twice.
    plain = manifest(os.path.join(WORK, "p.json"), [{"source": "root/", "target": "/"}])
    a, b = os.path.join(WORK, "a.iso"), os.path.join(WORK, "b.iso")
    build(plain, a)
    build(plain, b)
    check(open(a, "rb").read() == open(b, "rb").read(), "two builds differ")
    lines = xorriso_find(a)
    owned = [p for p, f in lines.items() if f[2:4] != ["0", "0"]]
    check(not owned, "without \"owners\": \"host\" these keep host owners: %s" % owned)


def scenario_udf_nodes():
    """UDF file types (ECMA-167 4/14.6.6), device specification extended attributes
    (4/14.10.7), owners and hard links (one file entry, File Link Count) for each revision,
    through mkimg's reader, udfinfo's counts and udfclient's listing."""
    need_root()
    need("udfinfo")
    src = os.path.join(WORK, "root")
    make_tree(src)
    for rev in ("1.02", "2.01", "2.50", "2.60"):
        man = manifest(os.path.join(WORK, "m.json"),
                       [{"source": "root/", "target": "/", "owners": "host"}],
                       filesystems={"udf": {"revision": rev}})
        image = os.path.join(WORK, "u%s.iso" % rev)
        build(man, image)
        _, out, _ = run([MKIMG, "ls", image, "--fs", "udf", "--json"])
        entries = {e["path"]: e for e in json.loads(out)["entries"]}
        for rel, (kind, major, minor) in DEVICES.items():
            e = entries.get("/" + rel)
            check(e is not None, "UDF %s: /%s missing" % (rev, rel))
            check(e["type"] == ("char-device" if kind == "c" else "block-device"),
                  "UDF %s: /%s is %s" % (rev, rel, e["type"]))
            check((e.get("major"), e.get("minor")) == (major, minor),
                  "UDF %s: /%s device %s,%s (device specification EA)" %
                  (rev, rel, e.get("major"), e.get("minor")))
        check(entries["/run/initctl"]["type"] == "fifo", "UDF %s: FIFO lost" % rev)
        check(entries["/run/sock"]["type"] == "socket", "UDF %s: socket lost" % rev)
        check((entries["/run/initctl"]["uid"], entries["/run/initctl"]["gid"]) == (33, 44),
              "UDF %s: FIFO owner" % rev)
        check(entries["/bin/sh"]["links"] == 3, "UDF %s: /bin/sh File Link Count %s" %
              (rev, entries["/bin/sh"]["links"]))
        _, v, _ = run([MKIMG, "verify", image])
        # udfinfo: every file entry counts once (hard links share one: 3 names, 1 file).
        _, info, _ = run(["udfinfo", image])
        fields = dict(l.split("=", 1) for l in info.splitlines() if "=" in l)
        dirs = sum(1 for r, d in describe(src).items() if d["type"] == stat.S_IFDIR) + 1
        names = [r for r, d in describe(src).items() if d["type"] != stat.S_IFDIR]
        files = len(names) - 2 - 1  # busybox/sh/ls: one entry; a/b: one entry
        check(fields.get("numdirs") == str(dirs), "udfinfo %s: numdirs %s, expected %d" %
              (rev, fields.get("numdirs"), dirs))
        check(fields.get("numfiles") == str(files), "udfinfo %s: numfiles %s, expected %d" %
              (rev, fields.get("numfiles"), files))


def scenario_special_files_off():
    """"special_files": false and --no-special-files leave devices, FIFOs and sockets out,
    and keep everything else."""
    need_root()
    need("xorriso")
    src = os.path.join(WORK, "root")
    make_tree(src)
    on = manifest(os.path.join(WORK, "on.json"), [{"source": "root/", "target": "/"}])
    off = manifest(os.path.join(WORK, "off.json"), [{"source": "root/", "target": "/"}],
                   special_files=False)
    special = ["/" + r for r in DEVICES] + ["/run/initctl", "/run/sock"]
    for man, extra, present in [(on, [], True), (off, [], False), (on, ["--no-special-files"],
                                                                  False)]:
        image = os.path.join(WORK, "x.iso")
        build(man, image, extra)
        lines = xorriso_find(image)
        for p in special:
            check((p in lines) == present, "%s %s: %s %s" % (os.path.basename(man), extra, p,
                                                             "missing" if present else "kept"))
        check("/bin/vi" in lines and "/etc/shadow" in lines, "other entries lost")
    # Joliet cannot hold them: left out with a warning naming each; the files stay.
    need("isoinfo")
    image = os.path.join(WORK, "j.iso")
    _, _, err = build(on, image, ["--verbose"])
    check("mkimg: /dev/null: warning: device, FIFO or socket left out of the Joliet tree" in err,
          "no Joliet warning naming /dev/null:\n" + err)
    _, out, _ = run(["isoinfo", "-J", "-f", "-i", image])
    listed = [p.split(";")[0] for p in out.split()]
    check("/etc/shadow" in listed, "isoinfo -J lost /etc/shadow: %s" % listed)
    check(not any(p in listed for p in special), "Joliet holds a special file: %s" % listed)


def scenario_extract_nodes():
    """mkimg extract recreates devices, FIFOs and sockets as root; without root it makes
    the FIFOs and sockets, reports each device and exits 0."""
    need_root()
    src = os.path.join(WORK, "root")
    make_tree(src)
    man = manifest(os.path.join(WORK, "m.json"),
                   [{"source": "root/", "target": "/", "owners": "host"}])
    image = os.path.join(WORK, "n.iso")
    build(man, image)
    out = os.path.join(WORK, "as-root")
    run([MKIMG, "extract", image, out])
    compare(describe(src), describe(out), "mkimg extract (root)")
    _, ls, _ = run([MKIMG, "ls", "-l", image, "/dev"])
    check(any(l.startswith("crw-rw-rw-") and " 1, 3 " in l and l.endswith("/dev/null")
              for l in ls.splitlines()), "ls -l does not show /dev/null as 'c ... 1, 3':\n" + ls)
    check(any(l.startswith("brw--w----") and " 8, 1 " in l for l in ls.splitlines()),
          "ls -l does not show /dev/sda1 as a block device:\n" + ls)
    if shutil.which("setpriv", path=ENV["PATH"]) is None:
        return
    user = os.path.join(WORK, "as-user")
    os.makedirs(user)
    os.chown(user, 65534, 65534)
    os.chmod(WORK, 0o755)
    os.chmod(image, 0o644)
    # A copy of mkimg the user can run whatever the build folder's modes (CI: umask 077).
    mkimg = os.path.join(WORK, "mkimg")
    shutil.copy(MKIMG, mkimg)
    os.chmod(mkimg, 0o755)
    _, _, err = run([mkimg, "extract", image, user], user=65534)
    for rel, (kind, major, minor) in DEVICES.items():
        check(("/%s: %s device %d, %d not created" % (rel, "character" if kind == "c"
                                                      else "block", major, minor)) in err,
              "extract as a user does not report /%s:\n%s" % (rel, err))
        check(not os.path.lexists(os.path.join(user, rel)), "a user made a device?")
    check(stat.S_ISFIFO(os.lstat(os.path.join(user, "run/initctl")).st_mode),
          "extract as a user did not make the FIFO")
    check(stat.S_ISSOCK(os.lstat(os.path.join(user, "run/sock")).st_mode),
          "extract as a user did not make the socket")


def scenario_manifest_errors():
    """"owners" is "host" or "root", on a `source` entry only; "special_files" is a bool."""
    man = manifest(os.path.join(WORK, "a.json"), [{"text": "x", "target": "/a", "owners": "host"}])
    _, _, err = build(man, os.path.join(WORK, "a.iso"), expect=2)
    check("$.contents[0].owners" in err and "source" in err and err.count("\n") == 1,
          "owners on a text entry: %s" % err)
    os.makedirs(os.path.join(WORK, "d"))
    man = manifest(os.path.join(WORK, "b.json"), [{"source": "d", "target": "/", "owners": "me"}])
    _, _, err = build(man, os.path.join(WORK, "b.iso"), expect=2)
    check("$.contents[0].owners" in err and "\"host\"" in err, "owners \"me\": %s" % err)
    man = manifest(os.path.join(WORK, "c.json"), [{"source": "d", "target": "/"}],
                   special_files="no")
    _, _, err = build(man, os.path.join(WORK, "c.iso"), expect=2)
    check("$.special_files" in err, "special_files \"no\": %s" % err)
    for name in ("a.iso", "b.iso", "c.iso"):
        check(not os.path.exists(os.path.join(WORK, name)), "a failed build left " + name)


def fnv64(data, h=0xcbf29ce484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def make_holes(path, size, data_every, data_len):
    """A host file of `size` bytes holding `data_len` bytes of data every `data_every`
    bytes, holes between (ftruncate first: the rest stays unallocated)."""
    with open(path, "wb") as f:
        f.truncate(size)
        for i, off in enumerate(range(0, size, data_every)):
            f.seek(off)
            f.write(bytes([(i % 250) + 1]) * min(data_len, size - off))
    with open(path, "rb") as f:
        return f.read()


def scenario_udf_sparse_and_aed():
    """Host files with holes as UDF extents "allocated but not recorded" (ECMA-167
    4/14.14.1.1 type 1), and files needing more allocation descriptors than an ICB holds
    continued in allocation extent descriptors (4/14.5): read back by libudfread, udfinfo
    and mkimg, for a revision with short_ads (2.01) and one with long_ads in a metadata
    partition (2.60), bridged with ISO 9660 so both share the blocks."""
    src = os.path.join(WORK, "src")
    os.makedirs(src)
    # 1,100 data pieces with holes between: 2,200 extents, past one ICB and one AED.
    holes = make_holes(os.path.join(src, "holes.bin"), 1100 * 65536, 65536, 4096)
    st = os.stat(os.path.join(src, "holes.bin"))
    if st.st_blocks * 512 >= st.st_size:
        raise Skip("the host file system under %s does not keep holes" % WORK)
    # A single hole in the middle and a trailing hole of a partial block.
    small = make_holes(os.path.join(src, "one-hole.bin"), 3 * 1048576 + 100, 2 * 1048576, 5000)
    with open(os.path.join(src, "dense.bin"), "wb") as f:
        f.write(b"d" * 70000)
    tool = UDFREAD_LS
    for rev in ("2.01", "2.60"):
        # A 300 GiB zero file only UDF shows: 301 unallocated extents, past one ICB too
        # (its own image: libudfread would read all 300 GiB).
        man = manifest(os.path.join(WORK, "z.json"),
                       [{"target": "/huge-zeros", "size": 300 * 1024 ** 3}],
                       filesystems={"udf": {"revision": rev}})
        zimage = os.path.join(WORK, "z%s.iso" % rev)
        build(man, zimage)
        _, out, _ = run([MKIMG, "ls", zimage, "--fs", "udf", "--json"])
        z = [e for e in json.loads(out)["entries"] if e["path"] == "/huge-zeros"][0]["extents"]
        check(len(z) == 301 and all(e["lba"] is None for e in z),
              "UDF %s: a 300 GiB zero file has %d extents" % (rev, len(z)))
        run([MKIMG, "verify", zimage])
        contents = [{"source": "src/", "target": "/"}]
        man = manifest(os.path.join(WORK, "m.json"), contents,
                       filesystems={"iso9660": {}, "udf": {"revision": rev}})
        image = os.path.join(WORK, "s%s.iso" % rev)
        build(man, image)
        check(os.path.getsize(image) < 200 * 1048576, "UDF %s: image of %d bytes" %
              (rev, os.path.getsize(image)))
        _, out, _ = run([MKIMG, "ls", image, "--fs", "udf", "--json"])
        entries = {e["path"]: e for e in json.loads(out)["entries"]}
        x = entries["/holes.bin"]["extents"]
        sparse = [e for e in x if e["lba"] is None]
        check(len(sparse) == 1100, "UDF %s: holes.bin has %d unrecorded extents, expected "
              "1100 (one per hole)" % (rev, len(sparse)))
        check(sum(e["length"] for e in x) == len(holes), "UDF %s: extents cover %d bytes" %
              (rev, sum(e["length"] for e in x)))
        y = entries["/one-hole.bin"]["extents"]
        check([e["lba"] is None for e in y] == [False, True, False, True],
              "UDF %s: one-hole.bin extents %s" % (rev, y))
        check(len(entries["/dense.bin"]["extents"]) == 1, "UDF %s: dense.bin split" % rev)
        # mkimg's extraction through UDF: the bytes, and holes where the image has them.
        out_dir = os.path.join(WORK, "x" + rev)
        run([MKIMG, "extract", image, out_dir, "/holes.bin", "/one-hole.bin", "--fs", "udf"])
        for name, data in (("holes.bin", holes), ("one-hole.bin", small)):
            with open(os.path.join(out_dir, name), "rb") as f:
                check(f.read() == data, "UDF %s: extracted %s differs" % (rev, name))
        got = os.stat(os.path.join(out_dir, "holes.bin"))
        check(got.st_blocks * 512 < got.st_size // 4, "UDF %s: extracted holes.bin not sparse"
              % rev)
        _, v, _ = run([MKIMG, "verify", image])
        # The Rock Ridge side reads the same bytes from the blocks UDF marks unrecorded.
        iso_dir = os.path.join(WORK, "i" + rev)
        run([MKIMG, "extract", image, iso_dir, "/holes.bin", "--fs", "rockridge"])
        with open(os.path.join(iso_dir, "holes.bin"), "rb") as f:
            check(f.read() == holes, "UDF %s: Rock Ridge holes.bin differs" % rev)
        if tool:
            _, out, err = run([tool, "scan", image])
            view = {}
            for line in out.splitlines():
                kind, size, digest, _, path = line.split("\t", 4)
                view[path] = (kind, int(size) if size != "-" else None, digest)
            for name, data in (("/holes.bin", holes), ("/one-hole.bin", small)):
                check(view.get(name) == ("f", len(data), "%016x" % fnv64(data)),
                      "libudfread %s: %s is %s" % (rev, name, view.get(name)))
        if shutil.which("udfinfo", path=ENV["PATH"]):
            _, info, _ = run(["udfinfo", image])
            check("numfiles=3" in info.split(), "udfinfo %s: %s" % (rev, info))


SCENARIOS = scenario.collect(globals())


def setup(a, work):
    global MKIMG, WORK, UDFREAD_LS
    MKIMG = os.path.abspath(a.mkimg)
    UDFREAD_LS = os.path.abspath(a.udfread_ls) if a.udfread_ls else None
    WORK = work
    os.umask(0o022)


if __name__ == "__main__":
    sys.exit(scenario.main(SCENARIOS, "mkimg-nodes-", setup,
                           lambda ap: ap.add_argument("--udfread-ls")))
