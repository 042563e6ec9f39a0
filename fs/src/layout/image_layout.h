// The Layout that Plan() returns for an ISO 9660 / Rock Ridge / Joliet image: the
// ImageModel plus the ordered section writers that were placed over it. Emit() walks the
// sections in order.
#ifndef MKIMG_FS_LAYOUT_IMAGE_LAYOUT_H_
#define MKIMG_FS_LAYOUT_IMAGE_LAYOUT_H_

#include <memory>
#include <vector>

#include "emit/section.h"
#include "fs/image_builder.h"
#include "layout/image_model.h"

namespace fs::layout {

class ImageLayout final : public Layout {
 public:
  ImageLayout(std::unique_ptr<ImageModel> model,
              std::vector<std::unique_ptr<emit::Section>> sections)
      : model_(std::move(model)), sections_(std::move(sections)) {}

  std::uint64_t total_blocks() const override { return model_->total_blocks; }
  std::vector<SectionInfo> sections() const override;

  const ImageModel& model() const { return *model_; }
  const std::vector<std::unique_ptr<emit::Section>>& writers() const { return sections_; }

 private:
  std::unique_ptr<ImageModel> model_;
  std::vector<std::unique_ptr<emit::Section>> sections_;
};

// Plans an image whose first block is `start_lba` (0, or the start of an appended
// session). Plan() calls it with 0.
base::Expected<std::unique_ptr<ImageLayout>> PlanImage(ImageSpec spec, std::uint32_t start_lba,
                                                       const DiagnosticSink& diagnostics);

}  // namespace fs::layout

#endif  // MKIMG_FS_LAYOUT_IMAGE_LAYOUT_H_
