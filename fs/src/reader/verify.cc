// `mkimg verify`: structural checks of every file system of an image (specs/readers.md).
// Each namespace is read in full (so every directory record, SUSP area, descriptor tag
// checksum and CRC is checked by the readers), then: every extent must lie inside the
// image; no two extents may partly overlap (identical extents are shared data, as
// hard links and bridged file systems have); directories and file data must not overlap;
// the same path in Rock Ridge, Joliet and UDF must have the same size and the same bytes;
// boot images and partitions must lie inside the image; the ISO 9660 volume space size
// must not exceed the image; in ISO 9660 and Joliet the both-endian fields of the volume
// descriptor and of every directory record agree, and the path tables list the tree.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "fs/image_reader.h"
#include "reader/reader_util.h"

namespace fs {
namespace {

constexpr std::size_t kMaxProblems = 1000;

struct Interval {
  std::uint64_t start, end;
  NodeId node;  // kNoNode for a directory extent
};

void CheckExtents(const base::BlockDevice& device, const ImageTree& t,
                  std::vector<std::string>* problems) {
  const std::string ns(NamespaceName(t.ns));
  std::vector<Interval> intervals;
  for (const FileExtent& d : t.directory_extents) {
    if (d.length > 0) intervals.push_back({d.location, d.location + d.length, kNoNode});
  }
  for (NodeId id = 0; id < t.tree.size(); ++id) {
    const Node& n = t.tree.node(id);
    if (n.type != NodeType::kFile) continue;
    if (n.parent == kNoNode && id != kRootNode) continue;
    for (const FileExtent& e : t.FileExtents(id)) {
      if (e.sparse || e.length == 0) continue;
      if (e.location > device.size() || e.length > device.size() - e.location) {
        problems->push_back(ns + ": " + t.tree.Path(id) + ": " +
                            base::LbaWhere(e.location / base::kBlockSize) + ": extent of " +
                            std::to_string(e.length) +
                            " bytes extends beyond the end of the image");
        continue;
      }
      intervals.push_back({e.location, e.location + e.length, id});
    }
  }
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  // Sweep: compare each interval with the one reaching furthest so far.
  std::size_t reach = 0;
  for (std::size_t i = 1; i < intervals.size() && problems->size() < kMaxProblems; ++i) {
    const Interval& a = intervals[reach];
    const Interval& b = intervals[i];
    if (b.start < a.end) {
      const bool identical = a.start == b.start && a.end == b.end;
      const bool both_files = a.node != kNoNode && b.node != kNoNode;
      if (!(identical && both_files)) {
        auto name = [&](const Interval& x) {
          return x.node == kNoNode ? std::string("a directory") : t.tree.Path(x.node);
        };
        problems->push_back(ns + ": " + base::LbaWhere(b.start / base::kBlockSize) + ": " +
                            name(b) + " overlaps " + name(a));
      }
    }
    if (b.end > intervals[reach].end) reach = i;
  }
}

void Index(const ImageTree& t, std::unordered_map<std::string, NodeId>* out) {
  std::vector<std::pair<NodeId, std::string>> stack{{kRootNode, ""}};
  while (!stack.empty()) {
    auto [dir, path] = std::move(stack.back());
    stack.pop_back();
    for (NodeId c : t.tree.children(dir)) {
      std::string p = path + "/" + std::string(t.tree.name(c));
      const Node& n = t.tree.node(c);
      if (n.type == NodeType::kDirectory) stack.emplace_back(c, p);
      if (n.type == NodeType::kFile) out->emplace(std::move(p), c);
    }
  }
}

base::Status SameBytes(const base::BlockDevice& device, const ImageTree& a, NodeId x,
                       const ImageTree& b, NodeId y, bool* same) {
  const std::uint64_t size = a.tree.content(x).size;
  if (a.FileExtents(x) == b.FileExtents(y)) {
    *same = true;
    return base::Ok();
  }
  std::vector<std::uint8_t> p(1 << 20), q(1 << 20);
  for (std::uint64_t pos = 0; pos < size; pos += p.size()) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(p.size(), size - pos));
    RETURN_IF_ERROR(ReadFileData(device, a, x, pos, std::span(p.data(), n)));
    RETURN_IF_ERROR(ReadFileData(device, b, y, pos, std::span(q.data(), n)));
    if (!std::equal(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n), q.begin())) {
      *same = false;
      return base::Ok();
    }
  }
  *same = true;
  return base::Ok();
}

std::uint32_t Le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
std::uint32_t Be32(const std::uint8_t* p) {
  return std::uint32_t{p[3]} | std::uint32_t{p[2]} << 8 | std::uint32_t{p[1]} << 16 |
         std::uint32_t{p[0]} << 24;
}
std::uint16_t Le16(const std::uint8_t* p) { return std::uint16_t(p[0] | p[1] << 8); }
std::uint16_t Be16(const std::uint8_t* p) { return std::uint16_t(p[1] | p[0] << 8); }

// ECMA-119 7.2.3/7.3.3 both-endian fields: the little- and big-endian halves must agree.
void CheckBothEndian(const std::uint8_t* field, int width, const std::string& what,
                     std::vector<std::string>* problems) {
  const std::uint32_t le = width == 4 ? Le32(field) : Le16(field);
  const std::uint32_t be = width == 4 ? Be32(field + 4) : Be16(field + 2);
  if (le != be) {
    problems->push_back(what + ": little-endian " + std::to_string(le) + " and big-endian " +
                        std::to_string(be) + " disagree");
  }
}

// The raw ECMA-119 structures of one primary or supplementary volume descriptor: its
// both-endian fields, those of every directory record of its tree (extent 9.1.3, data
// length 9.1.4, volume sequence number 9.1.9), and its type L and type M path tables
// (9.4), which must list every directory of the tree, the root first, and agree.
void CheckIsoStructures(const base::BlockDevice& device, const VolumeDescriptorInfo& d,
                        const ImageTree& t, std::vector<std::string>* problems) {
  const std::string where = base::LbaWhere(d.lba) + ": " + d.kind + " volume descriptor";
  std::vector<std::uint8_t> vd(base::kBlockSize);
  if (!device.Read(std::uint64_t{d.lba} * base::kBlockSize, vd)) return;  // reported by the reader
  CheckBothEndian(&vd[80], 4, where + ": volume space size", problems);
  CheckBothEndian(&vd[120], 2, where + ": volume set size", problems);
  CheckBothEndian(&vd[124], 2, where + ": volume sequence number", problems);
  CheckBothEndian(&vd[128], 2, where + ": logical block size", problems);
  CheckBothEndian(&vd[132], 4, where + ": path table size", problems);
  CheckBothEndian(&vd[156 + 2], 4, where + ": root record extent", problems);
  CheckBothEndian(&vd[156 + 10], 4, where + ": root record data length", problems);
  std::vector<std::uint64_t> dirs;  // directory extents in bytes
  for (const FileExtent& e : t.directory_extents) {
    dirs.push_back(e.location);
    std::vector<std::uint8_t> data(e.length);
    if (e.length == 0 || !device.Read(e.location, data)) continue;
    for (std::size_t i = 0; i < data.size() && problems->size() < kMaxProblems;) {
      const std::size_t len = data[i];
      if (len == 0) {  // the rest of the sector is padding (ECMA-119 6.8.1.1)
        i = (i / base::kBlockSize + 1) * base::kBlockSize;
        continue;
      }
      if (len < 33 || i + len > data.size()) break;  // reported by the reader
      const std::string at = where + ": directory record at " +
                             base::LbaWhere((e.location + i) / base::kBlockSize) + " offset " +
                             std::to_string((e.location + i) % base::kBlockSize);
      CheckBothEndian(&data[i + 2], 4, at + ": extent", problems);
      CheckBothEndian(&data[i + 10], 4, at + ": data length", problems);
      CheckBothEndian(&data[i + 28], 2, at + ": volume sequence number", problems);
      i += len;
    }
  }
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  const std::uint32_t size = Le32(&vd[132]);
  if (size == 0 || size > 64u * 1024 * 1024) {
    problems->push_back(where + ": path table size " + std::to_string(size) + " is invalid");
    return;
  }
  std::vector<std::uint8_t> l(size), m(size);
  if (!device.Read(std::uint64_t{Le32(&vd[140])} * base::kBlockSize, l) ||
      !device.Read(std::uint64_t{Be32(&vd[148])} * base::kBlockSize, m)) {
    problems->push_back(where + ": path table beyond the end of the image");
    return;
  }
  std::size_t records = 0;
  for (std::size_t i = 0; i < size;) {
    const std::string rec = where + ": path table record " + std::to_string(records + 1);
    const std::size_t len_di = l[i];
    if (len_di == 0 || i + 8 + len_di > size) {
      problems->push_back(rec + ": invalid (directory identifier length " + std::to_string(len_di) +
                          ")");
      return;
    }
    const std::uint32_t extent = Le32(&l[i + 2]);
    const std::uint16_t parent = Le16(&l[i + 6]);
    if (m[i] != l[i] || Be32(&m[i + 2]) != extent || Be16(&m[i + 6]) != parent ||
        !std::equal(&l[i + 8], &l[i + 8 + len_di], &m[i + 8])) {
      problems->push_back(rec + ": the type L and type M path tables disagree");
    }
    if (records == 0 &&
        (len_di != 1 || l[i + 8] != 0 || parent != 1 ||
         std::uint64_t{extent} * base::kBlockSize != t.directory_extents.front().location)) {
      problems->push_back(rec + ": is not the root directory");
    }
    if (!std::binary_search(dirs.begin(), dirs.end(), std::uint64_t{extent} * base::kBlockSize)) {
      problems->push_back(rec + ": extent " + std::to_string(extent) +
                          " is not a directory of the tree");
    }
    if (parent == 0 || parent > records + 1) {
      problems->push_back(rec + ": parent " + std::to_string(parent) + " is not an earlier record");
    }
    ++records;
    i += 8 + len_di + (len_di % 2);
    if (problems->size() >= kMaxProblems) return;
  }
  if (records != dirs.size()) {
    problems->push_back(where + ": path table lists " + std::to_string(records) +
                        " directories, the tree has " + std::to_string(dirs.size()));
  }
}

// ECMA-119 8.4.8: the volume space size counts every logical block of the volume, so
// it reaches past the volume descriptors and every directory and file extent recorded.
void CheckVolumeSpace(const VolumeDescriptorInfo& d, const ImageTree& t,
                      std::vector<std::string>* problems) {
  std::uint64_t used = 17;  // the system area and the first volume descriptor (8.4)
  std::string user = "the volume descriptors";
  for (const FileExtent& e : t.directory_extents) {
    const std::uint64_t end =
        (e.location + std::max<std::uint64_t>(e.length, 1) + base::kBlockSize - 1) /
        base::kBlockSize;
    if (end > used) {
      used = end;
      user = "a directory";
    }
  }
  for (const FileExtent& e : t.extents) {
    if (e.sparse || e.length == 0) continue;
    const std::uint64_t end = (e.location + e.length + base::kBlockSize - 1) / base::kBlockSize;
    if (end > used) {
      used = end;
      user = "file data";
    }
  }
  if (d.volume_space_size < used) {
    problems->push_back(base::LbaWhere(d.lba) + ": " + d.kind +
                        " volume descriptor: volume space size " +
                        std::to_string(d.volume_space_size) + " blocks ends before block " +
                        std::to_string(used - 1) + ", which holds " + user);
  }
}

}  // namespace

base::Expected<std::vector<std::string>> VerifyImage(const ImageReader& reader) {
  std::vector<std::string> problems;
  const ImageInfo& v = reader.volume();
  const base::BlockDevice& device = reader.device();
  for (const std::string& w : v.warnings) problems.push_back(w);
  for (const VolumeDescriptorInfo& d : v.descriptors) {
    if ((d.kind == "primary" || d.kind == "joliet") &&
        std::uint64_t{d.volume_space_size} * base::kBlockSize > device.size()) {
      problems.push_back(base::LbaWhere(d.lba) + ": " + d.kind +
                         " volume descriptor: volume space size " +
                         std::to_string(d.volume_space_size) + " blocks exceeds the image (" +
                         std::to_string(device.size() / base::kBlockSize) + " blocks)");
    }
  }
  if (v.boot_catalog) {
    for (const BootEntryInfo& e : v.boot_catalog->entries) {
      const std::uint64_t end =
          std::uint64_t{e.load_lba} * base::kBlockSize + std::uint64_t{e.sector_count} * 512;
      if (end > device.size()) {
        problems.push_back(base::LbaWhere(e.load_lba) + ": El Torito " + e.platform +
                           " boot image extends beyond the end of the image");
      }
      if (e.boot_info_table.rfind("inconsistent", 0) == 0) {
        problems.push_back(base::LbaWhere(e.load_lba) + ": El Torito " + e.platform +
                           " boot image: boot information table " + e.boot_info_table);
      }
    }
  }
  for (const PartitionInfo& p : v.partitions) {
    if ((p.first_lba + p.sectors) * 512 > device.size() + 4 * 512 && p.type != "0xEE") {
      problems.push_back(p.scheme + " partition " + std::to_string(p.index) + ": sectors " +
                         std::to_string(p.first_lba) + "+" + std::to_string(p.sectors) +
                         " extend beyond the end of the image");
    }
  }
  std::vector<ImageTree> trees;
  for (Namespace ns : v.namespaces) {
    auto t = reader.ReadTree(ns);
    if (!t) {
      problems.push_back(std::string(NamespaceName(ns)) + ": " + t.error().ToString());
      continue;
    }
    for (const std::string& w : t->warnings)
      problems.push_back(std::string(NamespaceName(ns)) + ": " + w);
    CheckExtents(device, *t, &problems);
    for (const VolumeDescriptorInfo& d : v.descriptors) {
      const bool iso = ns == Namespace::kIso9660 && d.kind == "primary";
      const bool joliet = ns == Namespace::kJoliet && d.kind == "joliet";
      if ((iso || joliet) && !t->directory_extents.empty()) {
        CheckIsoStructures(device, d, *t, &problems);
        CheckVolumeSpace(d, *t, &problems);
      }
    }
    trees.push_back(std::move(*t));
  }
  // Bridged file systems: the same path must hold the same data.
  std::vector<const ImageTree*> named;
  for (const ImageTree& t : trees) {
    if (t.ns != Namespace::kIso9660) named.push_back(&t);
  }
  if (named.size() > 1) {
    std::vector<std::unordered_map<std::string, NodeId>> maps(named.size());
    for (std::size_t i = 0; i < named.size(); ++i) Index(*named[i], &maps[i]);
    for (std::size_t i = 1; i < named.size(); ++i) {
      for (const auto& [path, x] : maps[0]) {
        if (problems.size() >= kMaxProblems) break;
        auto it = maps[i].find(path);
        if (it == maps[i].end()) continue;
        const ImageTree& a = *named[0];
        const ImageTree& b = *named[i];
        const std::uint64_t sa = a.tree.content(x).size, sb = b.tree.content(it->second).size;
        const std::string pair =
            std::string(NamespaceName(a.ns)) + "/" + std::string(NamespaceName(b.ns));
        if (sa != sb) {
          problems.push_back(pair + ": " + path + ": sizes differ (" + std::to_string(sa) +
                             " and " + std::to_string(sb) + " bytes)");
          continue;
        }
        bool same = false;
        auto status = SameBytes(device, a, x, b, it->second, &same);
        if (!status) {
          problems.push_back(pair + ": " + path + ": " + status.error().ToString());
        } else if (!same) {
          problems.push_back(pair + ": " + path + ": contents differ");
        }
      }
    }
  }
  if (problems.size() > kMaxProblems) problems.resize(kMaxProblems);
  return problems;
}

}  // namespace fs
