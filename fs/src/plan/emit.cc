// Emit(): writes a planned image in strict LBA order (specs/architecture.md, the plan/emit
// contract; the libisofs rule that no writer may go past its plan). Each section must append
// exactly the blocks it was given, and the image must end exactly at the planned total, which the
// sink is told as its limit; anything else is a bug and aborts. Failures of the sink or of
// host files are returned as errors, and the caller then does not commit the sink.
#include "base/error.h"
#include "fs/image_builder.h"
#include "plan/image_layout.h"
#include "plan/section.h"

namespace fs {

base::Status Emit(const Layout& layout, base::BlockSink& sink, const ProgressFn& progress) {
  const auto* image = dynamic_cast<const plan::ImageLayout*>(&layout);
  CHECK(image != nullptr);
  CHECK(sink.position() == 0);
  sink.set_limit(layout.total_bytes());
  const plan::ImagePlan& p = image->plan();
  plan::EmitContext context(sink, progress, layout.total_bytes());
  for (const auto& section : image->writers()) {
    const std::uint64_t start = sink.position();
    CHECK(start == (section->lba() - p.start_lba) * base::kBlockSize);
    RETURN_IF_ERROR(section->Write(p, context));
    CHECK(sink.position() - start == section->blocks() * base::kBlockSize);
  }
  CHECK(sink.position() == layout.total_bytes());
  return context.Progress();
}

namespace plan {

base::Status EmitContext::Progress() {
  if (progress_ && !progress_(sink_.position(), total_bytes_)) {
    return base::Error(base::ErrorCode::kCancelled, "", "cancelled");
  }
  return base::Ok();
}

void SectorStream::Add(std::span<const std::uint8_t> record) {
  CHECK(record.size() <= base::kBlockSize);
  const std::uint64_t in_sector = (flushed_ + buffer_.size()) % base::kBlockSize;
  if (in_sector + record.size() > base::kBlockSize) {
    buffer_.resize(buffer_.size() + (base::kBlockSize - in_sector), 0);
  }
  buffer_.insert(buffer_.end(), record.begin(), record.end());
  if (buffer_.size() >= kChunk) {
    if (status_) status_ = sink_.Write(buffer_);
    flushed_ += buffer_.size();
    buffer_.clear();
  }
}

base::Expected<std::uint64_t> SectorStream::Finish() {
  const std::uint64_t in_sector = (flushed_ + buffer_.size()) % base::kBlockSize;
  if (in_sector != 0) buffer_.resize(buffer_.size() + (base::kBlockSize - in_sector), 0);
  if (status_ && !buffer_.empty()) status_ = sink_.Write(buffer_);
  flushed_ += buffer_.size();
  buffer_.clear();
  if (!status_) return status_.error();
  return flushed_;
}

}  // namespace plan
}  // namespace fs
