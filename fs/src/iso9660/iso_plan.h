// The ISO 9660 (+ Rock Ridge) file system's planner and plan (specs/layout.md): which
// nodes the ISO hierarchy shows, their d-character names (ECMA-119 7.5, 7.6, 9.3) made
// unique per directory, directories nested deeper than ECMA-119 6.8.2.1 allows moved to
// RR_MOVED (RRIP 4.1.5), the path table numbering (9.4), RRIP link counts and file serial
// numbers, and the sections it writes: the primary volume descriptor, its path tables,
// its directories and the Rock Ridge continuation areas.
#ifndef MKIMG_FS_ISO9660_ISO_PLAN_H_
#define MKIMG_FS_ISO9660_ISO_PLAN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "iso9660/hierarchy.h"
#include "iso9660/hierarchy_sections.h"
#include "plan/file_system.h"

namespace fs::iso9660 {

class IsoPlanner final : public plan::FileSystemPlanner, public HierarchyOwner {
 public:
  explicit IsoPlanner(const Iso9660Options& options);

  plan::FileSystemId id() const override { return plan::FileSystemId::kIso9660; }
  base::Expected<bool> Accepts(const Tree& tree, NodeId node, std::string* why) const override;
  base::Status Plan(plan::ImagePlan& plan, const DiagnosticSink& diagnostics) override;
  void AppendFiles(const plan::ImagePlan& plan, std::vector<NodeId>* files) const override;
  void Finish(const plan::ImagePlan& plan) override;
  void AddSections(const plan::ImagePlan& plan, plan::Placement& placement) override;

  // --- the plan, read by the sections ---
  bool rock_ridge() const { return rock_ridge_; }
  int level() const { return level_; }
  const Hierarchy& hierarchy() const override { return hierarchy_; }
  Hierarchy& mutable_hierarchy() override { return hierarchy_; }
  void PathTableIdentifier(const Directory& d, std::vector<std::uint8_t>* id) const override;
  std::uint16_t PathTableParent(const Directory& d) const override;
  void DescribeVolume(const plan::ImagePlan& plan, VolumeDescriptorFields* f) const override;
  std::string_view name(NodeId id) const {
    return std::string_view(names_).substr(name_[id].offset, name_[id].length);
  }
  // The name of a relocated directory inside RR_MOVED (its placeholder keeps name()).
  std::string_view relocated_name(NodeId id) const {
    const NameRef& r = relocated_names_.at(id);
    return std::string_view(names_).substr(r.offset, r.length);
  }
  bool relocated(NodeId id) const { return name_[id].relocated; }
  NodeId rr_moved() const { return rr_moved_; }
  // A child entry of directory `dir` that stands for a relocated directory (RRIP 4.1.5.1:
  // a file record with CL).
  bool IsPlaceholder(NodeId dir, NodeId child) const {
    return name_[child].relocated && dir != rr_moved_;
  }
  // RRIP PX file serial number: the position in path table order, so that it does not
  // depend on the order in which the tree was built.
  std::uint32_t serial(NodeId id) const { return serial_[id]; }
  // RRIP PX link count of a file whose data extent is `extent`.
  std::uint32_t file_links(std::uint32_t extent) const {
    auto it = file_links_.find(extent);
    return it == file_links_.end() ? 1 : it->second;
  }

  // Continuation areas (SUSP 5.1), placed by the continuation section.
  std::uint32_t continuation_lba = 0;
  std::uint32_t continuation_blocks = 0;
  // Directories (dirs indices, in path table order) with a continuation area, so that the
  // continuation section re-encodes only those.
  std::vector<std::uint32_t> continuation_dirs;

 private:
  struct NameRef {
    std::uint32_t offset = 0;
    std::uint8_t length = 0;
    bool relocated = false;  // a directory moved to RR_MOVED (RRIP 4.1.5)
  };
  void SetName(NodeId id, std::string_view name);
  bool IsFile(NodeId id) const;
  template <typename Get, typename Set>
  void Resolve(std::vector<NodeId>* children, Get get, Set set);
  void BuildDirectory(std::uint32_t index);
  base::Status Relocate();
  void CreateRelocationDirectory();
  void FinishRelocation(std::vector<NodeId> moved);
  base::Status NumberDirectories();
  void CountDirectoryLinks();
  void AssignSerialNumbers();

  Iso9660Options options_;
  bool rock_ridge_;
  int level_;
  plan::ImagePlan* plan_ = nullptr;  // during Plan()
  Hierarchy hierarchy_;
  std::string names_;                  // identifiers without version
  std::vector<NameRef> name_;          // by NodeId
  std::vector<std::uint32_t> serial_;  // by NodeId
  std::unordered_map<NodeId, NameRef> relocated_names_;
  NodeId rr_moved_ = kNoNode;
  std::unordered_map<std::uint32_t, std::uint32_t> file_links_;  // by data extent
};

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_ISO_PLAN_H_
