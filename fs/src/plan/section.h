// The writers of an image, one per region (libisofs's IsoImageWriter idea; specs/layout.md
// and specs/architecture.md): each has a compute stage, run by Placement in LBA order,
// that learns its first block and returns its size, and a write stage, run by Emit in the
// same order, that appends exactly the planned blocks to the sink. A section belongs to a
// file system (or to the image as a whole) and reads that file system's plan, which it
// holds by reference; the neutral ImagePlan is passed to both stages.
#ifndef MKIMG_FS_PLAN_SECTION_H_
#define MKIMG_FS_PLAN_SECTION_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "fs/image_builder.h"
#include "plan/image_plan.h"

namespace fs::plan {

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

// Where appended sections go relative to each other, whatever file system adds them: the
// volume descriptor set, then each file system's tables, directories and metadata, then
// file data. Within a region, sections keep the order of the file systems (ISO 9660,
// Joliet, UDF) and the order each file system added them in.
enum class Region : std::uint8_t {
  kVolumeDescriptors,      // ECMA-119 8: primary, boot record, supplementary
  kDescriptorTerminator,   // ECMA-119 8.3
  kVolumeRecognition,      // ECMA-167 2/8.3: BEA01, NSR0x, TEA01
  kFileSystemDescriptors,  // UDF volume descriptor sequences, El Torito catalog
  kPathTables,             // ECMA-119 9.4
  kDirectories,            // ECMA-119 9.1; UDF FEs and FIDs
  kSystemUse,              // SUSP 5.1 continuation areas
  kFileData,               // the data extents of ImagePlan::data_order
  kTrailer,                // what follows the data (UDF reserve sequences)
};

class Section {
 public:
  Section(std::string name, Region region) : name_(std::move(name)), region_(region) {}
  virtual ~Section() = default;
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;

  const std::string& name() const { return name_; }
  Region region() const { return region_; }
  std::uint64_t lba() const { return lba_; }
  std::uint64_t blocks() const { return blocks_; }

  // Compute stage: places the section at `lba` and returns its size in blocks.
  // REQUIRES of ComputeBlocks: calling it again (at another LBA) recomputes from scratch.
  base::Expected<std::uint64_t> Place(ImagePlan& plan, std::uint64_t lba) {
    lba_ = lba;
    auto blocks = ComputeBlocks(plan, lba);
    if (blocks) blocks_ = *blocks;
    return blocks;
  }
  // Write stage: appends exactly blocks() * kBlockSize bytes (Emit checks it).
  virtual base::Status Write(const ImagePlan& plan, EmitContext& context) const = 0;

 protected:
  virtual base::Expected<std::uint64_t> ComputeBlocks(ImagePlan& plan, std::uint64_t lba) = 0;

 private:
  std::string name_;
  Region region_;
  std::uint64_t lba_ = 0;
  std::uint64_t blocks_ = 0;
};

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
    if (bytes_ % base::kBlockSize + length > base::kBlockSize) {
      bytes_ += base::kBlockSize - bytes_ % base::kBlockSize;
    }
    bytes_ += length;
  }
  std::uint64_t blocks() const { return base::BlocksFor(bytes_); }

 private:
  std::uint64_t bytes_ = 0;
};

}  // namespace fs::plan

#endif  // MKIMG_FS_PLAN_SECTION_H_
