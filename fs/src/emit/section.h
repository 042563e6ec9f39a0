// The writers of the image, one per region (libisofs's IsoImageWriter idea, DESIGN.md
// "plan, then emit"): each has a compute-blocks stage, run by the planner in LBA order,
// that places the section and whatever lies inside it in the ImageModel, and a write stage,
// run by Emit in the same order, that appends exactly the planned blocks to the sink.
// The volume descriptor set and the section list are ordered lists, so an El Torito boot
// record, UDF's volume recognition sequence or a boot catalog become further sections.
#ifndef MKIMG_FS_EMIT_SECTION_H_
#define MKIMG_FS_EMIT_SECTION_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "fs/image_builder.h"
#include "layout/image_model.h"

namespace fs::emit {

// State shared by the sections while an image is written.
class EmitContext {
 public:
  EmitContext(base::BlockSink& sink, const ProgressFn& progress, std::uint64_t total_bytes)
      : sink_(sink), progress_(progress), total_bytes_(total_bytes) {}
  base::BlockSink& sink() { return sink_; }
  // Reports the sink's position; fails with kCancelled if the callback says stop.
  base::Status Progress();

 private:
  base::BlockSink& sink_;
  const ProgressFn& progress_;
  std::uint64_t total_bytes_;
};

class Section {
 public:
  explicit Section(std::string name) : name_(std::move(name)) {}
  virtual ~Section() = default;
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;

  const std::string& name() const { return name_; }
  std::uint64_t lba() const { return lba_; }
  std::uint64_t blocks() const { return blocks_; }

  // Compute stage: places the section at `lba` and returns its size in blocks.
  base::Expected<std::uint64_t> Place(layout::ImageModel& model, std::uint64_t lba) {
    lba_ = lba;
    auto blocks = ComputeBlocks(model, lba);
    if (blocks) blocks_ = *blocks;
    return blocks;
  }
  // Write stage: appends exactly blocks() * 2048 bytes (Emit checks it).
  virtual base::Status Write(const layout::ImageModel& model, EmitContext& context) const = 0;

 protected:
  virtual base::Expected<std::uint64_t> ComputeBlocks(layout::ImageModel& model,
                                                      std::uint64_t lba) = 0;

 private:
  std::string name_;
  std::uint64_t lba_ = 0;
  std::uint64_t blocks_ = 0;
};

// The sections of an ISO 9660 (+ Rock Ridge, + Joliet) image, in LBA order
// (specs/layout.md).
std::vector<std::unique_ptr<Section>> MakeSections(const layout::ImageModel& model);
// The file data section (file_data.cc): every file's extent, each hard-linked set once.
std::unique_ptr<Section> MakeFileDataSection();

// Writes records into 2048-byte sectors without splitting one across a sector boundary
// (ECMA-119 6.8.1.1), flushing to the sink in large chunks. Errors are sticky.
class SectorStream {
 public:
  explicit SectorStream(base::BlockSink& sink) : sink_(sink) { buffer_.reserve(kChunk + 2048); }
  void Add(std::span<const std::uint8_t> record);
  // Pads to the end of the sector and flushes; returns the bytes written since creation.
  base::Expected<std::uint64_t> Finish();

 private:
  static constexpr std::size_t kChunk = 256 * 1024;
  base::BlockSink& sink_;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t flushed_ = 0;
  base::Status status_;
};

// Counts sectors the same way SectorStream fills them.
class SectorCounter {
 public:
  void Add(std::size_t length) {
    if (bytes_ % 2048 + length > 2048) bytes_ += 2048 - bytes_ % 2048;
    bytes_ += length;
  }
  std::uint64_t blocks() const { return layout::BlocksFor(bytes_); }

 private:
  std::uint64_t bytes_ = 0;
};

}  // namespace fs::emit

#endif  // MKIMG_FS_EMIT_SECTION_H_
