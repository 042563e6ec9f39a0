// A virtual disc seen the way a reader of the disc sees it: its readable user data
// (VirtualDisc::ReadableSectors() sectors of 2048 bytes, unwritten sectors reading as
// zeros) as a base::BlockDevice, and exported into a base::BlockSink as an image
// (`mkimg emu export`, specs/emulator.md §4). Nothing here knows any file system.
#ifndef MKIMG_EMULATOR_DISC_DEVICE_H_
#define MKIMG_EMULATOR_DISC_DEVICE_H_

#include <cstdint>
#include <memory>
#include <vector>

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

// A session as a reader of the disc finds it in the TOC: its first data track's start and
// the blocks from there to the end of its last data track's recorded data. Sessions that
// hold no recorded data track (audio only, or the open, empty one) are left out.
struct DataSession {
  std::uint32_t number = 0;
  std::int32_t start = 0;
  std::uint32_t blocks = 0;
};
std::vector<DataSession> DataSessions(const VirtualDisc& disc);

// One track as `mkimg emu export --track N` writes it: data tracks as their recorded
// 2048-byte user data sectors, audio tracks as raw 2352-byte sectors in the byte order a
// .bin image holds (as recorded). kInvalidInput "--track" when the disc has no track
// `number` or it holds nothing recorded.
struct TrackExport {
  std::int32_t start = 0;
  std::uint32_t sectors = 0;
  std::uint32_t sector_bytes = 0;  // 2048 or 2352
  std::uint64_t bytes() const { return std::uint64_t{sectors} * sector_bytes; }
};
base::Expected<TrackExport> PlanTrackExport(const VirtualDisc& disc, std::uint32_t number);
// Appends the track planned by PlanTrackExport to `sink`. Does not Commit the sink.
base::Status ExportTrack(const VirtualDisc& disc, const TrackExport& track, base::BlockSink& sink);

}  // namespace emulator

#endif  // MKIMG_EMULATOR_DISC_DEVICE_H_
