// Helpers shared by the UDF writer's descriptor sections (udf_sections.cc) and its file
// structures (udf_file_structures.cc): identifiers, timestamps, tags and a block stream.
// Internal to fs/src/udf; the layout is in specs/udf.md.
#ifndef MKIMG_FS_UDF_UDF_WRITE_UTIL_H_
#define MKIMG_FS_UDF_UDF_WRITE_UTIL_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "fs/tree.h"
#include "udf/udf_format.h"
#include "udf/udf_plan.h"

namespace fs::udf {

std::uint32_t MaxExtentBytes();  // udf_planner.cc

inline constexpr std::uint32_t kBs = base::kBlockSize;
inline constexpr std::uint16_t kSerialNumber = 1;      // ECMA-167 3/7.2.5: one value for the volume
inline constexpr std::uint8_t kOsClassUnix = 4;        // UDF 2.60 6.3: OS class UNIX
inline constexpr std::uint8_t kOsIdentifierLinux = 5;  // OS identifier Linux

// UDF 2.1.5.3: an implementation identifier, its suffix the OS class and identifier.
inline Regid ImplementationId() {
  Regid r = Regid::Make("*mkimg");
  r.identifier_suffix.b[0] = kOsClassUnix;
  r.identifier_suffix.b[1] = kOsIdentifierLinux;
  return r;
}

// UDF 2.1.5.3: a UDF identifier ("*UDF LV Info", "*UDF Metadata Partition"), its suffix
// the revision, OS class and identifier.
inline Regid UdfId(std::string_view id, std::uint16_t revision) {
  Regid r = Regid::Make(id, revision);
  r.identifier_suffix.b[2] = kOsClassUnix;
  r.identifier_suffix.b[3] = kOsIdentifierLinux;
  return r;
}

// UDF 2.1.5.2: the domain identifier; its suffix the revision and no write-protect flags.
inline Regid DomainId(std::uint16_t revision) {
  return Regid::Make("*OSTA UDF Compliant", revision);
}

// ECMA-167 1/7.3 with UDF 2.1.4.1: type 1 (local time), the offset from UTC in minutes
// (0: the manifest's times are UTC).
udf::Timestamp UdfTime(const fs::Timestamp& t);

inline std::uint16_t TagVersion(const UdfPlanner& u) { return u.revision().nsr03 ? 3 : 2; }

inline void Finish(const UdfPlanner& u, std::span<std::uint8_t> d, std::uint16_t id,
                   std::uint32_t location, std::size_t length) {
  FinishTag(d.first(length), id, location, length - sizeof(Tag), TagVersion(u), kSerialNumber);
}

template <typename T>
inline void Put(std::span<std::uint8_t> block, std::size_t at, const T& value) {
  CHECK(at + sizeof value <= block.size());
  std::memcpy(block.data() + at, &value, sizeof value);
}

// Buffers whole blocks and hands them to the sink in large writes.
class BlockStream {
 public:
  explicit BlockStream(base::BlockSink& sink) : sink_(sink) {}
  std::span<std::uint8_t> NextBlock() {
    if (buffer_.size() >= kChunk) Flush();
    buffer_.resize(buffer_.size() + kBs, 0);
    return std::span<std::uint8_t>(buffer_.data() + buffer_.size() - kBs, kBs);
  }
  void Bytes(std::span<const std::uint8_t> bytes) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    buffer_.resize((buffer_.size() + kBs - 1) / kBs * kBs, 0);
    if (buffer_.size() >= kChunk) Flush();
  }
  void Zeros(std::uint64_t blocks) {
    Flush();
    if (status_ && blocks > 0) status_ = sink_.WriteZeros(blocks * kBs);
  }
  base::Status Finish() {
    Flush();
    return status_;
  }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  void Flush() {
    if (status_ && !buffer_.empty()) status_ = sink_.Write(buffer_);
    buffer_.clear();
  }
  base::BlockSink& sink_;
  std::vector<std::uint8_t> buffer_;
  base::Status status_;
};

// The file structure space (udf_plan.h): the FSD (4/14.1) and its terminating descriptor
// (4/14.2), every ICB, every directory's FIDs; file_structure_blocks() blocks.
void WriteFileStructures(const plan::ImagePlan& plan, const UdfPlanner& u, BlockStream& out);

// UDF 2.2.13: the entry of the metadata file (type 250) or its mirror (251), an extended
// file entry in the physical partition whose short_ad covers the metadata partition.
void EncodeMetadataEntry(const plan::ImagePlan& plan, const UdfPlanner& u, std::uint8_t file_type,
                         std::uint32_t location, std::uint32_t extent,
                         std::span<std::uint8_t> block);

}  // namespace fs::udf

#endif  // MKIMG_FS_UDF_UDF_WRITE_UTIL_H_
