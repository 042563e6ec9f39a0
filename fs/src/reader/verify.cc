// `mkimg verify`: structural checks of every file system of an image (specs/readers.md).
// Each namespace is read in full (so every directory record, SUSP area, descriptor tag
// checksum and CRC is checked by the readers), then: every extent must lie inside the
// image; no two extents may partly overlap (identical extents are shared data, as
// hard links and bridged file systems have); directories and file data must not overlap;
// the same path in Rock Ridge, Joliet and UDF must have the same size and the same bytes;
// boot images and partitions must lie inside the image; the ISO 9660 volume space size
// must not exceed the image.
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
