// The planned image (specs/layout.md): what the planner decided about every node of the
// tree (its ISO 9660 and Joliet names, its place in each directory hierarchy, its extent)
// and where every section lies. Built once by the planner, then read-only: the emitter
// computes directory records from it on the fly, so per-file state stays small (NodePlan
// is 24 bytes; names live in two pooled arenas).
#ifndef MKIMG_FS_LAYOUT_IMAGE_MODEL_H_
#define MKIMG_FS_LAYOUT_IMAGE_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_spec.h"
#include "fs/tree.h"

namespace fs::layout {

enum NodePlanFlags : std::uint8_t {
  kInIso = 0x01,      // in the ISO 9660 (and Rock Ridge) hierarchy
  kInJoliet = 0x02,   // in the Joliet hierarchy
  kRelocated = 0x04,  // a directory moved to RR_MOVED (RRIP 4.1.5)
};

struct NodePlan {
  std::uint32_t iso_name = 0;     // offset in ImageModel::iso_names
  std::uint32_t joliet_name = 0;  // offset in ImageModel::joliet_names
  // Files: LBA of the first block of data (0 for empty files). Directories: index into
  // ImageModel::dirs.
  std::uint32_t extent = 0;
  // Files: the node whose data this file shares (itself unless hard-linked).
  NodeId link = kNoNode;
  // RRIP PX file serial number: the position in the ISO hierarchy's path table order, so
  // that it does not depend on the order in which the tree was built.
  std::uint32_t serial = 0;
  std::uint8_t iso_name_length = 0;
  std::uint8_t joliet_name_length = 0;
  std::uint8_t flags = 0;
};

struct DirPlan {
  NodeId node = kNoNode;
  NodeId iso_parent = kNoNode;  // parent in the ISO hierarchy (RR_MOVED if relocated)
  std::uint32_t iso_first = 0;  // children, in ImageModel::iso_children
  std::uint32_t iso_count = 0;
  std::uint32_t joliet_first = 0;
  std::uint32_t joliet_count = 0;
  std::uint32_t iso_lba = 0;
  std::uint32_t iso_blocks = 0;
  std::uint32_t joliet_lba = 0;
  std::uint32_t joliet_blocks = 0;
  std::uint32_t links = 2;       // RRIP PX link count: 2 + subdirectories
  std::uint16_t iso_number = 0;  // path table directory number (ECMA-119 9.4.4)
  std::uint16_t joliet_number = 0;
};

struct ImageModel {
  ImageSpec spec;
  std::uint32_t start_lba = 0;  // first LBA of this session (multisession appends)
  bool rock_ridge = false;
  bool joliet = false;
  int level = 3;
  std::size_t joliet_max_length = 64;

  std::vector<NodePlan> nodes;  // by NodeId
  std::vector<DirPlan> dirs;
  std::vector<std::uint32_t> iso_order;     // dirs indices, path table order
  std::vector<std::uint32_t> joliet_order;  // dirs indices, path table order
  std::vector<NodeId> iso_children;         // per directory, in ECMA-119 9.3 order
  std::vector<NodeId> joliet_children;
  std::string iso_names;        // identifiers without version
  std::u16string joliet_names;  // UCS-2, without version
  // Names of relocated directories inside RR_MOVED (their placeholder keeps the other).
  std::unordered_map<NodeId, std::pair<std::uint32_t, std::uint8_t>> relocated_names;
  NodeId rr_moved = kNoNode;
  // RRIP link counts of hard-linked files, by the node that owns the data.
  std::unordered_map<NodeId, std::uint32_t> file_links;
  // Files whose data is written, in LBA order (each hard-linked set once).
  std::vector<NodeId> data_order;

  // Section placement, filled by the section writers' ComputeBlocks.
  std::uint32_t iso_path_table_size = 0;
  std::uint32_t iso_l_path_table = 0;
  std::uint32_t iso_m_path_table = 0;
  std::uint32_t joliet_path_table_size = 0;
  std::uint32_t joliet_l_path_table = 0;
  std::uint32_t joliet_m_path_table = 0;
  std::uint32_t continuation_lba = 0;
  std::uint32_t continuation_blocks = 0;
  // ISO directories (dirs indices, in iso_order) with at least one continuation area, so
  // that the continuation section re-encodes only those.
  std::vector<std::uint32_t> continuation_dirs;
  std::uint64_t total_blocks = 0;  // of this session

  const Tree& tree() const { return spec.tree; }
  const DirPlan& dir_of(NodeId id) const { return dirs[nodes[id].extent]; }
  std::string_view iso_name(NodeId id) const {
    return std::string_view(iso_names).substr(nodes[id].iso_name, nodes[id].iso_name_length);
  }
  std::string_view relocated_name(NodeId id) const {
    auto [offset, length] = relocated_names.at(id);
    return std::string_view(iso_names).substr(offset, length);
  }
  std::u16string_view joliet_name(NodeId id) const {
    return std::u16string_view(joliet_names)
        .substr(nodes[id].joliet_name, nodes[id].joliet_name_length);
  }
  std::uint32_t file_links_of(NodeId owner) const {
    auto it = file_links.find(owner);
    return it == file_links.end() ? 1 : it->second;
  }
  // A child entry of ISO directory `dir` that stands for a relocated directory
  // (RRIP 4.1.5.1: a file record with CL).
  bool IsPlaceholder(NodeId dir, NodeId child) const {
    return (nodes[child].flags & kRelocated) != 0 && dir != rr_moved;
  }
};

// Number of directory records of a file of `size` bytes: one, or for files over 4 GiB
// (level 3) one per extent of at most 0xFFFFF800 bytes (ECMA-119 9.1.6 bit 7).
std::uint32_t ExtentCount(std::uint64_t size);
// Data length of section i of a file of `size` bytes.
std::uint32_t ExtentLength(std::uint64_t size, std::uint32_t i);
using base::BlocksFor;

}  // namespace fs::layout

#endif  // MKIMG_FS_LAYOUT_IMAGE_MODEL_H_
