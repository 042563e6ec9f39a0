// Emit(): writes a planned image in strict LBA order (DESIGN.md "plan, then emit"; the
// libisofs rule that no writer may go past its plan). Each section must append exactly the
// blocks it was given, and the image must end exactly at the planned total; anything else
// is a bug and aborts. Failures of the sink or of host files are returned as errors, and
// the caller then does not commit the sink.
#include "base/error.h"
#include "emit/section.h"
#include "fs/image_builder.h"
#include "layout/image_layout.h"

namespace fs {

base::Status Emit(const Layout& layout, base::BlockSink& sink, const ProgressFn& progress) {
  const auto* image = dynamic_cast<const layout::ImageLayout*>(&layout);
  CHECK(image != nullptr);
  CHECK(sink.position() == 0);
  sink.set_limit(layout.total_bytes());
  const layout::ImageModel& model = image->model();
  emit::EmitContext context(sink, progress, layout.total_bytes());
  for (const auto& section : image->writers()) {
    const std::uint64_t start = sink.position();
    CHECK(start == (section->lba() - model.start_lba) * base::kBlockSize);
    RETURN_IF_ERROR(section->Write(model, context));
    CHECK(sink.position() - start == section->blocks() * base::kBlockSize);
  }
  CHECK(sink.position() == layout.total_bytes());
  return context.Progress();
}

}  // namespace fs
