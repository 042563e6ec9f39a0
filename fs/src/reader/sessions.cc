// Sessions of a plain image and an image seen at one session (fs/sessions.h;
// specs/readers.md, "Sessions").
#include "fs/sessions.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iso9660/iso9660_format.h"

namespace fs {
namespace {

using iso9660::kFirstDescriptorLba;

constexpr std::uint32_t kMaxSessions = 256;
// The largest gap between two sessions searched: a CD's first lead-out, the next lead-in
// and pregap take 6750 + 4500 + 150 blocks (MMC-5 4.3.4); a DVD±R or BD-R session's
// border-out and the next border-in some thousands more (MMC-5 4.4.6, 4.5.3).
constexpr std::uint32_t kMaxGap = 65536;
constexpr std::uint32_t kMaxDescriptors = 256;
constexpr std::uint32_t kChunkBlocks = 256;

std::string_view Identifier(std::span<const std::uint8_t> block) {
  return {reinterpret_cast<const char*>(block.data()) + 1, 5};  // NOLINT: bytes as text
}

bool IsPrimary(std::span<const std::uint8_t> block) {
  return block[0] == static_cast<std::uint8_t>(iso9660::VolumeDescriptorType::kPrimary) &&
         Identifier(block) == iso9660::kStandardIdentifier && block[6] == 1;
}

// The primary volume descriptor of a session whose descriptors start at `first`; nullopt
// when the set has none (or `first` holds no ISO 9660 descriptor).
base::Expected<std::optional<iso9660::VolumeDescriptor>> PrimaryAt(const base::BlockDevice& device,
                                                                   std::uint32_t first) {
  const std::uint64_t blocks = device.size() / base::kBlockSize;
  std::vector<std::uint8_t> block;
  for (std::uint64_t lba = first; lba < first + kMaxDescriptors && lba < blocks; ++lba) {
    RETURN_IF_ERROR(device.ReadBlocks(static_cast<std::uint32_t>(lba), 1, &block));
    if (Identifier(block) != iso9660::kStandardIdentifier) break;
    if (IsPrimary(block)) {
      iso9660::VolumeDescriptor vd;
      std::memcpy(&vd, block.data(), sizeof vd);
      return std::optional(vd);
    }
    if (block[0] == static_cast<std::uint8_t>(iso9660::VolumeDescriptorType::kTerminator)) break;
  }
  return std::optional<iso9660::VolumeDescriptor>();
}

std::uint32_t RootLba(const iso9660::VolumeDescriptor& vd) {
  iso9660::DirectoryRecordHeader root;
  std::memcpy(&root, vd.root_directory_record.b, sizeof root);
  return root.extent_location.le();
}

// The end of the volume whose primary descriptor is `vd`, of a session starting at `start`:
// libisofs (xorriso) and genisoimage -C record an appended session's volume space size
// counted from the session's start, ECMA-119 8.4.8 reads as counted from LBA 0; the first
// is taken when it fits in the image, else the second. 0 when neither holds the root.
std::uint64_t VolumeEnd(const iso9660::VolumeDescriptor& vd, std::uint64_t start,
                        std::uint64_t image_blocks) {
  const std::uint64_t size = vd.volume_space_size.le();
  const std::uint64_t root = RootLba(vd);
  if (root <= start + kFirstDescriptorLba) return 0;
  if (start + size <= image_blocks && root < start + size) return start + size;
  if (size <= image_blocks && root < size) return size;
  return 0;
}

// Whether `block`, read at LBA `x` + 16, starts a session at `x`: a primary volume
// descriptor whose volume, inside the image, holds its root after its descriptors.
bool StartsSession(std::span<const std::uint8_t> block, std::uint64_t x,
                   std::uint64_t image_blocks) {
  if (!IsPrimary(block)) return false;
  iso9660::VolumeDescriptor vd;
  std::memcpy(&vd, block.data(), sizeof vd);
  return VolumeEnd(vd, x, image_blocks) != 0;
}

// Counts the blocks from `first` that a reader of the session reads as its descriptors:
// the ECMA-119 set through its terminator, then the ECMA-167 recognition sequence.
base::Expected<std::uint32_t> DescriptorBlocks(const base::BlockDevice& device,
                                               std::uint32_t first) {
  const std::uint64_t blocks = device.size() / base::kBlockSize;
  std::vector<std::uint8_t> block;
  std::uint32_t n = 0;
  bool in_recognition = false;
  while (n < kMaxDescriptors && first + std::uint64_t{n} < blocks) {
    RETURN_IF_ERROR(device.ReadBlocks(first + n, 1, &block));
    const std::string_view id = Identifier(block);
    if (!in_recognition) {
      if (id != iso9660::kStandardIdentifier) break;
      ++n;
      if (block[0] == static_cast<std::uint8_t>(iso9660::VolumeDescriptorType::kTerminator)) {
        in_recognition = true;
      }
      continue;
    }
    // ECMA-167 2/9.2-9.3: BEA01, NSR02/NSR03 (and BOOT2), TEA01.
    if (id != "BEA01" && id != "NSR02" && id != "NSR03" && id != "BOOT2" && id != "TEA01") break;
    ++n;
    if (id == "TEA01") break;
  }
  return n;
}

class SessionDevice final : public base::BlockDevice {
 public:
  SessionDevice(std::unique_ptr<base::BlockDevice> device, std::uint32_t start,
                std::vector<std::uint8_t> descriptors)
      : device_(std::move(device)),
        shift_(std::uint64_t{start} * base::kBlockSize),
        descriptors_(std::move(descriptors)) {
    copy_begin_ = std::uint64_t{kFirstDescriptorLba} * base::kBlockSize;
    copy_end_ = copy_begin_ + descriptors_.size();
  }

  std::uint64_t size() const override { return device_->size(); }

  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > size() || out.size() > size() - offset) return device_->Read(offset, out);
    // Split the range at the copied blocks: before, inside (read from the session), after.
    std::uint64_t pos = offset;
    std::size_t done = 0;
    while (done < out.size()) {
      std::uint64_t until = offset + out.size();
      std::uint64_t from = pos;
      if (pos < copy_begin_) {
        until = std::min(until, copy_begin_);
      } else if (pos < copy_end_) {
        until = std::min(until, copy_end_);
        const std::size_t n = static_cast<std::size_t>(until - pos);
        std::memcpy(out.data() + done, descriptors_.data() + (pos - copy_begin_), n);
        pos += n;
        done += n;
        continue;
      }
      const std::size_t n = static_cast<std::size_t>(until - pos);
      RETURN_IF_ERROR(device_->Read(from, out.subspan(done, n)));
      pos += n;
      done += n;
    }
    return base::Ok();
  }

  std::span<const std::uint8_t> View(std::uint64_t offset, std::uint64_t length) const override {
    if (offset + length <= copy_begin_ || offset >= copy_end_) {
      return device_->View(offset, length);
    }
    return {};
  }

 private:
  std::unique_ptr<base::BlockDevice> device_;
  std::uint64_t shift_;
  std::vector<std::uint8_t> descriptors_;  // the session's, volume space sizes set
  std::uint64_t copy_begin_ = 0, copy_end_ = 0;
};

}  // namespace

base::Expected<std::vector<SessionInfo>> FindImageSessions(const base::BlockDevice& device) {
  const std::uint64_t image_blocks = device.size() / base::kBlockSize;
  std::vector<SessionInfo> sessions;
  std::uint64_t start = 0;
  std::vector<std::uint8_t> chunk;
  while (sessions.size() < kMaxSessions) {
    ASSIGN_OR_RETURN(auto pvd,
                     PrimaryAt(device, static_cast<std::uint32_t>(start + kFirstDescriptorLba)));
    if (!pvd) break;
    // A volume whose size holds no root after its descriptors ends with the image.
    std::uint64_t end =
        start == 0 ? pvd->volume_space_size.le() : VolumeEnd(*pvd, start, image_blocks);
    if (end <= start + kFirstDescriptorLba) end = std::max(image_blocks, start + 1);
    sessions.push_back(
        {static_cast<std::uint32_t>(sessions.size() + 1), static_cast<std::uint32_t>(start),
         static_cast<std::uint32_t>(std::min<std::uint64_t>(end - start, UINT32_MAX))});
    // The next session: the first X in [end, end + kMaxGap] with a primary at X + 16.
    if (end + kFirstDescriptorLba >= image_blocks) break;
    const std::uint64_t last = std::min(end + kMaxGap, image_blocks - kFirstDescriptorLba - 1);
    std::optional<std::uint64_t> next;
    for (std::uint64_t x = end; x <= last && !next; x += kChunkBlocks) {
      const auto n =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(kChunkBlocks, last - x + 1));
      RETURN_IF_ERROR(
          device.ReadBlocks(static_cast<std::uint32_t>(x + kFirstDescriptorLba), n, &chunk));
      for (std::uint32_t i = 0; i < n; ++i) {
        const auto block = std::span<const std::uint8_t>(chunk).subspan(
            std::size_t{i} * base::kBlockSize, base::kBlockSize);
        if (StartsSession(block, x + i, image_blocks)) {
          next = x + i;
          break;
        }
      }
    }
    if (!next) break;
    start = *next;
  }
  return sessions;
}

base::Expected<std::unique_ptr<base::BlockDevice>> SessionView(
    std::unique_ptr<base::BlockDevice> device, std::uint32_t start, std::uint32_t end) {
  if (start == 0) return device;
  const std::uint64_t first = std::uint64_t{start} + kFirstDescriptorLba;
  if (first >= device->size() / base::kBlockSize) {
    return base::CorruptImage(base::LbaWhere(first),
                              "the session's volume descriptors are beyond the end of the image");
  }
  ASSIGN_OR_RETURN(std::uint32_t n, DescriptorBlocks(*device, static_cast<std::uint32_t>(first)));
  if (n == 0) {
    return base::CorruptImage(base::LbaWhere(first),
                              "no volume descriptor at the session's start + 16");
  }
  std::vector<std::uint8_t> descriptors;
  RETURN_IF_ERROR(device->ReadBlocks(static_cast<std::uint32_t>(first), n, &descriptors));
  // Primary and supplementary descriptors (ECMA-119 8.4.8, 8.5.8): the volume ends where
  // the session does, counted from LBA 0, as a reader of block 16 expects.
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint8_t* block = descriptors.data() + std::size_t{i} * base::kBlockSize;
    const auto span = std::span<const std::uint8_t>(block, base::kBlockSize);
    if (Identifier(span) != iso9660::kStandardIdentifier || (block[0] != 1 && block[0] != 2)) {
      continue;
    }
    iso9660::VolumeDescriptor vd;
    std::memcpy(&vd, block, sizeof vd);
    vd.volume_space_size.set(end);
    std::memcpy(block, &vd, sizeof vd);
  }
  return std::unique_ptr<base::BlockDevice>(
      std::make_unique<SessionDevice>(std::move(device), start, std::move(descriptors)));
}

}  // namespace fs
