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

std::vector<DataSession> DataSessions(const VirtualDisc& disc) {
  const DiscSummary summary = disc.Summary();
  std::vector<DataSession> sessions;
  for (const SessionSummary& s : summary.sessions) {
    std::int64_t start = -1, end = 0;
    for (const TrackSummary& t : summary.tracks) {
      if (t.session != s.number || t.mode == TrackMode::kAudio || t.recorded == 0) continue;
      if (start < 0) start = t.start_lba;
      end = std::max<std::int64_t>(end, std::int64_t{t.start_lba} + t.recorded);
    }
    if (start < 0 || end <= start) continue;
    sessions.push_back(
        {s.number, static_cast<std::int32_t>(start), static_cast<std::uint32_t>(end - start)});
  }
  return sessions;
}

base::Expected<TrackExport> PlanTrackExport(const VirtualDisc& disc, std::uint32_t number) {
  const DiscSummary summary = disc.Summary();
  for (const TrackSummary& t : summary.tracks) {
    if (t.number != number) continue;
    if (t.recorded == 0) {
      return base::InvalidInput("--track " + std::to_string(number),
                                "the track holds no recorded sectors");
    }
    TrackExport e;
    e.start = t.start_lba;
    e.sectors = t.recorded;
    e.sector_bytes = t.mode == TrackMode::kAudio ? 2352 : kSector;
    return e;
  }
  return base::InvalidInput("--track " + std::to_string(number),
                            "the disc has " + std::to_string(summary.tracks.size()) + " track(s)");
}

base::Status ExportTrack(const VirtualDisc& disc, const TrackExport& track, base::BlockSink& sink) {
  constexpr std::uint32_t kBatch = 256;
  std::vector<std::uint8_t> buffer(std::size_t{kBatch} * track.sector_bytes);
  for (std::uint32_t done = 0; done < track.sectors;) {
    const std::uint32_t n = std::min(kBatch, track.sectors - done);
    const std::int32_t lba = track.start + static_cast<std::int32_t>(done);
    const auto out = std::span<std::uint8_t>(buffer).first(std::size_t{n} * track.sector_bytes);
    base::Status s = track.sector_bytes == kSector ? disc.ReadUserData(lba, n, out)
                                                   : disc.ReadMainChannel(lba, n, out);
    if (!s) return disc.path().empty() ? s : s.error().WithWhere(disc.path());
    RETURN_IF_ERROR(sink.Write(out));
    done += n;
  }
  return base::Ok();
}

}  // namespace emulator
