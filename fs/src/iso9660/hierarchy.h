// A directory hierarchy recorded with ECMA-119 structures: the ISO 9660 (+ Rock Ridge)
// tree and the Joliet tree each have one (ECMA-119 6.8, 9.1, 9.4; Joliet 1995). It holds
// the directories in path table order (9.4.4), each directory's children in recorded
// order (9.3), and where the directories and path tables were placed. The names are the
// owning planner's (iso_plan.h, joliet/joliet_plan.h).
#ifndef MKIMG_FS_ISO9660_HIERARCHY_H_
#define MKIMG_FS_ISO9660_HIERARCHY_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"
#include "fs/tree.h"
#include "iso9660/iso9660_format.h"
#include "plan/image_plan.h"

namespace fs::iso9660 {

inline constexpr std::uint32_t kNoDirectory = 0xFFFFFFFFu;

struct Directory {
  NodeId node = kNoNode;
  NodeId parent = kNoNode;  // the parent in this hierarchy (ISO: RR_MOVED if relocated)
  std::uint32_t first = 0;  // children, in Hierarchy::children
  std::uint32_t count = 0;
  std::uint32_t lba = 0;
  std::uint32_t blocks = 0;
  std::uint32_t links = 2;   // RRIP PX link count: 2 + subdirectories
  std::uint16_t number = 0;  // path table directory number (ECMA-119 9.4.4)
};

struct PathTableLocation {
  std::uint32_t size = 0;  // bytes (ECMA-119 8.4.14)
  std::uint32_t l_lba = 0;
  std::uint32_t m_lba = 0;
};

// Number of directory records of a file of `size` bytes: one, or for files over 4 GiB
// (level 3) one per extent of at most 0xFFFFF800 bytes (ECMA-119 9.1.6 bit 7).
std::uint32_t ExtentCount(std::uint64_t size);
// Data length of section i of a file of `size` bytes.
std::uint32_t ExtentLength(std::uint64_t size, std::uint32_t i);

class Hierarchy {
 public:
  std::vector<Directory> dirs;
  std::vector<std::uint32_t> order;  // dirs indices in path table order
  std::vector<NodeId> children;      // per directory, in ECMA-119 9.3 order
  std::vector<std::uint32_t> index;  // by NodeId: the dirs index, or kNoDirectory
  PathTableLocation path_table;

  std::uint32_t AddDirectory(NodeId node, NodeId parent) {
    if (index.size() <= node) index.resize(node + 1, kNoDirectory);
    dirs.push_back(Directory{node, parent});
    index[node] = static_cast<std::uint32_t>(dirs.size() - 1);
    return index[node];
  }
  const Directory& dir_of(NodeId node) const { return dirs[index[node]]; }
  Directory& dir_of(NodeId node) { return dirs[index[node]]; }
  const Directory& root() const { return dir_of(kRootNode); }
  std::span<const NodeId> children_of(const Directory& d) const {
    return std::span<const NodeId>(children).subspan(d.first, d.count);
  }
  // Adds the root and every directory file system `fs` shows, depth first; returns their
  // dirs indices in that order (names are resolved per directory, so the order only
  // decides where the names lie in their arena).
  std::vector<std::uint32_t> AddVisibleDirectories(const plan::ImagePlan& plan,
                                                   plan::FileSystemId fs);
  // Numbers the directories in path table order (ECMA-119 9.4.4: breadth first over the
  // children as recorded), skipping the children `skip(dir, child)` names; fills `order`.
  // kInvalidInput naming `what` past 65,535 directories.
  template <typename Skip>
  base::Status Number(const Tree& tree, std::string_view what, Skip skip);
  void SetChildren(std::uint32_t dir, const std::vector<NodeId>& list) {
    dirs[dir].first = static_cast<std::uint32_t>(children.size());
    dirs[dir].count = static_cast<std::uint32_t>(list.size());
    children.insert(children.end(), list.begin(), list.end());
  }
};

template <typename Skip>
base::Status Hierarchy::Number(const Tree& tree, std::string_view what, Skip skip) {
  order.assign(1, index[kRootNode]);
  for (std::size_t qi = 0; qi < order.size(); ++qi) {
    Directory& d = dirs[order[qi]];
    if (qi >= kMaxDirectories) {
      return base::InvalidInput(
          tree.Path(d.node),
          "more than 65535 directories: " + std::string(what) + " path tables cannot number them");
    }
    d.number = static_cast<std::uint16_t>(qi + 1);
    for (NodeId c : children_of(d)) {
      if (tree.node(c).type == NodeType::kDirectory && !skip(d.node, c)) {
        order.push_back(index[c]);
      }
    }
  }
  return base::Ok();
}

// 10^digits, for the numbered names that make identifiers unique.
constexpr std::uint32_t Pow10(int digits) {
  std::uint32_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_HIERARCHY_H_
