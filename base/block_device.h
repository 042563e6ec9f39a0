// Random access to an image: a file (memory-mapped), bytes in memory, and — provided by
// the modules that know them — a virtual disc or a drive. Every read is checked against
// the device's size before a byte is touched; the readers of every format (fs/) read
// through this, and mmc/ can offer a drive as one without fs/ and mmc/ knowing each other
// (specs/architecture.md).
#ifndef MKIMG_BASE_BLOCK_DEVICE_H_
#define MKIMG_BASE_BLOCK_DEVICE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"

namespace base {

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  // Size in bytes.
  virtual std::uint64_t size() const = 0;
  // Reads out.size() bytes at byte `offset`. Returns kCorruptImage "LBA n: ... beyond the
  // end of the image" when the range is not wholly inside, kIo when the host fails.
  virtual Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
  // A zero-copy view of [offset, offset + length), valid while the device lives, for
  // memory-backed devices; an empty span when the device cannot give one (callers then
  // Read()). REQUIRES: the range is inside the device.
  virtual std::span<const std::uint8_t> View(std::uint64_t offset, std::uint64_t length) const;
  // Reads `count` kBlockSize blocks at `lba` into *out (resized).
  Status ReadBlocks(std::uint32_t lba, std::uint32_t count, std::vector<std::uint8_t>* out) const;
};

// Opens an image file read-only (memory-mapped). Errors name the host path.
Expected<std::unique_ptr<BlockDevice>> OpenImageFile(const std::string& path);
// A device over caller-owned bytes. REQUIRES: `bytes` outlives the device.
std::unique_ptr<BlockDevice> MemoryBlockDevice(std::span<const std::uint8_t> bytes);

// "LBA n", the WHERE of a message about block n.
std::string LbaWhere(std::uint64_t lba);

}  // namespace base

#endif  // MKIMG_BASE_BLOCK_DEVICE_H_
