// The FAT image builder (fat_image.h): scan the host folder into a tree with FAT names,
// choose the geometry, allocate clusters contiguously in tree order, then write the boot
// sector, the FATs, the directories and the file data into one buffer. FAT 1.03 sections
// are cited as in fat_format.h; specs/fat.md.
#include "fat/fat_image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>
#include <span>
#include <system_error>

#include "base/crc.h"
#include "base/unicode.h"
#include "fat/fat_format.h"

namespace fs::fat {
namespace {

namespace stdfs = std::filesystem;
using base::Expected;
using base::Status;

struct Node {
  std::string host_name;  // UTF-8, as on the host
  std::u16string long_name;
  ShortName short_name{};
  bool needs_long_name = false;
  bool is_dir = false;
  std::uint64_t size = 0;
  stdfs::path host;
  std::vector<Node> children;     // directories: sorted by host name
  std::uint64_t entry_count = 0;  // directories: 32-byte entries, dot entries included
  std::uint32_t first_cluster = 0;
  std::uint32_t cluster_count = 0;
};

base::Error Invalid(const stdfs::path& where, std::string what) {
  return base::Error(base::ErrorCode::kInvalidInput, where.string(), std::move(what));
}

std::u16string FoldCase(std::u16string_view s) {
  std::u16string out(s);
  for (char16_t& c : out) {
    if (c >= u'a' && c <= u'z') c = static_cast<char16_t>(c - u'a' + u'A');
  }
  return out;
}

std::size_t LongEntryCount(const Node& n) {
  return n.needs_long_name
             ? (n.long_name.size() + kLongNameCharsPerEntry - 1) / kLongNameCharsPerEntry
             : 0;
}

// Gives every child of a directory its short name and says whether it needs long-name
// entries (FAT 1.03 "Name Matching in Short and Long Names": a short name unique in its
// directory; long names unique ignoring case).
Status AssignNames(Node* dir) {
  std::set<ShortName> used;
  std::set<std::u16string> folded;
  for (Node& child : dir->children) {
    if (!folded.insert(FoldCase(child.long_name)).second) {
      return Invalid(child.host,
                     "another name in this folder differs only in case, and FAT "
                     "names ignore case");
    }
  }
  for (Node& child : dir->children) {
    const BasisName basis = MakeBasisName(child.long_name);
    if (!basis.lossy && !used.count(basis.name)) {
      child.short_name = basis.name;
      child.needs_long_name = !ShortNameMatches(basis.name, child.long_name);
    } else {
      std::uint32_t n = 1;
      ShortName candidate = WithNumericTail(basis.name, n);
      while (used.count(candidate)) {
        if (++n > 999999) return Invalid(child.host, "no unique short name is left");
        candidate = WithNumericTail(basis.name, n);
      }
      child.short_name = candidate;
      child.needs_long_name = true;
    }
    used.insert(child.short_name);
  }
  return base::Ok();
}

Status Scan(Node* dir, bool is_root) {
  std::error_code ec;
  stdfs::directory_iterator it(dir->host, ec);
  if (ec) return base::Error(base::ErrorCode::kIo, dir->host.string(), ec.message());
  for (; it != stdfs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    Node child;
    child.host = it->path();
    child.host_name = child.host.filename().string();
    const stdfs::file_status st = it->symlink_status(ec);
    if (ec) return base::Error(base::ErrorCode::kIo, child.host.string(), ec.message());
    if (stdfs::is_symlink(st)) {
      return Invalid(child.host, "a symbolic link, which FAT cannot hold");
    } else if (stdfs::is_directory(st)) {
      child.is_dir = true;
    } else if (stdfs::is_regular_file(st)) {
      child.size = it->file_size(ec);
      if (ec) return base::Error(base::ErrorCode::kIo, child.host.string(), ec.message());
      if (child.size > 0xFFFFFFFFu) {
        return Invalid(child.host, "a file of " + std::to_string(child.size) +
                                       " bytes, FAT files end at 4 GiB - 1");
      }
    } else {
      return Invalid(child.host, "not a regular file or folder, which FAT cannot hold");
    }
    const auto decoded = base::DecodeUtf8(child.host_name);
    if (!decoded) return Invalid(child.host, "a name that is not valid UTF-8");
    child.long_name = base::EncodeUtf16(*decoded);
    if (std::string problem = LongNameProblem(child.long_name); !problem.empty()) {
      return Invalid(child.host, problem);
    }
    dir->children.push_back(std::move(child));
  }
  if (ec) return base::Error(base::ErrorCode::kIo, dir->host.string(), ec.message());
  std::sort(dir->children.begin(), dir->children.end(),
            [](const Node& a, const Node& b) { return a.host_name < b.host_name; });
  RETURN_IF_ERROR(AssignNames(dir));
  dir->entry_count = is_root ? 1 : 2;  // the volume label, or "." and ".."
  for (Node& child : dir->children) {
    dir->entry_count += 1 + LongEntryCount(child);
    if (child.is_dir) RETURN_IF_ERROR(Scan(&child, false));
  }
  return base::Ok();
}

// ---- geometry ----

struct Geometry {
  int bits = 0;  // 12, 16 or 32
  std::uint32_t sectors_per_cluster = 0;
  std::uint32_t reserved_sectors = 0;
  std::uint32_t root_entries = 0;  // FAT12/16
  std::uint32_t root_sectors = 0;
  std::uint32_t fat_sectors = 0;
  std::uint64_t total_sectors = 0;
  std::uint32_t clusters = 0;
  std::uint64_t cluster_bytes() const { return std::uint64_t{sectors_per_cluster} * kSectorSize; }
  std::uint64_t fat_start() const { return reserved_sectors; }
  std::uint64_t root_start() const { return reserved_sectors + 2ull * fat_sectors; }
  std::uint64_t data_start() const { return root_start() + root_sectors; }
};

std::uint32_t MinClusters(int bits) {
  return bits == 12 ? 1 : bits == 16 ? kMaxFat12Clusters + 1 : kMaxFat16Clusters + 1;
}
std::uint32_t MaxClusters(int bits) {
  return bits == 12 ? kMaxFat12Clusters : bits == 16 ? kMaxFat16Clusters : kMaxFat32Clusters;
}

std::uint64_t FatSectorsFor(int bits, std::uint64_t clusters) {
  const std::uint64_t entries = clusters + 2;  // entries 0 and 1 are reserved
  const std::uint64_t bytes =
      bits == 12 ? (entries * 3 + 1) / 2 : entries * static_cast<std::uint64_t>(bits / 8);
  return (bytes + kSectorSize - 1) / kSectorSize;
}

// The layout of a volume of `total` sectors (FAT 1.03 "FAT Data Structure"): the smallest
// FAT that maps every cluster that fits beside it. nullopt when nothing fits.
std::optional<Geometry> LayoutFor(int bits, std::uint32_t spc, std::uint64_t total,
                                  std::uint32_t root_entries) {
  Geometry g;
  g.bits = bits;
  g.sectors_per_cluster = spc;
  g.reserved_sectors = bits == 32 ? 32 : 1;
  g.root_entries = bits == 32 ? 0 : root_entries;
  g.root_sectors = (g.root_entries * kDirEntrySize + kSectorSize - 1) / kSectorSize;
  g.total_sectors = total;
  const std::uint64_t fixed = g.reserved_sectors + g.root_sectors;
  auto clusters_with = [&](std::uint64_t fat) -> std::int64_t {
    if (fixed + 2 * fat >= total) return -1;
    return static_cast<std::int64_t>((total - fixed - 2 * fat) / spc);
  };
  // need(clusters(fat)) - fat decreases strictly as fat grows: the smallest fat that
  // covers its clusters, by bisection.
  std::uint64_t lo = 1, hi = total / 2 + 1;
  if (clusters_with(lo) < 0) return std::nullopt;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const std::int64_t c = clusters_with(mid);
    if (c < 0 || FatSectorsFor(bits, static_cast<std::uint64_t>(c)) <= mid) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  const std::int64_t c = clusters_with(lo);
  if (c <= 0 || static_cast<std::uint64_t>(c) > 0xFFFFFFFFu) return std::nullopt;
  g.fat_sectors = static_cast<std::uint32_t>(lo);
  g.clusters = static_cast<std::uint32_t>(c);
  return g;
}

std::uint64_t ClustersFor(std::uint64_t bytes, std::uint64_t cluster_bytes) {
  return (bytes + cluster_bytes - 1) / cluster_bytes;
}

// The data clusters the tree needs with clusters of `cluster_bytes` (the root directory
// too on FAT32, where it lives in the data region).
std::uint64_t NeededClusters(const Node& dir, std::uint64_t cluster_bytes) {
  std::uint64_t n = 0;
  for (const Node& child : dir.children) {
    if (child.is_dir) {
      n +=
          std::max<std::uint64_t>(1, ClustersFor(child.entry_count * kDirEntrySize, cluster_bytes));
      n += NeededClusters(child, cluster_bytes);
    } else {
      n += ClustersFor(child.size, cluster_bytes);
    }
  }
  return n;
}

bool Valid(const std::optional<Geometry>& g, std::uint64_t needed) {
  return g && g->clusters >= MinClusters(g->bits) && g->clusters <= MaxClusters(g->bits) &&
         g->clusters >= needed;
}

Expected<Geometry> ChooseGeometry(const Node& root, const FatImageOptions& options,
                                  const stdfs::path& where) {
  std::vector<int> types;
  switch (options.type) {
    case FatType::kAuto:
      types = {12, 16, 32};
      break;
    case FatType::kFat12:
      types = {12};
      break;
    case FatType::kFat16:
      types = {16};
      break;
    case FatType::kFat32:
      types = {32};
      break;
  }
  // FAT12/16 keep the root directory in a fixed region: 512 entries (FAT 1.03 "FAT Data
  // Structure" recommends it), more in whole sectors when the folder's top holds more.
  const std::uint64_t root_needed = std::max<std::uint64_t>(512, (root.entry_count + 15) / 16 * 16);
  std::optional<Geometry> best;
  for (std::uint32_t spc = 1; spc <= 64; spc *= 2) {
    for (int bits : types) {
      if (bits != 32 && root_needed > 0xFFF0) continue;  // BPB_RootEntCnt is 16 bits
      const std::uint32_t root_entries = static_cast<std::uint32_t>(root_needed);
      const std::uint64_t cb = std::uint64_t{spc} * kSectorSize;
      std::uint64_t needed = NeededClusters(root, cb);
      if (bits == 32) {
        needed += std::max<std::uint64_t>(1, ClustersFor(root.entry_count * kDirEntrySize, cb));
      }
      if (options.size_bytes != 0) {
        const auto g = LayoutFor(bits, spc, options.size_bytes / kSectorSize, root_entries);
        if (Valid(g, needed)) return *g;
        continue;
      }
      // The smallest volume: as many clusters as needed (at least the type's minimum),
      // their FAT and the fixed regions, rounded up to 2048 bytes.
      const std::uint64_t clusters = std::max<std::uint64_t>(needed, MinClusters(bits));
      if (clusters > MaxClusters(bits)) continue;
      const std::uint64_t fixed =
          (bits == 32 ? 32 : 1) + (bits == 32 ? 0 : (root_entries * kDirEntrySize + 511) / 512);
      std::uint64_t total = fixed + 2 * FatSectorsFor(bits, clusters) + clusters * spc;
      total = (total + 3) / 4 * 4;
      const auto g = LayoutFor(bits, spc, total, root_entries);
      if (!Valid(g, needed)) continue;
      if (!best || g->total_sectors < best->total_sectors) best = g;
    }
  }
  if (options.size_bytes != 0) {
    return Invalid(where, "the folder does not fit a " + std::string(FatTypeName(options.type)) +
                              " file system of " + std::to_string(options.size_bytes) + " bytes");
  }
  if (!best) {
    return Invalid(where, "the folder does not fit any " + std::string(FatTypeName(options.type)) +
                              " file system");
  }
  return *best;
}

// ---- writing ----

class Writer {
 public:
  Writer(const Geometry& g, const FatImageOptions& options, std::vector<std::uint8_t>* image)
      : g_(g), image_(*image), time_(ToDosTime(options.timestamp)) {}

  void Allocate(Node* root) {
    next_ = 2;
    if (g_.bits == 32) {
      root->cluster_count = static_cast<std::uint32_t>(std::max<std::uint64_t>(
          1, ClustersFor(root->entry_count * kDirEntrySize, g_.cluster_bytes())));
      root->first_cluster = Take(root->cluster_count);
    }
    AllocateChildren(root);
  }

  std::uint32_t used_clusters() const { return next_ - 2; }

  void SetFat(std::uint32_t cluster, std::uint32_t value) {
    std::uint8_t* fat = image_.data() + g_.fat_start() * kSectorSize;
    switch (g_.bits) {
      case 12: {
        std::uint8_t* p = fat + cluster + cluster / 2;
        std::uint16_t word = base::LoadLe16(p);
        word = (cluster & 1) ? static_cast<std::uint16_t>((word & 0x000F) | (value << 4))
                             : static_cast<std::uint16_t>((word & 0xF000) | (value & 0x0FFF));
        base::StoreLe16(p, word);
        break;
      }
      case 16:
        base::StoreLe16(fat + cluster * 2, static_cast<std::uint16_t>(value));
        break;
      default:
        base::StoreLe32(fat + cluster * 4, value & 0x0FFFFFFF);
        break;
    }
  }

  std::uint32_t EndOfChain() const {
    return g_.bits == 12 ? 0xFFF : g_.bits == 16 ? 0xFFFF : 0x0FFFFFFF;
  }

  void Chain(const Node& n) {
    for (std::uint32_t i = 0; i < n.cluster_count; ++i) {
      const std::uint32_t c = n.first_cluster + i;
      SetFat(c, i + 1 == n.cluster_count ? EndOfChain() : c + 1);
    }
  }

  std::uint8_t* ClusterData(std::uint32_t cluster) {
    return image_.data() +
           (g_.data_start() + std::uint64_t{cluster - 2} * g_.sectors_per_cluster) * kSectorSize;
  }

  DirEntry ShortEntry(const ShortName& name, std::uint8_t attributes, std::uint32_t cluster,
                      std::uint32_t size) const {
    DirEntry e = codec::Zeroed<DirEntry>();
    std::memcpy(e.name.b, name.data(), name.size());
    e.attributes = attributes;
    e.create_time_tenth = time_.tenth;
    e.create_time.set(time_.time);
    e.create_date.set(time_.date);
    e.access_date.set(time_.date);
    e.write_time.set(time_.time);
    e.write_date.set(time_.date);
    e.first_cluster_high.set(static_cast<std::uint16_t>(cluster >> 16));
    e.first_cluster_low.set(static_cast<std::uint16_t>(cluster & 0xFFFF));
    e.file_size.set(size);
    return e;
  }

  // The entries of one directory, in order (FAT 1.03 "FAT Long Directory Entries": the
  // long-name entries of a name precede its short entry, last part first).
  std::vector<std::uint8_t> DirectoryBytes(const Node& dir, const Node* parent,
                                           const ShortName& label) const {
    std::vector<std::uint8_t> out;
    base::ByteWriter w(&out);
    if (parent == nullptr) {
      ShortEntry(label, kAttrVolumeId, 0, 0).EncodeTo(w);
    } else {
      ShortName dot, dotdot;
      dot.fill(' ');
      dotdot.fill(' ');
      dot[0] = '.';
      dotdot[0] = dotdot[1] = '.';
      ShortEntry(dot, kAttrDirectory, dir.first_cluster, 0).EncodeTo(w);
      // ".." of a directory in the root names cluster 0 (FAT 1.03 "FAT Directory
      // Structure"), on FAT32 too.
      ShortEntry(dotdot, kAttrDirectory, parent == root_ ? 0 : parent->first_cluster, 0)
          .EncodeTo(w);
    }
    for (const Node& child : dir.children) {
      const std::size_t parts = LongEntryCount(child);
      const std::uint8_t checksum = ShortNameChecksum(child.short_name);
      for (std::size_t k = parts; k >= 1; --k) {
        LongNameEntry e = codec::Zeroed<LongNameEntry>();
        e.order = static_cast<std::uint8_t>(k | (k == parts ? 0x40 : 0));
        e.attributes = kAttrLongName;
        e.checksum = checksum;
        std::uint8_t chars[26];
        for (std::size_t i = 0; i < kLongNameCharsPerEntry; ++i) {
          const std::size_t at = (k - 1) * kLongNameCharsPerEntry + i;
          const std::uint16_t c = at < child.long_name.size()    ? child.long_name[at]
                                  : at == child.long_name.size() ? 0x0000
                                                                 : 0xFFFF;
          base::StoreLe16(chars + 2 * i, c);
        }
        std::memcpy(e.name1.b, chars, 10);
        std::memcpy(e.name2.b, chars + 10, 12);
        std::memcpy(e.name3.b, chars + 22, 4);
        e.EncodeTo(w);
      }
      ShortEntry(child.short_name, child.is_dir ? kAttrDirectory : kAttrArchive,
                 child.first_cluster, child.is_dir ? 0 : static_cast<std::uint32_t>(child.size))
          .EncodeTo(w);
    }
    return out;
  }

  Status WriteTree(const Node& dir, const Node* parent, const ShortName& label) {
    if (parent == nullptr) root_ = &dir;
    const std::vector<std::uint8_t> entries = DirectoryBytes(dir, parent, label);
    if (parent == nullptr && g_.bits != 32) {
      CHECK(entries.size() <= std::uint64_t{g_.root_entries} * kDirEntrySize);
      std::memcpy(image_.data() + g_.root_start() * kSectorSize, entries.data(), entries.size());
    } else {
      CHECK(entries.size() <= std::uint64_t{dir.cluster_count} * g_.cluster_bytes());
      std::memcpy(ClusterData(dir.first_cluster), entries.data(), entries.size());
      Chain(dir);
    }
    for (const Node& child : dir.children) {
      if (child.is_dir) {
        RETURN_IF_ERROR(WriteTree(child, &dir, label));
      } else if (child.size > 0) {
        RETURN_IF_ERROR(ReadFile(child, ClusterData(child.first_cluster)));
        Chain(child);
      }
    }
    return base::Ok();
  }

 private:
  std::uint32_t Take(std::uint32_t count) {
    const std::uint32_t first = next_;
    next_ += count;
    return first;
  }

  void AllocateChildren(Node* dir) {
    for (Node& child : dir->children) {
      if (child.is_dir) {
        child.cluster_count = static_cast<std::uint32_t>(std::max<std::uint64_t>(
            1, ClustersFor(child.entry_count * kDirEntrySize, g_.cluster_bytes())));
        child.first_cluster = Take(child.cluster_count);
        AllocateChildren(&child);
      } else {
        child.cluster_count =
            static_cast<std::uint32_t>(ClustersFor(child.size, g_.cluster_bytes()));
        child.first_cluster = child.cluster_count ? Take(child.cluster_count) : 0;
      }
    }
  }

  // Reads exactly the size the scan saw; a file that grew, shrank or was replaced since
  // is an error, never a silently different image.
  static Status ReadFile(const Node& n, std::uint8_t* out) {
    const int fd = ::open(n.host.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      return base::Error(base::ErrorCode::kIo, n.host.string(), std::strerror(errno));
    }
    struct stat st;
    Status status = base::Ok();
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<std::uint64_t>(st.st_size) != n.size) {
      status = base::Error(base::ErrorCode::kIo, n.host.string(),
                           "the file changed while the FAT image was built");
    }
    std::uint64_t done = 0;
    while (status && done < n.size) {
      const ssize_t r = ::pread(fd, out + done, n.size - done, static_cast<off_t>(done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        status = base::Error(base::ErrorCode::kIo, n.host.string(), std::strerror(errno));
      } else if (r == 0) {
        status = base::Error(base::ErrorCode::kIo, n.host.string(),
                             "the file shrank while the FAT image was built");
      } else {
        done += static_cast<std::uint64_t>(r);
      }
    }
    ::close(fd);
    return status;
  }

  const Geometry& g_;
  std::vector<std::uint8_t>& image_;
  DosTime time_;
  std::uint32_t next_ = 2;
  const Node* root_ = nullptr;
};

Expected<ShortName> LabelName(const std::string& label) {
  ShortName out;
  out.fill(' ');
  if (label.size() > 11) {
    return base::Error(base::ErrorCode::kInvalidInput, "FAT volume label",
                       "\"" + label + "\" is longer than 11 characters");
  }
  static constexpr std::string_view kAllowed = " !#$%&'()-@^_`{}~";
  for (std::size_t i = 0; i < label.size(); ++i) {
    char c = label[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          kAllowed.find(c) != std::string_view::npos)) {
      return base::Error(base::ErrorCode::kInvalidInput, "FAT volume label",
                         "\"" + label + "\" holds a character FAT labels cannot");
    }
    out[i] = static_cast<std::uint8_t>(c);
  }
  if (label.empty()) std::memcpy(out.data(), "NO NAME    ", 11);
  return out;
}

// The boot code of a volume that is not bootable by BIOS: INT 18h (try the next boot
// device), then halt.
constexpr std::uint8_t kNoBootCode[] = {0xCD, 0x18, 0xF4, 0xEB, 0xFD};

void WriteBootSector(const Geometry& g, const ShortName& label, std::uint32_t free_clusters,
                     std::uint32_t next_free, std::uint32_t root_cluster,
                     std::vector<std::uint8_t>* image) {
  std::uint8_t* s = image->data();
  BiosParameterBlock bpb = codec::Zeroed<BiosParameterBlock>();
  const std::uint8_t code_at = g.bits == 32 ? 90 : 62;
  bpb.jump_boot.b[0] = 0xEB;
  bpb.jump_boot.b[1] = static_cast<std::uint8_t>(code_at - 2);
  bpb.jump_boot.b[2] = 0x90;
  std::memcpy(bpb.oem_name.b, "MSWIN4.1", 8);  // FAT 1.03 BS_OEMName: the value to use
  bpb.bytes_per_sector.set(kSectorSize);
  bpb.sectors_per_cluster = static_cast<std::uint8_t>(g.sectors_per_cluster);
  bpb.reserved_sectors.set(static_cast<std::uint16_t>(g.reserved_sectors));
  bpb.num_fats = 2;
  bpb.root_entry_count.set(static_cast<std::uint16_t>(g.root_entries));
  if (g.bits != 32 && g.total_sectors < 0x10000) {
    bpb.total_sectors_16.set(static_cast<std::uint16_t>(g.total_sectors));
  } else {
    bpb.total_sectors_32.set(static_cast<std::uint32_t>(g.total_sectors));
  }
  bpb.media = kMediaFixed;
  if (g.bits != 32) bpb.fat_size_16.set(static_cast<std::uint16_t>(g.fat_sectors));
  bpb.sectors_per_track.set(32);
  bpb.num_heads.set(64);
  std::memcpy(s, &bpb, sizeof bpb);
  const char* type = g.bits == 12 ? "FAT12   " : g.bits == 16 ? "FAT16   " : "FAT32   ";
  if (g.bits == 32) {
    Fat32Extension ext = codec::Zeroed<Fat32Extension>();
    ext.fat_size_32.set(g.fat_sectors);
    ext.root_cluster.set(root_cluster);
    ext.fs_info_sector.set(1);
    ext.backup_boot_sector.set(6);
    ext.drive_number = 0x80;
    ext.boot_signature = 0x29;
    std::memcpy(ext.volume_label.b, label.data(), 11);
    std::memcpy(ext.fs_type.b, type, 8);
    std::memcpy(s + sizeof bpb, &ext, sizeof ext);
    FsInfo info = codec::Zeroed<FsInfo>();
    info.lead_signature.set(0x41615252);
    info.struct_signature.set(0x61417272);
    info.free_count.set(free_clusters);
    info.next_free.set(free_clusters ? next_free : 0xFFFFFFFF);
    info.trail_signature.set(0xAA550000);
    std::memcpy(s + kSectorSize, &info, sizeof info);
  } else {
    Fat16Extension ext = codec::Zeroed<Fat16Extension>();
    ext.drive_number = 0x80;
    ext.boot_signature = 0x29;
    std::memcpy(ext.volume_label.b, label.data(), 11);
    std::memcpy(ext.fs_type.b, type, 8);
    std::memcpy(s + sizeof bpb, &ext, sizeof ext);
  }
  std::memcpy(s + code_at, kNoBootCode, sizeof kNoBootCode);
  s[510] = 0x55;
  s[511] = 0xAA;
}

}  // namespace

const char* FatTypeName(FatType type) {
  switch (type) {
    case FatType::kFat12:
      return "FAT12";
    case FatType::kFat16:
      return "FAT16";
    case FatType::kFat32:
      return "FAT32";
    case FatType::kAuto:
      break;
  }
  return "FAT";
}

Expected<std::vector<std::uint8_t>> BuildFatImage(const stdfs::path& host_dir,
                                                  const FatImageOptions& options) {
  ASSIGN_OR_RETURN(const ShortName label, LabelName(options.label));
  if (options.size_bytes % kSectorSize != 0 || options.size_bytes > kMaxFatImageBytes) {
    return Invalid(host_dir, "a FAT image size must be a multiple of 512 bytes up to 4 GiB, not " +
                                 std::to_string(options.size_bytes));
  }
  std::error_code ec;
  if (!stdfs::is_directory(host_dir, ec)) return Invalid(host_dir, "not a folder");
  Node root;
  root.is_dir = true;
  root.host = host_dir;
  RETURN_IF_ERROR(Scan(&root, true));
  ASSIGN_OR_RETURN(const Geometry g, ChooseGeometry(root, options, host_dir));
  if (g.total_sectors * kSectorSize > kMaxFatImageBytes) {
    return Invalid(host_dir, "the folder needs a FAT image over 4 GiB");
  }
  std::vector<std::uint8_t> image(g.total_sectors * kSectorSize, 0);
  Writer writer(g, options, &image);
  writer.Allocate(&root);
  // FAT[0] holds the media byte, FAT[1] the end-of-chain mark (FAT 1.03 "FAT Data
  // Structure"; the clean-shutdown and no-error bits set on FAT16/32).
  writer.SetFat(0, 0x0FFFFF00u | kMediaFixed);
  writer.SetFat(1, writer.EndOfChain());
  RETURN_IF_ERROR(writer.WriteTree(root, nullptr, label));
  const std::uint32_t used = writer.used_clusters();
  WriteBootSector(g, label, g.clusters - used, used + 2, root.first_cluster, &image);
  // The second FAT mirrors the first.
  const std::size_t fat_bytes = std::size_t{g.fat_sectors} * kSectorSize;
  std::memcpy(image.data() + (g.fat_start() + g.fat_sectors) * kSectorSize,
              image.data() + g.fat_start() * kSectorSize, fat_bytes);
  // The volume serial: a hash of everything else, so the same folder and options give
  // the same bytes, and different contents different serials.
  const std::uint32_t serial = base::Crc32(image);
  base::StoreLe32(image.data() + (g.bits == 32 ? 67 : 39), serial);
  if (g.bits == 32) {  // FAT 1.03: the backup boot sector (and FSInfo) at sector 6
    std::memcpy(image.data() + 6 * kSectorSize, image.data(), 3 * kSectorSize);
  }
  return image;
}

}  // namespace fs::fat
