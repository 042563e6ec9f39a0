// Copying blocks from a BlockDevice into a BlockSink: the pipeline step behind exporting a
// virtual disc, a drive or any device as an image, in one place instead of in each caller.
#ifndef MKIMG_BASE_BLOCK_COPY_H_
#define MKIMG_BASE_BLOCK_COPY_H_

#include <cstdint>

#include "base/block_device.h"
#include "base/block_sink.h"
#include "base/error.h"

namespace base {

// Appends blocks [first_block, first_block + blocks) of `device` (kBlockSize bytes each)
// to `sink`, reading 1 MiB at a time (through View() where the device offers it). Runs of
// all-zero blocks are appended with WriteZeros, so a file sink leaves holes for them; the
// bytes written are the device's bytes either way.
// Errors: kCorruptImage "LBA n: N blocks extend beyond the end of the image" before
// anything is written if the range is not inside the device; otherwise the device's read
// error or the sink's write error, unchanged (what was appended before it stays appended).
Status CopyDevice(const BlockDevice& device, std::uint64_t first_block, std::uint64_t blocks,
                  BlockSink& sink);

}  // namespace base

#endif  // MKIMG_BASE_BLOCK_COPY_H_
