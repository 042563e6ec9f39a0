// emulator::Drive, reading: READ(10), READ(12) of user data and READ CD / READ CD MSF
// of whole CD sectors with header, EDC/ECC and sub-channel selections (MMC-6 clause 6;
// the sub-channel coding is cd/subchannel.h).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "cd/subchannel.h"
#include "drive_impl.h"

namespace emulator {

// --- MMC-5 6.16 / 6.17 READ(10), READ(12) ------------------------------------------------
std::uint32_t DriveState::Read(std::int32_t lba, std::uint32_t count) {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (d->faults_.slow_ms_per_command) {
    std::this_thread::sleep_for(std::chrono::milliseconds(d->faults_.slow_ms_per_command));
  }
  if (count == 0) return sense::kNone;
  if (lba < 0) return sense::kLbaOutOfRange;
  // Only what fits the host's buffer is transferred (SPC-4 4.2.5.6); do no more work.
  count = std::min<std::uint32_t>(count, static_cast<std::uint32_t>((data_.size() + 2047) / 2048));
  if (count == 0) return sense::kNone;
  if (d->random_access()) {
    if (std::int64_t{lba} + count > d->Capacity()) return sense::kLbaOutOfRange;
  } else {
    // Sequential media: every sector must lie in the recorded part of a data track.
    for (std::uint32_t i = 0; i < count;) {
      std::int32_t l = lba + static_cast<std::int32_t>(i);
      const Track* t = d->TrackAt(l);
      if (t == nullptr || l >= t->start + static_cast<std::int32_t>(t->recorded))
        return sense::kLbaOutOfRange;
      if (t->mode == TrackMode::kAudio) return sense::kIllegalTrackMode;
      std::uint32_t in_track =
          static_cast<std::uint32_t>(t->start + static_cast<std::int32_t>(t->recorded) - l);
      i += std::min(in_track, count - i);
    }
  }
  out_.resize(std::size_t{count} * 2048);
  if (!d->ReadUser(lba, count, out_.data())) return sense::kUnrecoveredRead;
  return sense::kNone;
}

// --- MMC-5 6.20 READ CD -----------------------------------------------------------------
std::uint32_t DriveState::ReadCd(std::int32_t lba, std::uint32_t count) {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (!d->is_cd()) return sense::kIllegalTrackMode;
  const std::uint8_t expected = (cdb_[1] >> 2) & 0x07;
  const std::uint8_t flags = cdb_[9];
  const std::uint8_t sub = cdb_[10] & 0x07;
  if (sub == 3 || sub > 4 || expected > 5) return sense::kInvalidField;
  count = std::min<std::uint32_t>(count, static_cast<std::uint32_t>(data_.size() / 2352 + 1));
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::int32_t l = lba + static_cast<std::int32_t>(i);
    if (!d->InStore(l, 1)) return sense::kLbaOutOfRange;
    const Track* t = d->TrackAt(l);
    if (t == nullptr || l >= t->start + static_cast<std::int32_t>(t->recorded))
      return sense::kLbaOutOfRange;
    if (!d->ReadSlot(l, slot)) return sense::kUnrecoveredRead;
    const bool audio = t->mode == TrackMode::kAudio;
    if ((expected == 1 && !audio) || (expected >= 2 && audio) ||
        (expected == 2 && t->mode != TrackMode::kData) ||
        (expected >= 3 && t->mode != TrackMode::kMode2)) {
      return sense::kIllegalTrackMode;
    }
    if (audio) {
      if (flags & 0xF8) out_.insert(out_.end(), slot.begin(), slot.begin() + 2352);
    } else {
      const bool mode2 = t->mode == TrackMode::kMode2;
      if (flags & 0x80) out_.insert(out_.end(), slot.begin(), slot.begin() + 12);
      const std::uint8_t hdr = (flags >> 5) & 0x03;
      if (hdr == 1 || hdr == 3) out_.insert(out_.end(), slot.begin() + 12, slot.begin() + 16);
      if (mode2 && (hdr == 2 || hdr == 3))
        out_.insert(out_.end(), slot.begin() + 16, slot.begin() + 24);
      const std::size_t user = mode2 ? 24 : 16;
      if (flags & 0x10)
        out_.insert(out_.end(), slot.begin() + static_cast<std::ptrdiff_t>(user),
                    slot.begin() + static_cast<std::ptrdiff_t>(user + 2048));
      if (flags & 0x08)
        out_.insert(out_.end(), slot.begin() + static_cast<std::ptrdiff_t>(user + 2048),
                    slot.begin() + 2352);
    }
    if ((flags & 0x06) != 0)
      out_.insert(out_.end(), (flags & 0x06) == 0x02 ? 294 : 296, 0);  // C2: none
    if (sub != 0) {
      std::uint8_t* raw = slot.data() + kCdSubOffset;
      bool empty = std::all_of(raw, raw + 96, [](std::uint8_t b) { return b == 0; });
      std::uint8_t gen[96];
      if (empty) {  // the drive wrote P and Q itself (TAO/SAO): regenerate them
        std::uint32_t number = 1;
        for (std::size_t k = 0; k < d->tracks_.size(); ++k) {
          if (&d->tracks_[k] == t) number = static_cast<std::uint32_t>(k + 1);
        }
        auto q = cd::PositionQ(t->control, static_cast<std::uint8_t>(number), 1, l - t->start, l);
        cd::InterleavePq(false, q, gen);
        raw = gen;
      }
      if (sub == 1) {
        out_.insert(out_.end(), raw, raw + 96);
      } else if (sub == 2) {
        auto q = cd::DeinterleaveQ(raw);
        out_.insert(out_.end(), q.begin(), q.end());
        out_.insert(out_.end(), 4, 0);
      } else {
        std::uint8_t rw[cd::kSubchannelBytes];
        cd::ExtractRw(raw, rw);
        out_.insert(out_.end(), rw, rw + cd::kSubchannelBytes);  // R-W
      }
    }
  }
  return sense::kNone;
}

}  // namespace emulator
