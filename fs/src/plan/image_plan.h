// The file-system-neutral plan of an image (specs/architecture.md, "the plan/emit
// contract"): the tree as it goes into the image, which file systems show each node,
// exactly one data extent per piece of content however many file systems and hard links
// name it, and the order in which file data is laid down. Each file system keeps its own
// names, directories and descriptors in its own planner (iso9660/iso_plan.h,
// joliet/joliet_plan.h, and UDF's next to them); none of that is widened here.
#ifndef MKIMG_FS_PLAN_IMAGE_PLAN_H_
#define MKIMG_FS_PLAN_IMAGE_PLAN_H_

#include <cstdint>
#include <vector>

#include "base/block_sink.h"
#include "fs/image_spec.h"
#include "fs/tree.h"

namespace fs::plan {

// The file systems an image can carry, one bit each in NodeState::visible.
enum class FileSystemId : std::uint8_t { kIso9660 = 0, kJoliet = 1, kUdf = 2 };
constexpr std::uint8_t Bit(FileSystemId id) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(id));
}

inline constexpr std::uint32_t kNoExtent = 0xFFFFFFFFu;

// What the neutral plan knows of one node (8 bytes: a million files cost 8 MB here).
struct NodeState {
  std::uint32_t extent = kNoExtent;  // files: index into ImagePlan::extents
  std::uint8_t visible = 0;          // Bit(FileSystemId) of each file system showing it
};

// One piece of content written once: a file's bytes, shared by every file system and every
// hard link that names it.
struct DataExtent {
  NodeId owner = kNoNode;  // the node whose Content is written (the first of its links)
  std::uint32_t lba = 0;   // first block; 0 for empty content
};

struct ImagePlan {
  ImageSpec spec;
  // Blocks of zeros the data alignment added (specs/layout.md, "Data alignment").
  std::uint64_t alignment_padding_blocks = 0;
  std::uint32_t start_lba = 0;     // first LBA of this session (appended sessions: > 0)
  std::uint64_t total_blocks = 0;  // of this session, once placed
  // Once placed: the first block after the appended sections (file data, trailers), where
  // the zeros and the end-relative sections (UDF anchors, a backup GPT) begin.
  std::uint64_t trailer_lba = 0;
  std::vector<NodeState> nodes;  // by NodeId
  std::vector<DataExtent> extents;
  // Indices into `extents` of the non-empty ones, in the order their data is written.
  std::vector<std::uint32_t> data_order;

  const Tree& tree() const { return spec.tree; }
  bool Visible(NodeId id, FileSystemId fs) const { return (nodes[id].visible & Bit(fs)) != 0; }
  const DataExtent& extent_of(NodeId file) const { return extents[nodes[file].extent]; }
  const Content& content_of(const DataExtent& e) const { return tree().content(e.owner); }
  // Whether file `file` is the owner of its data extent or a hard link of it (the same
  // host device and inode), rather than another file whose equal content "dedupe" shares.
  bool LinkedToOwner(NodeId file) const {
    const NodeId owner = extent_of(file).owner;
    if (owner == file) return true;
    const Content& a = tree().content(file);
    const Content& b = tree().content(owner);
    return a.kind == ContentKind::kHostFile && b.kind == ContentKind::kHostFile && a.inode != 0 &&
           a.inode == b.inode && a.device == b.device;
  }
  // The last LBA + 1 of this session.
  std::uint64_t end_lba() const { return start_lba + total_blocks; }
};

}  // namespace fs::plan

#endif  // MKIMG_FS_PLAN_IMAGE_PLAN_H_
