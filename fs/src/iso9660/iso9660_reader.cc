// ECMA-119 volume descriptors and directory hierarchy reader; see iso9660_reader.h.
#include "iso9660/iso9660_reader.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "base/bytes.h"
#include "eltorito/eltorito_format.h"
#include "iso9660/iso9660_format.h"
#include "reader/reader_util.h"
#include "rockridge/rrip_format.h"
#include "rockridge/susp.h"

namespace fs::reader {
namespace {

template <std::size_t N>
using Field = base::Bytes<N>;

using iso9660::kFlagAssociated;
using iso9660::kFlagDirectory;
using iso9660::kFlagMultiExtent;
using iso9660::ParseRecordHeader;

// ECMA-119 9.1: the fixed part of a directory record (iso9660_format.h).
using RecordHeader = iso9660::DirectoryRecordHeader;
constexpr std::size_t kRecordFixed = sizeof(RecordHeader);

// One entry of a directory as read from its records. Names and symlink targets live in
// the directory's pool, file extents in its extent list.
struct DirEntry {
  std::uint32_t name_offset = 0, name_length = 0;
  // The identifier as recorded (UTF-8 for Joliet), and where its version starts (its
  // length when it has none); a Rock Ridge NM name is its own identifier.
  std::uint32_t ident_offset = 0, ident_length = 0, ident_base = 0;
  std::uint32_t version = 0;  // ECMA-119 7.5.1 file version number, 0 when absent
  std::uint32_t target_offset = 0, target_length = 0;
  std::uint32_t extent_first = 0, extent_count = 0;  // files
  std::uint32_t dir_lba = 0, dir_size = 0;           // directories
  std::uint32_t device_major = 0, device_minor = 0;  // devices (RRIP PN)
  std::uint32_t lba = 0;                             // of the (first) record, for messages
  NodeType type = NodeType::kFile;
  bool more_extents = false;  // a multi-extent file whose final record is still to come
  bool zisofs = false;
  bool skipped = false;  // a later duplicate of a name
  std::uint32_t mode = 0755, uid = 0, gid = 0, links = 0;
  Timestamp mtime;
  std::uint64_t size = 0;
  std::uint64_t claimed = 0;  // a data length past the image's end (size is what is there)
};

// One directory, read whole before any of its entries is visited: duplicates are found
// and its subdirectories counted first. Kept per depth and reused, so a walk allocates
// little after the first directories.
struct Directory {
  std::vector<DirEntry> entries;
  std::vector<FileExtent> extents;
  std::string pool;
  std::uint32_t lba = 0;
  std::uint32_t subdirectories = 0;
  DirEntry self;  // the root's own metadata, from its "." record

  void Clear(std::uint32_t at) {
    entries.clear();
    extents.clear();
    pool.clear();
    lba = at;
    subdirectories = 0;
    self = DirEntry();
    self.type = NodeType::kDirectory;
  }
  std::string_view Name(const DirEntry& e) const {
    return std::string_view(pool).substr(e.name_offset, e.name_length);
  }
  std::string_view Identifier(const DirEntry& e) const {
    return std::string_view(pool).substr(e.ident_offset, e.ident_length);
  }
  // The identifier without its version: "LIBREADL." for "LIBREADL.;1".
  std::string_view Unversioned(const DirEntry& e) const {
    return std::string_view(pool).substr(e.ident_offset, e.ident_base);
  }
  std::uint32_t Intern(std::string_view s) {
    const auto at = static_cast<std::uint32_t>(pool.size());
    pool.append(s);
    return at;
  }
};

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string p(dir);
  if (p.empty() || p.back() != '/') p.push_back('/');
  p.append(name);
  return p;
}

// Walks the ISO 9660, Rock Ridge or Joliet hierarchy depth first, one Directory per
// level. Every directory extent is read at most once, so loops (including Rock Ridge CL
// links to an ancestor) end with an error; depth and entries are bounded.
class IsoWalker {
 public:
  IsoWalker(const base::BlockDevice& device, Namespace ns, const ReadOptions& options,
            WalkVisitor& visitor)
      : device_(device), ns_(ns), options_(options), visitor_(visitor) {}

  base::Status Walk(const DirectoryExtent& root, std::string_view start) {
    // The root is read first: its "." record carries the SUSP SP entry (LEN_SKP) that
    // every other record's System Use area depends on.
    Directory* dir = Slot(0);
    RETURN_IF_ERROR(ReadDirectory(root.lba, root.size, "/", dir));
    root_pending_ = false;  // only the root's own "." record is the root's
    DirEntry here = dir->self;
    here.dir_lba = root.lba;
    here.dir_size = root.size;
    path_.assign("/");
    const std::vector<std::string_view> parts = SplitImagePath(start);
    int depth = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string_view part = parts[i];
      if (here.type != NodeType::kDirectory) {
        return base::InvalidInput(std::string(start), "not a directory: " + path_);
      }
      const DirEntry* found = nullptr;
      for (const DirEntry& e : dir->entries) {
        if (!e.skipped && dir->Name(e) == part) {
          found = &e;
          break;
        }
      }
      if (found == nullptr) {
        return base::InvalidInput(std::string(start), "no such file or directory in the image");
      }
      here = *found;
      path_ = JoinPath(path_, part);
      ++depth;
      if (here.type == NodeType::kDirectory) {
        // Read into the spare slot: `here` is a copy, and the parent is no longer needed.
        std::swap(slots_[0], spare_);
        if (!slots_[0]) slots_[0] = std::make_unique<Directory>();
        RETURN_IF_ERROR(ReadDirectory(here.dir_lba, here.dir_size, path_, slots_[0].get()));
        dir = slots_[0].get();
      } else if (i + 1 < parts.size()) {
        return base::InvalidInput(std::string(start), "not a directory: " + path_);
      } else {
        // A file or a symlink: visit it alone, with the extents of the directory read last.
        return Visit(here, *dir, path_, part, 0, 0);
      }
    }
    const std::string_view name =
        depth == 0 ? std::string_view() : std::string_view(path_).substr(path_.rfind('/') + 1);
    RETURN_IF_ERROR(Visit(here, *dir, path_, name, 0, dir->subdirectories));
    RETURN_IF_ERROR(WalkBelow(depth));
    if (depth == 0) ReportOrphanedRelocations();
    return base::Ok();
  }

 private:
  struct Frame {
    std::size_t next;
    std::size_t path_length;
  };

  void ReportOrphanedRelocations() {
    std::sort(child_links_.begin(), child_links_.end());
    for (const auto& [extent, record_lba] : relocated_) {
      if (!std::binary_search(child_links_.begin(), child_links_.end(), extent)) {
        visitor_.Warning(LbaWhere(record_lba) + ": a directory at LBA " + std::to_string(extent) +
                         " is marked RRIP RE (relocated) but no CL entry names it: Rock Ridge "
                         "readers do not show it");
      }
    }
  }

  Directory* Slot(std::size_t i) {
    while (slots_.size() <= i) slots_.push_back(std::make_unique<Directory>());
    return slots_[i].get();
  }

  base::Status Visit(const DirEntry& e, const Directory& d, std::string_view path,
                     std::string_view name, int depth, std::uint32_t subdirectories) {
    WalkEntry w;
    w.path = path;
    w.name = name;
    w.depth = depth;
    w.type = e.type;
    w.mode = e.mode;
    w.uid = e.uid;
    w.gid = e.gid;
    w.mtime = e.mtime;
    w.links = e.links;
    w.subdirectories = subdirectories;
    w.size = e.size;
    w.claimed_size = e.claimed;
    FileExtent directory_extent;
    switch (e.type) {
      case NodeType::kFile:
        w.extents = std::span<const FileExtent>(d.extents).subspan(e.extent_first, e.extent_count);
        break;
      case NodeType::kSymlink:
        w.symlink_target = std::string_view(d.pool).substr(e.target_offset, e.target_length);
        break;
      case NodeType::kDirectory:
        directory_extent = {std::uint64_t{e.dir_lba} * base::kBlockSize, e.dir_size, false};
        w.extents = std::span<const FileExtent>(&directory_extent, 1);
        break;
      case NodeType::kCharDevice:
      case NodeType::kBlockDevice:
        w.device_major = e.device_major;
        w.device_minor = e.device_minor;
        break;
      case NodeType::kFifo:
      case NodeType::kSocket:
        break;
    }
    return visitor_.Visit(w);
  }

  // Visits everything below the directory in slot 0 (at absolute depth `base_depth`).
  base::Status WalkBelow(int base_depth) {
    if (path_ == "/") path_.clear();
    frames_.assign(1, Frame{0, path_.size()});
    while (!frames_.empty()) {
      const std::size_t level = frames_.size() - 1;
      const Directory& d = *slots_[level];
      Frame& f = frames_.back();
      if (f.next == d.entries.size()) {
        frames_.pop_back();
        continue;
      }
      const DirEntry& e = d.entries[f.next++];
      if (e.skipped) continue;
      path_.resize(f.path_length);
      path_.push_back('/');
      path_.append(d.Name(e));
      const int depth = static_cast<int>(level) + 1;
      if (e.type != NodeType::kDirectory) {
        RETURN_IF_ERROR(Visit(e, d, path_, d.Name(e), depth, 0));
        continue;
      }
      if (base_depth + depth > options_.max_depth) {
        return base::CorruptImage(
            LbaWhere(e.lba),
            "directories nested deeper than " + std::to_string(options_.max_depth) + " levels");
      }
      Directory* child = Slot(level + 1);
      RETURN_IF_ERROR(ReadDirectory(e.dir_lba, e.dir_size, path_, child));
      RETURN_IF_ERROR(Visit(e, d, path_, d.Name(e), depth, child->subdirectories));
      frames_.push_back(Frame{0, path_.size()});
    }
    return base::Ok();
  }

  base::Status ReadDirectory(std::uint32_t lba, std::uint32_t size, std::string_view path,
                             Directory* out) {
    if (!visited_.insert(lba).second) {
      return base::CorruptImage(
          LbaWhere(lba), "directory " + std::string(path) + " is reached twice (directory loop)");
    }
    if (size > options_.max_directory_bytes) {
      return base::CorruptImage(LbaWhere(lba), "directory " + std::string(path) + " is " +
                                                   std::to_string(size) +
                                                   " bytes, more than the limit");
    }
    if (size < 2 * (kRecordFixed + 1)) {
      // ECMA-119 6.8.2.2: every directory holds at least its '.' and '..' records.
      visitor_.Warning(LbaWhere(lba) + ": directory " + std::string(path) +
                       " has a data length of " + std::to_string(size) +
                       " bytes, too short for its '.' and '..' records");
    }
    const std::uint64_t offset = std::uint64_t{lba} * base::kBlockSize;
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> dir,
                     Bytes(device_, offset, size, "directory " + std::string(path), &buffer_));
    out->Clear(lba);
    std::size_t pos = 0;
    int index = 0;
    while (pos < dir.size()) {
      const std::size_t in_sector = pos % base::kBlockSize;
      const std::uint8_t len = dir[pos];
      if (len == 0) {  // ECMA-119 6.8.1.1: the rest of the sector is unused
        pos += base::kBlockSize - in_sector;
        continue;
      }
      const std::uint32_t record_lba = lba + static_cast<std::uint32_t>(pos / base::kBlockSize);
      if (len < kRecordFixed + 1 || in_sector + len > base::kBlockSize || pos + len > dir.size()) {
        return base::CorruptImage(LbaWhere(record_lba), "directory " + std::string(path) +
                                                            ": record at byte " +
                                                            std::to_string(in_sector) +
                                                            " has length " + std::to_string(len));
      }
      std::span<const std::uint8_t> rec = dir.subspan(pos, len);
      pos += len;
      const std::uint8_t name_len = ParseRecordHeader(rec).file_identifier_length;
      if (kRecordFixed + name_len > rec.size()) {
        return base::CorruptImage(LbaWhere(record_lba),
                                  "directory " + std::string(path) + ": identifier length " +
                                      std::to_string(name_len) + " exceeds record length " +
                                      std::to_string(len));
      }
      RETURN_IF_ERROR(Record(path, record_lba, rec, index++, out));
    }
    if (!out->entries.empty() && out->entries.back().more_extents) {
      visitor_.Warning(LbaWhere(lba) + ": " + JoinPath(path, out->Name(out->entries.back())) +
                       ": multi-extent file without a final extent");
      CloseFile(path, out);
    }
    RemoveDuplicates(path, out);
    for (const DirEntry& e : out->entries) {
      out->subdirectories += !e.skipped && e.type == NodeType::kDirectory;
    }
    return base::Ok();
  }

  // Names must be unique in a directory as readers show them (specs/readers.md "Names"):
  // sorting the names once per directory finds collisions without a hash index. Identifiers
  // that differ on the disc may show the same name once versions and the '.' of an empty
  // extension are dropped (ECMA-119 7.5.1: the folder "LIBREADL" beside the file
  // "LIBREADL.;1", as xorriso and genisoimage write /usr/share/doc; "A;1" beside "A.;1").
  // Of several versions of one identifier the highest is shown and the others hidden
  // (ECMA-119 6.9.1 leaves the choice to the reader; Linux, libcdio and libisofs do the
  // same). Otherwise the entry that owns the name keeps it and each other one is shown as
  // its identifier without the version ("LIBREADL."), else as recorded ("A.;1"). Only
  // identical identifiers (ECMA-119 6.8.2.1 breaks) are a problem: the later entry is
  // skipped with a warning naming both.
  void RemoveDuplicates(std::string_view path, Directory* d) {
    const std::size_t n = d->entries.size();
    if (n < 2) return;
    order_.resize(n);
    for (std::size_t i = 0; i < n; ++i) order_[i] = static_cast<std::uint32_t>(i);
    auto name = [&](std::uint32_t i) { return d->Name(d->entries[i]); };
    // Within one name: the entry whose identifier is the name itself first, then higher
    // versions first, then disc order.
    auto owns = [&](std::uint32_t i) { return d->Unversioned(d->entries[i]) == name(i); };
    std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const int c = name(a).compare(name(b));
      if (c != 0) return c < 0;
      if (owns(a) != owns(b)) return owns(a);
      return d->entries[a].version > d->entries[b].version;
    });
    bool collision = false;
    for (std::size_t i = 1; i < n && !collision; ++i) {
      collision = name(order_[i]) == name(order_[i - 1]);
    }
    if (!collision) return;
    // Every name shown so far, mapped to its entry; the first of each run is placed first
    // so that a renamed entry never takes the name another entry owns.
    std::unordered_map<std::string, std::uint32_t> shown;
    for (std::size_t i = 0; i < n; ++i) {
      if (i == 0 || name(order_[i]) != name(order_[i - 1])) {
        shown.emplace(std::string(name(order_[i])), order_[i]);
      }
    }
    std::vector<std::pair<std::uint32_t, std::string>> renamed;
    for (std::size_t i = 1; i < n; ++i) {
      const std::uint32_t index = order_[i];
      if (name(index) != name(order_[i - 1])) continue;
      DirEntry& e = d->entries[index];
      bool done = false;
      std::uint32_t holder = index;
      for (std::string_view candidate : {name(index), d->Unversioned(e), d->Identifier(e)}) {
        if (candidate.empty() || !IsSafeName(candidate)) continue;
        auto [it, placed] = shown.emplace(std::string(candidate), index);
        if (placed) {
          renamed.emplace_back(index, candidate);
          done = true;
          break;
        }
        holder = it->second;
        const DirEntry& h = d->entries[holder];
        if (d->Identifier(h) == d->Identifier(e)) break;  // the same identifier twice
        if (e.type == NodeType::kFile && h.type == NodeType::kFile &&
            d->Unversioned(e) == d->Unversioned(h) && e.version != h.version) {
          e.skipped = true;  // an older version
          done = true;
          break;
        }
      }
      if (done) continue;
      e.skipped = true;
      const DirEntry& h = d->entries[holder];
      auto where = [&](const DirEntry& x) {
        const std::uint64_t at = x.type == NodeType::kDirectory ? x.dir_lba
                                 : x.extent_count > 0
                                     ? d->extents[x.extent_first].location / base::kBlockSize
                                     : 0;
        return "record at LBA " + std::to_string(x.lba) + ", data at LBA " + std::to_string(at);
      };
      visitor_.Warning(LbaWhere(e.lba) + ": " + JoinPath(path, name(index)) +
                       ": two entries with the same identifier \"" + std::string(d->Identifier(h)) +
                       "\": the first (" + where(h) + ") is shown, the second (" + where(e) +
                       ") skipped");
    }
    for (auto& [index, new_name] : renamed) {
      DirEntry& e = d->entries[index];
      e.name_offset = d->Intern(new_name);
      e.name_length = static_cast<std::uint32_t>(new_name.size());
    }
  }

  base::Status Record(std::string_view path, std::uint32_t lba, std::span<const std::uint8_t> rec,
                      int index, Directory* out) {
    const RecordHeader header = ParseRecordHeader(rec);
    const std::uint8_t name_len = header.file_identifier_length;
    std::span<const std::uint8_t> ident = rec.subspan(kRecordFixed, name_len);
    const bool dot = name_len == 1 && ident[0] == 0;
    const bool dotdot = name_len == 1 && ident[0] == 1;
    const std::uint8_t flags = header.file_flags;
    // System use area: after the identifier and its padding byte (9.1.12, 9.1.13).
    std::size_t su_start = kRecordFixed + name_len + ((name_len % 2) == 0 ? 1u : 0u);
    if (su_start > rec.size()) su_start = rec.size();
    const bool rr = ns_ == Namespace::kRockRidge;
    const bool root_dot = dot && index == 0 && root_pending_;
    su_.Clear();
    if (rr) {
      std::size_t skip = su_start + (root_dot ? 0 : susp_skip_);
      if (skip > rec.size()) {
        // SUSP 5.3: LEN_SKP bytes open every System Use area; one shorter than that hides
        // the Rock Ridge entries of its record.
        if (su_start < rec.size() && !len_skp_reported_) {
          len_skp_reported_ = true;
          visitor_.Warning(LbaWhere(lba) + ": SUSP SP LEN_SKP " + std::to_string(susp_skip_) +
                           " skips past the end of a System Use area of " +
                           std::to_string(rec.size() - su_start) + " bytes");
        }
        skip = rec.size();
      }
      where_.assign("LBA ");
      char digits[16];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, lba);
      where_.append(digits, static_cast<std::size_t>(end - digits));
      RETURN_IF_ERROR(ParseSystemUse(rec.subspan(skip), &device_, where_, limits_, &su_));
      for (auto& w : su_.warnings) visitor_.Warning(std::move(w));
    }
    if (dot || dotdot || index < 2) {
      if (root_dot) {
        root_pending_ = false;
        if (rr && su_.has_sp) susp_skip_ = su_.sp_skip;
        ApplyMetadata(rec, &out->self);
      }
      if (!dot && !dotdot) {
        visitor_.Warning(LbaWhere(lba) + ": directory " + std::string(path) +
                         " does not start with its '.' and '..' records");
      } else {
        return base::Ok();
      }
    }
    if (rr && su_.relocated) {  // RRIP 4.1.5.3: shown at its CL entry
      relocated_.push_back({ParseRecordHeader(rec).extent_location.le(), lba});
      return base::Ok();
    }
    if ((flags & kFlagAssociated) != 0) return base::Ok();

    // The name in this namespace (specs/readers.md "Names").
    const bool flagged_dir = (flags & kFlagDirectory) != 0;
    if (ns_ == Namespace::kJoliet) {
      ident_ = Ucs2BeToUtf8(ident, false);
    } else {
      ident_.assign(reinterpret_cast<const char*>(ident.data()), ident.size());  // NOLINT
    }
    std::uint32_t version = 0;
    std::size_t base = SplitVersion(ident_, &version);
    name_.assign(ident_, 0, base);
    // ECMA-119 7.5.1: a file identifier always holds SEPARATOR 1, so "NAME." is NAME with
    // an empty extension. A directory identifier has no separator (7.6.1), and a Joliet
    // name is Unicode text: a dot there is part of the name unless a version follows it
    // ("name.;1", the ISO 9660 shape some writers give Joliet files).
    const bool separator =
        ns_ == Namespace::kJoliet ? version != 0 || base < ident_.size() : !flagged_dir;
    if (separator && name_.size() > 1 && name_.back() == '.') name_.pop_back();
    if (rr && su_.has_nm && !su_.nm_current && !su_.nm_parent) {
      name_ = su_.name;
      ident_ = su_.name;
      base = ident_.size();
      version = 0;
    }

    const std::uint32_t extent = header.extent_location.le();
    const std::uint32_t data_length = header.data_length.le();
    const std::uint8_t xar = header.extended_attribute_length;

    // ECMA-119 6.5.1: a multi-extent file is several records with the same identifier;
    // all but the last have bit 7 set.
    if (!out->entries.empty() && out->entries.back().more_extents) {
      DirEntry& open = out->entries.back();
      if (ident_ == out->Identifier(open) && !(flags & kFlagDirectory)) {
        out->extents.push_back(ExtentAt(extent, xar, data_length));
        ++open.extent_count;
        if (!(flags & kFlagMultiExtent)) CloseFile(path, out);
        return base::Ok();
      }
      visitor_.Warning(LbaWhere(lba) + ": " + JoinPath(path, out->Name(open)) +
                       ": multi-extent file ends without its final extent");
      CloseFile(path, out);
    }

    if (!IsSafeName(name_)) {
      visitor_.Warning(LbaWhere(lba) + ": directory " + std::string(path) +
                       ": entry with unusable name '" + name_ + "' skipped");
      return base::Ok();
    }
    if (entries_ >= options_.max_entries) {
      return base::CorruptImage(LbaWhere(lba),
                                "more than " + std::to_string(options_.max_entries) + " entries");
    }
    ++entries_;

    const bool is_dir = (flags & kFlagDirectory) != 0 || (rr && su_.child_link.has_value());
    if (rr && su_.has_px && (su_.mode & 0170000) == 0040000 && !is_dir) {
      // RRIP 4.1.1: PX file mode says directory; ECMA-119 9.1.6 bit 1 says file.
      visitor_.Warning(LbaWhere(lba) + ": " + JoinPath(path, name_) +
                       ": Rock Ridge PX says directory but the record's directory flag is clear");
    }
    // RRIP 4.1.1: PX's file type bits make a device, FIFO or socket of a record.
    NodeType special = NodeType::kFile;
    if (rr && su_.has_px && !is_dir) {
      switch (su_.mode & rockridge::kModeTypeMask) {
        case rockridge::kModeCharDevice:
          special = NodeType::kCharDevice;
          break;
        case rockridge::kModeBlockDevice:
          special = NodeType::kBlockDevice;
          break;
        case rockridge::kModeFifo:
          special = NodeType::kFifo;
          break;
        case rockridge::kModeSocket:
          special = NodeType::kSocket;
          break;
        default:
          break;
      }
    }
    DirEntry e;
    e.lba = lba;
    e.name_offset = out->Intern(name_);
    e.name_length = static_cast<std::uint32_t>(name_.size());
    e.ident_offset = out->Intern(ident_);
    e.ident_length = static_cast<std::uint32_t>(ident_.size());
    e.ident_base = static_cast<std::uint32_t>(base);
    e.version = version;
    if (IsSpecial(special)) {
      e.type = special;
      if (IsDevice(special)) {
        if (!su_.has_pn) {
          visitor_.Warning(LbaWhere(lba) + ": " + JoinPath(path, name_) +
                           ": device without a Rock Ridge PN entry; device number 0, 0");
        }
        rockridge::DecodeDeviceNumber({su_.pn_high, su_.pn_low}, &e.device_major, &e.device_minor);
      }
    } else if (rr && su_.has_sl && !is_dir) {
      e.type = NodeType::kSymlink;
      e.target_offset = out->Intern(su_.symlink);
      e.target_length = static_cast<std::uint32_t>(su_.symlink.size());
      e.size = su_.symlink.size();
    } else if (is_dir) {
      e.type = NodeType::kDirectory;
      e.dir_lba = extent + xar;
      e.dir_size = data_length;
      if (rr && su_.child_link) {
        // RRIP 4.1.5.1: the directory lives at the CL LBA; its size is in its "." record.
        e.dir_lba = *su_.child_link;
        child_links_.push_back(e.dir_lba);
        ASSIGN_OR_RETURN(e.dir_size, DotSize(e.dir_lba));
      }
      e.size = e.dir_size;
    } else {
      e.type = NodeType::kFile;
      e.extent_first = static_cast<std::uint32_t>(out->extents.size());
      e.extent_count = 1;
      e.zisofs = rr && su_.zisofs;
      out->extents.push_back(ExtentAt(extent, xar, data_length));
      e.more_extents = (flags & kFlagMultiExtent) != 0;
    }
    ApplyMetadata(rec, &e);
    out->entries.push_back(e);
    if (e.type == NodeType::kFile && !e.more_extents) CloseFile(path, out);
    return base::Ok();
  }

  FileExtent ExtentAt(std::uint32_t extent, std::uint8_t xar, std::uint32_t length) const {
    return FileExtent{(std::uint64_t{extent} + xar) * base::kBlockSize, length, false};
  }

  base::Expected<std::uint32_t> DotSize(std::uint32_t lba) {
    std::vector<std::uint8_t> buf;
    ASSIGN_OR_RETURN(std::span<const std::uint8_t> s,
                     Bytes(device_, std::uint64_t{lba} * base::kBlockSize, kRecordFixed + 1,
                           "Rock Ridge CL directory", &buf));
    const RecordHeader dot = ParseRecordHeader(s);
    if (dot.length < kRecordFixed + 1) {
      return base::CorruptImage(LbaWhere(lba), "Rock Ridge CL target has no '.' record");
    }
    return dot.data_length.le();
  }

  // The last entry is a file whose extents are all read: its size is their sum, each cut
  // to the image (a data length is what a record claims; the file is what is recorded).
  void CloseFile(std::string_view path, Directory* out) {
    DirEntry& e = out->entries.back();
    e.more_extents = false;
    e.size = 0;
    std::uint64_t claimed = 0;
    const std::uint64_t end = device_.size();
    for (std::uint32_t i = 0; i < e.extent_count; ++i) {
      FileExtent& x = out->extents[e.extent_first + i];
      claimed += x.length;
      if (x.location >= end) {
        x.length = 0;
      } else if (x.length > end - x.location) {
        x.length = end - x.location;
      }
      e.size += x.length;
    }
    e.claimed = e.size != claimed ? claimed : 0;
    if (e.size != claimed) {
      visitor_.Warning(LbaWhere(e.lba) + ": " + JoinPath(path, out->Name(e)) + ": data length of " +
                       std::to_string(claimed) + " bytes runs past the end of the image; cut to " +
                       std::to_string(e.size));
    }
    if (e.zisofs) {
      visitor_.Warning(LbaWhere(e.lba) + ": " + JoinPath(path, out->Name(e)) +
                       ": zisofs-compressed (ZF) data is shown compressed");
    }
  }

  // Mode, owner, time and link count from the record and its Rock Ridge entries.
  void ApplyMetadata(std::span<const std::uint8_t> rec, DirEntry* e) const {
    if (auto t = DecodeRecordingTime(ParseRecordHeader(rec).recording_date.b)) e->mtime = *t;
    const bool rr = ns_ == Namespace::kRockRidge;
    if (rr && su_.has_mtime) e->mtime = su_.mtime;
    if (rr && su_.has_px) {
      e->mode = su_.mode & 07777;
      e->uid = su_.uid;
      e->gid = su_.gid;
      e->links = su_.links;
    } else {
      e->mode = e->type == NodeType::kDirectory ? 0555
                : e->type == NodeType::kSymlink ? 0777
                                                : 0444;
    }
  }

  // ECMA-119 7.5.1: "NAME.EXT;VERSION". Returns the length of the identifier before
  // SEPARATOR 2 (its whole length when there is none) and sets `version` to the version
  // number (0 when absent or not a number: everything from the last ';' is still dropped).
  static std::size_t SplitVersion(std::string_view ident, std::uint32_t* version) {
    const auto semi = ident.rfind(';');
    *version = 0;
    if (semi == std::string_view::npos) return ident.size();
    std::uint32_t v = 0;
    const std::string_view digits = ident.substr(semi + 1);
    for (char c : digits) {
      if (c < '0' || c > '9' || v > 32767) {
        v = 0;
        break;
      }
      v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    *version = v;
    return semi;
  }

  const base::BlockDevice& device_;
  Namespace ns_;
  const ReadOptions& options_;
  WalkVisitor& visitor_;
  std::vector<std::unique_ptr<Directory>> slots_;
  std::unique_ptr<Directory> spare_;
  std::vector<Frame> frames_;
  std::unordered_set<std::uint32_t> visited_;
  std::vector<std::uint8_t> buffer_;
  std::vector<std::uint32_t> order_;
  SystemUse su_;
  SystemUseLimits limits_;
  std::string name_, ident_, where_, path_;
  std::uint64_t entries_ = 1;  // the root
  std::uint8_t susp_skip_ = 0;
  bool root_pending_ = true;
  bool len_skp_reported_ = false;
  // RRIP 4.1.5: directories marked RE (extent, record LBA) and the CL targets met; an RE
  // directory no CL names is hidden from Rock Ridge (checked at the end of a full walk).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> relocated_;
  std::vector<std::uint32_t> child_links_;
};

}  // namespace

base::Status WalkIso(const base::BlockDevice& device, const IsoVolume& volume, Namespace ns,
                     const ReadOptions& options, std::string_view path, WalkVisitor& visitor) {
  const std::optional<DirectoryExtent>& root =
      ns == Namespace::kJoliet ? volume.joliet_root : volume.primary_root;
  if (!root)
    return base::Unsupported("image",
                             std::string("no ") + std::string(NamespaceName(ns)) + " tree");
  IsoWalker walker(device, ns, options, visitor);
  return walker.Walk(*root, path);
}

}  // namespace fs::reader
