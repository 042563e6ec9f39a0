// A virtual disc's user data as a base::BlockDevice, and its export into a sink
// (disc_device.h).
#include "emulator/disc_device.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "base/block_copy.h"

namespace emulator {
namespace {

constexpr std::uint64_t kSector = base::kBlockSize;

class DiscDevice : public base::BlockDevice {
 public:
  explicit DiscDevice(const VirtualDisc& disc)
      : disc_(disc), size_(std::uint64_t{disc.ReadableSectors()} * kSector) {}

  std::uint64_t size() const override { return size_; }

  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > size_ || out.size() > size_ - offset) {
      return base::CorruptImage(
          base::LbaWhere(offset / kSector),
          "read of " + std::to_string(out.size()) + " bytes beyond the end of the image");
    }
    if (out.empty()) return base::Ok();
    const std::uint64_t first = offset / kSector;
    const std::uint64_t last = (offset + out.size() - 1) / kSector;
    const auto count = static_cast<std::uint32_t>(last - first + 1);
    if (offset % kSector == 0 && out.size() % kSector == 0) {
      return Named(disc_.ReadUserData(static_cast<std::int32_t>(first), count, out));
    }
    // Not whole sectors: read the sectors that cover the range and copy the part asked for.
    std::vector<std::uint8_t> sectors(std::size_t{count} * kSector);
    RETURN_IF_ERROR(Named(disc_.ReadUserData(static_cast<std::int32_t>(first), count, sectors)));
    std::memcpy(out.data(), sectors.data() + offset % kSector, out.size());
    return base::Ok();
  }

 private:
  base::Status Named(base::Status s) const {
    if (s || disc_.path().empty()) return s;
    return s.error().WithWhere(disc_.path());
  }

  const VirtualDisc& disc_;
  std::uint64_t size_;
};

}  // namespace

std::unique_ptr<base::BlockDevice> DiscBlockDevice(const VirtualDisc& disc) {
  return std::make_unique<DiscDevice>(disc);
}

std::uint64_t ExportBytes(const VirtualDisc& disc) {
  return std::uint64_t{disc.ReadableSectors()} * kSector;
}

base::Status ExportDisc(const VirtualDisc& disc, base::BlockSink& sink) {
  DiscDevice device(disc);
  return base::CopyDevice(device, 0, device.size() / kSector, sink);
}

}  // namespace emulator
