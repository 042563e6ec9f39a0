// The sections that every ECMA-119 hierarchy writes the same way, whichever planner owns
// it (the ISO 9660 tree, the Joliet tree): its volume descriptor (ECMA-119 8.4 primary,
// 8.5 supplementary), its type L and type M path tables (9.4, 6.9), and the directory
// records of its files, one per extent (9.1, 9.1.6 multi-extent).
#ifndef MKIMG_FS_ISO9660_HIERARCHY_SECTIONS_H_
#define MKIMG_FS_ISO9660_HIERARCHY_SECTIONS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "iso9660/encode.h"
#include "iso9660/hierarchy.h"
#include "plan/image_plan.h"
#include "plan/section.h"

namespace fs::iso9660 {

// What the shared sections need of the planner that owns a hierarchy.
class HierarchyOwner {
 public:
  virtual ~HierarchyOwner() = default;
  virtual const Hierarchy& hierarchy() const = 0;
  virtual Hierarchy& mutable_hierarchy() = 0;
  // The identifier of `d` in the path table (9.4.5); the root's is one 0 byte.
  virtual void PathTableIdentifier(const Directory& d, std::vector<std::uint8_t>* id) const = 0;
  // The number of the parent of `d` in the path table (9.4.4).
  virtual std::uint16_t PathTableParent(const Directory& d) const = 0;
  // The descriptor's identifiers and type; the sections fill in sizes and locations.
  virtual void DescribeVolume(const plan::ImagePlan& plan, VolumeDescriptorFields* f) const = 0;
};

std::unique_ptr<plan::Section> MakeVolumeDescriptorSection(const HierarchyOwner& owner,
                                                           std::string name);
std::unique_ptr<plan::Section> MakePathTableSection(HierarchyOwner& owner, PathTableType type,
                                                    std::string name);
// The volume descriptor set terminator (8.3).
std::unique_ptr<plan::Section> MakeTerminatorSection();

// Calls fn(fields) for each directory record of a file: one, or one per extent of a
// multi-extent file (9.1.6 bit 7), all pointing into its one data extent.
template <typename Fn>
void ForEachFileSection(const plan::ImagePlan& plan, NodeId file, Fn fn) {
  const Tree& tree = plan.tree();
  const std::uint64_t size = tree.content(file).size;
  const std::uint32_t count = ExtentCount(size);
  const std::uint32_t first = plan.extent_of(file).lba;
  for (std::uint32_t i = 0; i < count; ++i) {
    DirectoryRecordFields f;
    f.extent_location =
        size == 0 ? 0 : first + static_cast<std::uint32_t>(i * (kMaxExtentBytes / 2048));
    f.data_length = ExtentLength(size, i);
    f.recording_date = tree.node(file).mtime;
    f.file_flags = static_cast<std::uint8_t>(i + 1 < count ? kFlagMultiExtent : 0);
    fn(f);
  }
}

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_HIERARCHY_SECTIONS_H_
