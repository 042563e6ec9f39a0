// The interface each file system's planner implements (specs/architecture.md, "how to add
// a file system"). The neutral planner (plan/planner.cc) asks every enabled file system,
// in the order ISO 9660, Joliet, UDF, which nodes it shows, lets each name and arrange
// its own hierarchy, lays down the data extents once for all of them, and collects their
// sections into one Placement.
#ifndef MKIMG_FS_PLAN_FILE_SYSTEM_H_
#define MKIMG_FS_PLAN_FILE_SYSTEM_H_

#include <string>
#include <vector>

#include "base/error.h"
#include "fs/image_builder.h"
#include "plan/image_plan.h"
#include "plan/placement.h"

namespace fs::plan {

class FileSystemPlanner {
 public:
  virtual ~FileSystemPlanner() = default;
  virtual FileSystemId id() const = 0;

  // Visibility stage, for each node its parent shows in this file system and the manifest
  // does not hide from it: kInvalidInput if the node cannot be recorded at all; false
  // (with a warning in *why) if this file system leaves it out.
  virtual base::Expected<bool> Accepts(const Tree& tree, NodeId node, std::string* why) const = 0;
  // Names and hierarchy, after visibility. May add nodes to plan.spec.tree (RR_MOVED);
  // the caller then grows plan.nodes.
  virtual base::Status Plan(ImagePlan& plan, const DiagnosticSink& diagnostics) = 0;
  // Appends the files this file system shows, in its natural data order (the default data
  // order lays them down in this order, first file system first).
  virtual void AppendFiles(const ImagePlan& plan, std::vector<NodeId>* files) const = 0;
  // After the data extents are known (hard links grouped).
  virtual void Finish(const ImagePlan& plan) = 0;
  // Adds this file system's sections. The planner lives as long as the layout, so sections
  // may hold it by reference.
  virtual void AddSections(const ImagePlan& plan, Placement& placement) = 0;
};

}  // namespace fs::plan

#endif  // MKIMG_FS_PLAN_FILE_SYSTEM_H_
