// CopyDevice (block_copy.h): batches of blocks from a device into a sink, zero runs as
// WriteZeros.
#include "base/block_copy.h"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

namespace base {
namespace {

constexpr std::uint64_t kBatchBlocks = 512;  // 1 MiB

bool IsZeroBlock(std::span<const std::uint8_t> block) {
  return std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; });
}

// Appends `data` (whole blocks) to `sink`: runs of zero blocks as WriteZeros, the rest as
// Write.
Status AppendBlocks(std::span<const std::uint8_t> data, BlockSink& sink) {
  const std::size_t count = data.size() / kBlockSize;
  std::size_t i = 0;
  while (i < count) {
    const bool zero = IsZeroBlock(data.subspan(i * kBlockSize, kBlockSize));
    std::size_t j = i + 1;
    while (j < count && IsZeroBlock(data.subspan(j * kBlockSize, kBlockSize)) == zero) ++j;
    const std::size_t bytes = (j - i) * kBlockSize;
    RETURN_IF_ERROR(zero ? sink.WriteZeros(bytes)
                         : sink.Write(data.subspan(i * kBlockSize, bytes)));
    i = j;
  }
  return Ok();
}

}  // namespace

Status CopyDevice(const BlockDevice& device, std::uint64_t first_block, std::uint64_t blocks,
                  BlockSink& sink) {
  const std::uint64_t device_blocks = device.size() / kBlockSize;
  if (first_block > device_blocks || blocks > device_blocks - first_block) {
    return CorruptImage(LbaWhere(first_block),
                        std::to_string(blocks) + " blocks extend beyond the end of the image");
  }
  std::vector<std::uint8_t> buffer;
  for (std::uint64_t done = 0; done < blocks;) {
    const std::uint64_t n = std::min(kBatchBlocks, blocks - done);
    const std::uint64_t offset = (first_block + done) * kBlockSize;
    const std::uint64_t length = n * kBlockSize;
    std::span<const std::uint8_t> data = device.View(offset, length);
    if (data.size() != length) {
      buffer.resize(length);
      RETURN_IF_ERROR(device.Read(offset, buffer));
      data = buffer;
    }
    RETURN_IF_ERROR(AppendBlocks(data, sink));
    done += n;
  }
  return Ok();
}

}  // namespace base
