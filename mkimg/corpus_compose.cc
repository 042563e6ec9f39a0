// mkimg corpus: one image's configuration and manifest (specs/fuzzing.md "The corpus
// generator"). A focus feature is forced, the rest drawn at random, then made consistent;
// the manifest's names, sizes and attributes come from the same seeded generator, and what
// only host files can express (hard links, the hybrid MBR's boot code, an EFI folder, a
// boot image no file system names) is staged under the image's staging folder.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "mkimg/corpus_model.h"
#include "mkimg/sha256.h"

namespace mkimg::corpus {
namespace {

namespace stdfs = std::filesystem;

const std::vector<std::string> kFocus = {
    "iso9660-level1",
    "iso9660-level2",
    "iso9660-level3",
    "rr-continuation",
    "rr-relocation",
    "rr-deep-directories",
    "rr-symlinks",
    "rr-long-names",
    "rr-device-numbers",
    "joliet",
    "joliet-long-names",
    "udf-1.02",
    "udf-1.50",
    "udf-2.01",
    "udf-2.50",
    "udf-2.60",
    "udf-metadata-mirror",
    "udf-bridge",
    "udf-only",
    "udf-unrecorded-extents",
    "eltorito-bios",
    "eltorito-uefi",
    "eltorito-efi-fat",
    "eltorito-several",
    "mbr-hybrid",
    "gpt-hybrid",
    "multi-extent",
    "sparse",
    "hard-links",
    "device-nodes",
    "fifos",
};

const std::vector<std::string> kUdfRevisions = {"1.02", "1.50", "2.01", "2.50", "2.60"};

}  // namespace

const std::vector<std::string>& FocusFeatures() { return kFocus; }

Config DrawConfig(Rng& r, const std::string& focus, bool no_multi_extent) {
  Config c;
  c.level = static_cast<int>(r.Pick(std::vector<std::uint64_t>{1, 2, 3, 3}));
  c.rr = r.Percent(75);
  c.joliet = r.Percent(60);
  c.joliet_long = r.Percent(40);
  if (r.Percent(45)) c.udf = r.Pick(kUdfRevisions);
  c.mirror = r.Percent(50);
  if (!c.udf.empty() && r.Percent(15)) c.iso = false;
  c.bios = r.Percent(20);
  c.uefi = r.Percent(15);
  c.efi_fat = r.Percent(50);
  c.several = r.Percent(30);
  c.info_table = r.Percent(50);
  c.hidden_image = r.Percent(30);
  c.catalog_file = r.Percent(50);
  c.mbr = r.Percent(30);
  c.gpt = r.Percent(50);
  c.sparse = r.Percent(15);
  c.unrecorded = r.Percent(40);
  c.hard_links = r.Percent(25);
  c.devices = r.Percent(20);
  c.fifos = r.Percent(20);
  c.sockets = r.Percent(10);
  c.deep = r.Percent(25);
  c.relocate = r.Percent(40);
  c.long_names = r.Percent(35);
  c.long_symlink = r.Percent(30);
  c.symlinks = r.Percent(50);
  c.non_ascii = r.Percent(50);
  c.hidden = r.Percent(25);

  auto need_iso = [&c] { c.iso = true; };
  auto need_rr = [&c, &need_iso] {
    need_iso();
    c.rr = true;
  };
  auto need_udf = [&c, &r] {
    if (c.udf.empty()) c.udf = r.Pick(kUdfRevisions);
  };
  if (focus.starts_with("iso9660-level")) {
    need_iso();
    c.level = focus.back() - '0';
  } else if (focus == "rr-continuation") {
    need_rr();
    c.long_names = true;
  } else if (focus == "rr-relocation") {
    need_rr();
    c.deep = c.relocate = true;
  } else if (focus == "rr-deep-directories") {
    need_rr();
    c.deep = true;
  } else if (focus == "rr-symlinks") {
    need_rr();
    c.symlinks = true;
  } else if (focus == "rr-long-names") {
    need_rr();
    c.long_names = true;
  } else if (focus == "rr-device-numbers") {
    need_rr();
    c.devices = true;
  } else if (focus == "joliet") {
    need_iso();
    c.joliet = true;
  } else if (focus == "joliet-long-names") {
    need_iso();
    c.joliet = c.joliet_long = c.long_names = true;
  } else if (focus.starts_with("udf-") && focus.size() == 8 && focus[4] >= '0' && focus[4] <= '9') {
    c.udf = focus.substr(4);
  } else if (focus == "udf-metadata-mirror") {
    c.udf = r.Percent(50) ? "2.50" : "2.60";
    c.mirror = true;
  } else if (focus == "udf-bridge") {
    need_udf();
    need_iso();
  } else if (focus == "udf-only") {
    need_udf();
    c.iso = false;
  } else if (focus == "udf-unrecorded-extents") {
    need_udf();
    c.sparse = c.unrecorded = true;
  } else if (focus == "eltorito-bios") {
    need_iso();
    c.bios = true;
  } else if (focus == "eltorito-uefi") {
    need_iso();
    c.uefi = true;
  } else if (focus == "eltorito-efi-fat") {
    need_iso();
    c.uefi = c.efi_fat = true;
  } else if (focus == "eltorito-several") {
    need_iso();
    c.bios = c.uefi = c.several = true;
  } else if (focus == "mbr-hybrid") {
    need_iso();
    c.bios = c.mbr = true;
    c.gpt = false;
  } else if (focus == "gpt-hybrid") {
    need_iso();
    c.bios = c.mbr = c.gpt = c.uefi = true;
  } else if (focus == "multi-extent") {
    need_iso();
    c.multi = true;
  } else if (focus == "sparse") {
    c.sparse = true;
  } else if (focus == "hard-links") {
    c.hard_links = true;
  } else if (focus == "device-nodes") {
    c.devices = true;
  } else if (focus == "fifos") {
    c.fifos = true;
  }

  // What the features need of each other (specs/fuzzing.md).
  if (no_multi_extent) c.multi = false;
  if (!c.iso) {
    c.rr = c.joliet = c.deep = c.multi = false;
    c.bios = c.uefi = c.several = c.mbr = false;
  }
  if (c.multi) c.level = 3;
  if (!c.rr) c.deep = false;
  if (!c.deep) c.relocate = false;
  if (!c.joliet) c.joliet_long = false;
  if (c.udf != "2.50" && c.udf != "2.60") c.mirror = false;
  if (c.udf.empty() || !c.sparse) c.unrecorded = false;
  if (!c.mbr) c.gpt = false;
  if (c.gpt) c.uefi = true;
  if (c.mbr || c.several) c.bios = true;
  if (!c.uefi) c.efi_fat = false;
  if (!c.bios && !c.uefi) c.several = c.info_table = c.hidden_image = c.catalog_file = false;
  if (!c.bios) c.info_table = false;
  if ((c.devices || c.fifos || c.sockets) && !c.rr && c.udf.empty()) c.rr = true;
  return c;
}

namespace {

// ---------------------------------------------------------------------------------------
// Names and contents.

const std::vector<std::string> kAsciiPieces = {"data",  "read", "me",   "x",     "Alpha", "beta",
                                               "v2",    "Long", "file", "notes", "a.b",   "UPPER",
                                               "lower", "42",   "tmp",  "z~1"};
const std::vector<std::string> kNonAsciiPieces = {"\xC3\xA9t\xC3\xA9",  // été
                                                  "\xC3\xBC"
                                                  "ber",                       // über
                                                  "\xE6\x97\xA5\xE6\x9C\xAC",  // 日本
                                                  "\xCE\xA9mega",              // Ωmega
                                                  "na\xC3\xAFve",              // naïve
                                                  "\xF0\x9F\x98\x80"};         // U+1F600
const std::vector<std::string> kSeparators = {"", "_", "-", ".", " "};
const std::vector<std::string> kExtensions = {"", ".txt", ".BIN", ".c", ".tar.gz", ".", ".md"};

std::string Lower(std::string s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

class Generator {
 public:
  Generator(Rng& r, const Config& c, std::int64_t timestamp)
      : r_(r), c_(c), timestamp_(timestamp) {}

  // A name not yet used in `parent` (compared ignoring ASCII case, so that no file system's
  // case rules are what separates two names), of about `length` bytes.
  std::string Name(const std::string& parent, std::size_t length) {
    std::string name;
    while (name.size() < length) {
      const std::string& piece =
          c_.non_ascii && r_.Percent(30) ? r_.Pick(kNonAsciiPieces) : r_.Pick(kAsciiPieces);
      std::string sep = name.empty() ? "" : r_.Pick(kSeparators);
      if (!Fits(name + sep + piece)) break;
      name += sep + piece;
    }
    if (r_.Percent(60)) {
      const std::string& ext = r_.Pick(kExtensions);
      if (Fits(name + ext)) name += ext;
    }
    if (name.empty() || name == "." || name == "..") name = "n";
    std::set<std::string>& used = used_[parent];
    std::string unique = name;
    for (int k = 1; used.count(Lower(unique)) != 0; ++k) {
      unique = std::to_string(k) + name;
    }
    used.insert(Lower(unique));
    return unique;
  }
  // Whether a name fits every file system of the image with room for a uniqueness prefix:
  // 240 bytes (Rock Ridge NM, a POSIX name), and 250 bytes of CS0 with UDF (OSTA UDF 2.1.1:
  // 8 bits per character when all are below U+0100, else 16 bits per UTF-16 unit).
  bool Fits(std::string_view name) const {
    if (name.size() > 240) return false;
    if (c_.udf.empty()) return true;
    std::size_t units = 0;
    bool wide = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      const auto b = static_cast<unsigned char>(name[i]);
      if ((b & 0xC0) == 0x80) continue;
      units += b >= 0xF0 ? 2 : 1;
      if (b >= 0xC4) wide = true;
    }
    return 1 + units * (wide ? 2 : 1) <= 250;
  }

  std::string ShortName(const std::string& parent) { return Name(parent, r_.Between(1, 14)); }

  std::string Text(std::size_t size) {
    static const std::vector<std::string> kWords = {"mkimg",  "corpus", "block",      "extent",
                                                    "sector", "volume", "0123456789", "\n"};
    std::string t;
    while (t.size() < size) t += r_.Pick(kWords) + (r_.Percent(80) ? " " : "\n");
    t.resize(size);
    return t;
  }

  std::string Join(const std::string& parent, const std::string& name) const {
    return parent == "/" ? "/" + name : parent + "/" + name;
  }

  Value Entry(const std::string& target) {
    Value e = Value::Obj();
    e.Set("target", Value::Str(target));
    return e;
  }

  // Attributes drawn for an entry: a mode, owners, a time before the volume's.
  void Attributes(Value& e, bool directory) {
    if (r_.Percent(30)) {
      e.Set("mode", Value::Str(r_.Pick(directory ? std::vector<std::string>{"0700", "0750", "0755"}
                                                 : std::vector<std::string>{"0600", "0644", "0755",
                                                                            "0444", "4755"})));
    }
    if (r_.Percent(20)) {
      e.Set("uid", Value::Int(static_cast<std::int64_t>(r_.Below(70000))));
      e.Set("gid", Value::Int(static_cast<std::int64_t>(r_.Below(70000))));
    }
    if (r_.Percent(40)) {
      e.Set("mtime", Value::Int(timestamp_ - static_cast<std::int64_t>(r_.Below(400000000))));
    }
  }

  std::set<std::string> HiddenChoices() const {
    std::set<std::string> fs;
    if (c_.iso) fs.insert("iso9660");
    if (c_.joliet) fs.insert("joliet");
    if (!c_.udf.empty()) fs.insert("udf");
    return fs;
  }

 private:
  Rng& r_;
  const Config& c_;
  std::int64_t timestamp_;
  std::map<std::string, std::set<std::string>> used_;
};

// ---------------------------------------------------------------------------------------
// Host staging.

base::Status WriteHostFile(const std::string& path, std::string_view bytes, std::int64_t mtime) {
  std::error_code ec;
  stdfs::create_directories(stdfs::path(path).parent_path(), ec);
  if (ec) return base::InvalidInput(path, ec.message());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return base::ErrnoError(path, errno);
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) return base::ErrnoError(path, errno);
  if (chmod(path.c_str(), 0644) != 0) return base::ErrnoError(path, errno);
  const timespec times[2] = {{mtime, 0}, {mtime, 0}};
  if (utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) return base::ErrnoError(path, errno);
  return base::Ok();
}

// Folders of the staged tree get mode 0755 and a fixed time, whatever the umask.
base::Status FixFolders(const std::string& root, std::int64_t mtime) {
  std::error_code ec;
  std::vector<std::string> dirs = {root};
  for (auto it = stdfs::recursive_directory_iterator(root, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory() && !it->is_symlink()) dirs.push_back(it->path().string());
  }
  if (ec) return base::InvalidInput(root, ec.message());
  for (const std::string& d : dirs) {
    if (chmod(d.c_str(), 0755) != 0) return base::ErrnoError(d, errno);
    const timespec times[2] = {{mtime, 0}, {mtime, 0}};
    if (utimensat(AT_FDCWD, d.c_str(), times, 0) != 0) return base::ErrnoError(d, errno);
  }
  return base::Ok();
}

}  // namespace

std::string ModeString(std::uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

// The manifest of one image, with its host files staged under `stage`.
base::Expected<Built> Compose(Rng& r, const Config& c, std::uint32_t index, std::int64_t timestamp,
                              const std::string& stage) {
  Built b;
  Generator g(r, c, timestamp);
  Value m = Value::Obj();
  m.Set("mkimg", Value::Int(1));
  Value volume = Value::Obj();
  char id[32];
  std::snprintf(id, sizeof id, "CORPUS_%04u", index);
  volume.Set("id", Value::Str(id));
  if (r.Percent(40))
    volume.Set("label",
               Value::Str(std::string("Corpus ") + (c.non_ascii ? "\xC3\xA9t\xC3\xA9 " : "") + id));
  volume.Set("timestamp", Value::Int(timestamp));
  m.Set("volume", std::move(volume));

  Value filesystems = Value::Obj();
  if (c.iso) {
    Value iso = Value::Obj();
    iso.Set("level", Value::Int(c.level));
    iso.Set("rock_ridge", Value::Bool(c.rr));
    if (c.relocate) iso.Set("relocate_deep_directories", Value::Bool(true));
    filesystems.Set("iso9660", std::move(iso));
  }
  if (c.joliet) {
    Value joliet = Value::Obj();
    joliet.Set("long_names", Value::Bool(c.joliet_long));
    filesystems.Set("joliet", std::move(joliet));
  }
  if (!c.udf.empty()) {
    Value udf = Value::Obj();
    udf.Set("revision", Value::Str(c.udf));
    if (c.mirror) udf.Set("redundant_metadata", Value::Bool(true));
    filesystems.Set("udf", std::move(udf));
  }
  m.Set("filesystems", std::move(filesystems));

  Value contents = Value::Arr();
  // Folders: a few at depth 1 and 2.
  std::vector<std::string> folders = {"/"};
  const std::uint64_t nfolders = r.Between(0, 4);
  for (std::uint64_t i = 0; i < nfolders; ++i) {
    const std::string parent = folders[r.Below(std::min<std::size_t>(folders.size(), 3))];
    const std::string path = g.Join(parent, g.ShortName(parent));
    Value e = g.Entry(path);
    e.Set("directory", Value::Bool(true));
    g.Attributes(e, true);
    contents.Push(std::move(e));
    folders.push_back(path);
  }
  const std::set<std::string> hideable = g.HiddenChoices();
  // Files, with sizes around the block and ICB boundaries.
  const std::uint64_t nfiles = r.Between(1, 6);
  for (std::uint64_t i = 0; i < nfiles; ++i) {
    const std::string parent = r.Pick(folders);
    const std::string path = g.Join(parent, g.ShortName(parent));
    Value e = g.Entry(path);
    if (r.Percent(75)) {
      static const std::vector<std::uint64_t> kSizes = {0,    1,    37,   511, 1872,
                                                        2047, 2048, 2049, 4100};
      e.Set("text", Value::Str(g.Text(r.Pick(kSizes))));
    } else {
      e.Set("size", Value::Int(static_cast<std::int64_t>(
                        r.Pick(std::vector<std::uint64_t>{0, 1, 2048, 6000}))));
    }
    g.Attributes(e, false);
    if (c.hidden && !hideable.empty() && r.Percent(40)) {
      auto it = hideable.begin();
      std::advance(it, static_cast<long>(r.Below(hideable.size())));
      e.Set("hidden_in", Value::Arr().Push(Value::Str(*it)));
    }
    contents.Push(std::move(e));
  }
  // At least one empty file and one empty folder now and then.
  if (r.Percent(40)) {
    Value e = g.Entry(g.Join("/", g.ShortName("/")));
    e.Set("text", Value::Str(""));
    contents.Push(std::move(e));
  }
  if (r.Percent(40)) {
    Value e = g.Entry(g.Join("/", g.ShortName("/")));
    e.Set("directory", Value::Bool(true));
    contents.Push(std::move(e));
  }
  if (c.long_names) {
    const std::uint64_t n = r.Between(1, 3);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string parent = r.Pick(folders);
      Value e = g.Entry(g.Join(parent, g.Name(parent, r.Between(160, 235))));
      e.Set("text", Value::Str(g.Text(r.Between(0, 300))));
      contents.Push(std::move(e));
    }
    // A folder with a long name, so that "." and ".." of a long-named folder appear too.
    Value e = g.Entry(g.Join("/", g.Name("/", r.Between(100, 200))));
    e.Set("directory", Value::Bool(true));
    contents.Push(std::move(e));
  }
  if (c.symlinks) {
    const std::uint64_t n = r.Between(1, 4);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::string parent = r.Pick(folders);
      static const std::vector<std::string> kTargets = {"a",  "../x/y", "/abs/path/t",  "./self",
                                                        "..", "/",      "dangling.txt", "d/./e//f"};
      Value e = g.Entry(g.Join(parent, g.ShortName(parent)));
      e.Set("symlink", Value::Str(r.Pick(kTargets)));
      contents.Push(std::move(e));
    }
  }
  if (c.long_symlink) {
    std::string target = "..";
    const std::uint64_t parts = r.Between(30, 60);
    for (std::uint64_t i = 0; i < parts; ++i) target += "/" + g.ShortName("/symlink-target");
    Value e = g.Entry(g.Join("/", g.ShortName("/")));
    e.Set("symlink", Value::Str(target.substr(0, 1000)));
    contents.Push(std::move(e));
  }
  if (c.deep) {
    std::string path;
    const std::uint64_t depth = r.Between(9, 12);
    for (std::uint64_t i = 0; i < depth; ++i) path += "/" + g.ShortName(path.empty() ? "/" : path);
    Value e = g.Entry(path + "/" + g.ShortName(path));
    e.Set("text", Value::Str(g.Text(r.Between(1, 100))));
    contents.Push(std::move(e));
  }
  if (c.multi) {
    // Just over ECMA-119's largest extent (0xFFFFF800 bytes): two or three extents.
    Value e = g.Entry(g.Join("/", "big-" + g.ShortName("/")));
    e.Set("size", Value::Int(static_cast<std::int64_t>(0xFFFFF800ull + r.Between(1, 3 * 2048))));
    contents.Push(std::move(e));
  }
  if (c.sparse) {
    Value e = g.Entry(g.Join("/", "sparse-" + g.ShortName("/")));
    e.Set("size", Value::Int(static_cast<std::int64_t>(r.Between(16 << 10, 256 << 10))));
    if (c.unrecorded) {
      Value hidden = Value::Arr();
      for (const char* fs : {"iso9660", "joliet"}) {
        if (hideable.count(fs) != 0) hidden.Push(Value::Str(fs));
      }
      if (!hidden.items.empty()) e.Set("hidden_in", std::move(hidden));
    }
    contents.Push(std::move(e));
  }
  const std::int64_t host_time = timestamp - 1000;
  if (c.hard_links) {
    // host/links: a file with two or three names, and one without another.
    const std::string text = g.Text(r.Between(1, 3000));
    const std::string first = stage + "/host/links/a.txt";
    RETURN_IF_ERROR(WriteHostFile(first, text, host_time));
    std::vector<std::string> names = {"host/links/b.txt"};
    if (r.Percent(50)) names.push_back("host/links/sub/c.txt");
    b.host_files.Push(
        Value::Obj().Set("path", Value::Str("host/links/a.txt")).Set("text", Value::Str(text)));
    for (const std::string& n : names) {
      std::error_code ec;
      stdfs::create_directories(stdfs::path(stage + "/" + n).parent_path(), ec);
      if (ec) return base::InvalidInput(stage, ec.message());
      if (link(first.c_str(), (stage + "/" + n).c_str()) != 0) {
        return base::ErrnoError(stage + "/" + n, errno);
      }
      b.host_files.Push(Value::Obj()
                            .Set("path", Value::Str(n))
                            .Set("hard_link_to", Value::Str("host/links/a.txt")));
    }
    const std::string other = g.Text(r.Between(0, 100));
    RETURN_IF_ERROR(WriteHostFile(stage + "/host/links/d.txt", other, host_time));
    b.host_files.Push(
        Value::Obj().Set("path", Value::Str("host/links/d.txt")).Set("text", Value::Str(other)));
    RETURN_IF_ERROR(FixFolders(stage + "/host/links", host_time));
    Value e = g.Entry("/links");
    e.Set("source", Value::Str("host/links"));
    contents.Push(std::move(e));
  }
  if (c.devices || c.fifos || c.sockets) {
    Value e = g.Entry("/dev");
    e.Set("directory", Value::Bool(true));
    contents.Push(std::move(e));
    if (c.devices) {
      b.specials.push_back({"null", fs::NodeType::kCharDevice, 1, 3, 0666});
      b.specials.push_back({"sda" + std::to_string(r.Below(10)), fs::NodeType::kBlockDevice, 8,
                            static_cast<std::uint32_t>(r.Below(16)), 0660});
      if (r.Percent(50)) {
        b.specials.push_back({"big-numbers", fs::NodeType::kCharDevice,
                              static_cast<std::uint32_t>(r.Between(256, 4095)),
                              static_cast<std::uint32_t>(r.Between(256, 1048575)), 0600});
      }
    }
    if (c.fifos) b.specials.push_back({"fifo", fs::NodeType::kFifo, 0, 0, 0644});
    if (c.sockets) b.specials.push_back({"socket", fs::NodeType::kSocket, 0, 0, 0755});
  }

  // Boot (specs/eltorito.md, specs/partition.md).
  if (c.bios || c.uefi) {
    Value boot = Value::Obj();
    if (c.catalog_file) {
      b.catalog_path = "/boot/boot.catalog";
      boot.Set("catalog", Value::Str(b.catalog_path));
    }
    Value entries = Value::Arr();
    if (c.bios) {
      Value e = Value::Obj();
      e.Set("platform", Value::Str("x86"));
      const std::string text = g.Text(2048 * r.Between(1, 2));
      if (c.hidden_image) {
        RETURN_IF_ERROR(WriteHostFile(stage + "/host/bios.img", text, host_time));
        b.host_files.Push(
            Value::Obj().Set("path", Value::Str("host/bios.img")).Set("text", Value::Str(text)));
        e.Set("image", Value::Obj().Set("source", Value::Str("host/bios.img")));
      } else {
        Value f = g.Entry("/boot/bios.img");
        f.Set("text", Value::Str(text));
        contents.Push(std::move(f));
        e.Set("image", Value::Str("/boot/bios.img"));
        if (c.info_table) b.patched_boot_image = "/boot/bios.img";
      }
      e.Set("load_size", Value::Int(4));
      if (c.info_table) e.Set("boot_info_table", Value::Bool(true));
      entries.Push(std::move(e));
    }
    if (c.uefi) {
      Value e = Value::Obj();
      e.Set("platform", Value::Str("efi"));
      if (c.efi_fat) {
        const std::string text = g.Text(r.Between(100, 5000));
        RETURN_IF_ERROR(WriteHostFile(stage + "/host/efi/EFI/BOOT/BOOTX64.EFI", text, host_time));
        RETURN_IF_ERROR(FixFolders(stage + "/host/efi", host_time));
        b.host_files.Push(Value::Obj()
                              .Set("path", Value::Str("host/efi/EFI/BOOT/BOOTX64.EFI"))
                              .Set("text", Value::Str(text)));
        e.Set("efi_directory", Value::Str("host/efi"));
      } else {
        Value f = g.Entry("/boot/efi.img");
        f.Set("text", Value::Str(g.Text(2048 * r.Between(1, 8))));
        contents.Push(std::move(f));
        e.Set("image", Value::Str("/boot/efi.img"));
      }
      entries.Push(std::move(e));
    }
    if (c.several) {
      const std::uint64_t n = r.Between(1, 3);
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::string path = "/boot/alt" + std::to_string(i) + ".img";
        Value f = g.Entry(path);
        f.Set("text", Value::Str(g.Text(2048)));
        contents.Push(std::move(f));
        Value e = Value::Obj();
        e.Set("platform", Value::Str(r.Percent(70) ? "x86" : "efi"));
        e.Set("image", Value::Str(path));
        e.Set("id", Value::Str("ALT" + std::to_string(i)));
        if (r.Percent(30)) e.Set("bootable", Value::Bool(false));
        entries.Push(std::move(e));
      }
    }
    boot.Set("entries", std::move(entries));
    if (c.mbr) {
      std::string code(r.Percent(50) ? 432 : 512, '\0');
      for (char& ch : code) ch = static_cast<char>(r.Below(256));
      if (code.size() == 512) {
        code[510] = '\x55';
        code[511] = '\xAA';
      }
      RETURN_IF_ERROR(WriteHostFile(stage + "/host/mbr.bin", code, host_time));
      Sha256 h;
      h.Update(std::span(reinterpret_cast<const std::uint8_t*>(code.data()), code.size()));
      b.host_files.Push(Value::Obj()
                            .Set("path", Value::Str("host/mbr.bin"))
                            .Set("bytes", Value::Int(static_cast<std::int64_t>(code.size())))
                            .Set("sha256", Value::Str(h.FinishHex()))
                            .Set("drawn", Value::Str("splitmix64 bytes of the image's seed")));
      Value hybrid = Value::Obj();
      hybrid.Set("mbr", Value::Str("host/mbr.bin"));
      hybrid.Set("gpt", Value::Bool(c.gpt));
      boot.Set("hybrid", std::move(hybrid));
    }
    m.Set("boot", std::move(boot));
  }
  if (std::filesystem::exists(stage + "/host")) {
    RETURN_IF_ERROR(FixFolders(stage + "/host", host_time));
  }
  m.Set("contents", std::move(contents));
  b.manifest = std::move(m);
  return b;
}

}  // namespace mkimg::corpus
