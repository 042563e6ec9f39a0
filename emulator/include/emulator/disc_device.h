// A virtual disc seen the way a reader of the disc sees it: its readable user data
// (VirtualDisc::ReadableSectors() sectors of 2048 bytes, unwritten sectors reading as
// zeros) as a base::BlockDevice, and exported into a base::BlockSink as an image
// (`mkimg emu export`, specs/emulator.md §4). Nothing here knows any file system.
#ifndef MKIMG_EMULATOR_DISC_DEVICE_H_
#define MKIMG_EMULATOR_DISC_DEVICE_H_

#include <cstdint>
#include <memory>

#include "base/block_device.h"
#include "base/block_sink.h"
#include "base/error.h"
#include "emulator/virtual_disc.h"

namespace emulator {

// The disc's readable user data as a device of ReadableSectors() * 2048 bytes, sized when
// the device is made. REQUIRES: `disc` outlives the device and is not written meanwhile.
// Read errors of the disc name its store file (VirtualDisc::path()).
std::unique_ptr<base::BlockDevice> DiscBlockDevice(const VirtualDisc& disc);

// The size in bytes of the image ExportDisc writes.
std::uint64_t ExportBytes(const VirtualDisc& disc);

// Appends the disc's readable user data to `sink` (base::CopyDevice over DiscBlockDevice:
// zero sectors, written or not, go out as WriteZeros, so a file sink leaves holes). Does
// not Commit the sink.
base::Status ExportDisc(const VirtualDisc& disc, base::BlockSink& sink);

}  // namespace emulator

#endif  // MKIMG_EMULATOR_DISC_DEVICE_H_
