// The Joliet file system's planner and plan (Joliet 1995; specs/joliet.md): which nodes
// the Joliet hierarchy shows, their UCS-2 names (3.1) made unique per directory, the path
// table numbering, and the sections it writes: its supplementary volume descriptor with
// the level 3 escape sequence, its L and M path tables and its directories. The directory
// records reuse ECMA-119's (iso9660/hierarchy_sections.h); the file data is the neutral
// plan's, shared with every other file system.
#ifndef MKIMG_FS_JOLIET_JOLIET_PLAN_H_
#define MKIMG_FS_JOLIET_JOLIET_PLAN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iso9660/hierarchy.h"
#include "iso9660/hierarchy_sections.h"
#include "plan/file_system.h"

namespace fs::joliet {

class JolietPlanner final : public plan::FileSystemPlanner, public iso9660::HierarchyOwner {
 public:
  explicit JolietPlanner(const JolietOptions& options);

  plan::FileSystemId id() const override { return plan::FileSystemId::kJoliet; }
  base::Expected<bool> Accepts(const Tree& tree, NodeId node, std::string* why) const override;
  base::Status Plan(plan::ImagePlan& plan, const DiagnosticSink& diagnostics) override;
  void AppendFiles(const plan::ImagePlan& plan, std::vector<NodeId>* files) const override;
  void Finish(const plan::ImagePlan&) override {}
  void AddSections(const plan::ImagePlan& plan, plan::Placement& placement) override;

  const iso9660::Hierarchy& hierarchy() const override { return hierarchy_; }
  iso9660::Hierarchy& mutable_hierarchy() override { return hierarchy_; }
  void PathTableIdentifier(const iso9660::Directory& d,
                           std::vector<std::uint8_t>* id) const override;
  std::uint16_t PathTableParent(const iso9660::Directory& d) const override;
  void DescribeVolume(const plan::ImagePlan& plan,
                      iso9660::VolumeDescriptorFields* f) const override;

  // The UCS-2 name of a node, without version.
  std::u16string_view name(NodeId id) const {
    return std::u16string_view(names_).substr(name_[id].offset, name_[id].length);
  }

 private:
  struct NameRef {
    std::uint32_t offset = 0;
    std::uint8_t length = 0;
  };
  void SetName(NodeId id, std::u16string_view name);
  void BuildDirectory(std::uint32_t index, const plan::ImagePlan& plan,
                      const DiagnosticSink& diagnostics);
  base::Status NumberDirectories(const Tree& tree);

  std::size_t max_length_;
  bool fold_case_;  // names unique ignoring case (JolietOptions::case_insensitive)
  iso9660::Hierarchy hierarchy_;
  std::u16string names_;
  std::vector<NameRef> name_;  // by NodeId
};

}  // namespace fs::joliet

#endif  // MKIMG_FS_JOLIET_JOLIET_PLAN_H_
