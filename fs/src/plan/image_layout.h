// The Layout that Plan() returns: the neutral ImagePlan, the planners of the file systems
// it carries (their sections read them) and the placed sections in LBA order. Emit()
// walks the sections in order.
#ifndef MKIMG_FS_PLAN_IMAGE_LAYOUT_H_
#define MKIMG_FS_PLAN_IMAGE_LAYOUT_H_

#include <memory>
#include <vector>

#include "fs/image_builder.h"
#include "plan/file_system.h"
#include "plan/image_plan.h"
#include "plan/section.h"

namespace fs::plan {

class ImageLayout final : public Layout {
 public:
  ImageLayout(std::unique_ptr<ImagePlan> plan,
              std::vector<std::unique_ptr<FileSystemPlanner>> file_systems,
              std::vector<std::unique_ptr<Section>> sections)
      : plan_(std::move(plan)),
        file_systems_(std::move(file_systems)),
        sections_(std::move(sections)) {}

  std::uint64_t total_blocks() const override { return plan_->total_blocks; }
  std::uint64_t alignment_padding_blocks() const override {
    return plan_->alignment_padding_blocks;
  }
  std::vector<SectionInfo> sections() const override;

  const ImagePlan& plan() const { return *plan_; }
  const std::vector<std::unique_ptr<Section>>& writers() const { return sections_; }

 private:
  std::unique_ptr<ImagePlan> plan_;
  std::vector<std::unique_ptr<FileSystemPlanner>> file_systems_;
  std::vector<std::unique_ptr<Section>> sections_;
};

// The planners of the file systems `spec` asks for, in the order ISO 9660, Joliet, UDF.
// kInvalidInput/kUnsupported for a combination or option that cannot be written.
base::Expected<std::vector<std::unique_ptr<FileSystemPlanner>>> MakeFileSystems(
    const ImageSpec& spec);

// Plans an image of the given file systems (at least one; any mix, ISO 9660 or not) whose
// first block is `start_lba`.
base::Expected<std::unique_ptr<ImageLayout>> PlanWith(
    ImageSpec spec, std::uint32_t start_lba,
    std::vector<std::unique_ptr<FileSystemPlanner>> file_systems,
    const DiagnosticSink& diagnostics);

// Plans an image whose first block is `start_lba` (0, or the start of an appended
// session): MakeFileSystems, then PlanWith. Plan() calls it with 0.
base::Expected<std::unique_ptr<ImageLayout>> PlanImage(ImageSpec spec, std::uint32_t start_lba,
                                                       const DiagnosticSink& diagnostics);

// The file data section (content/file_data.cc): every data extent of plan.data_order.
std::unique_ptr<Section> MakeFileDataSection();

}  // namespace fs::plan

#endif  // MKIMG_FS_PLAN_IMAGE_LAYOUT_H_
