// emulator::Drive, writing: WRITE(10), WRITE(12) in the write types of page 05h
// (Track-at-Once, Session-at-Once, RAW, packet, and the sequential/overwrite modes of DVD
// and BD), SEND CUE SHEET, SYNCHRONIZE CACHE, CLOSE TRACK/SESSION, RESERVE TRACK, FORMAT
// UNIT and BLANK (MMC-6 clause 6). CD sectors are framed with cd/sector.h.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "cd/msf.h"
#include "cd/sector.h"
#include "cd/subchannel.h"
#include "drive_impl.h"

namespace emulator {

namespace {

// Host bytes per block for a page 05h data block type (MMC-5 7.5.4.8).
std::optional<std::uint32_t> BlockBytes(std::uint8_t dbt) {
  switch (dbt) {
    case 0:
      return 2352;  // raw, audio
    case 1:
      return 2368;  // raw + 16 bytes P-Q
    case 2:
      return 2448;  // raw + 96 bytes packed P-W
    case 3:
      return 2448;  // raw + 96 bytes raw P-W
    case 8:
      return 2048;  // mode 1
    case 9:
      return 2336;  // mode 2 formless
    case 10:
      return 2048;  // mode 2 form 1
    case 11:
      return 2056;  // mode 2 form 1 with sub-header
    case 12:
      return 2324;  // mode 2 form 2
    case 13:
      return 2332;  // mode 2 mixed with sub-header
    default:
      return std::nullopt;
  }
}

// Host bytes per block for a cue sheet data form (MMC-5 6.33.3), main channel only.
std::optional<std::uint32_t> CueFormBytes(std::uint8_t form) {
  switch (form & 0x3F) {
    case 0x00:
      return 2352;  // CD-DA
    case 0x01:
      return 0;  // CD-DA, drive generates zeros
    case 0x10:
      return 2048;  // mode 1 user data
    case 0x11:
      return 2352;  // mode 1 raw
    case 0x14:
      return 0;  // mode 1, drive generates
    case 0x20:
      return 2336;  // XA form 1/2 (formless sub-header + data)
    case 0x21:
      return 2352;
    case 0x24:
      return 0;
    case 0x30:
      return 2336;  // mode 2
    case 0x31:
      return 2352;
    case 0x34:
      return 0;
    default:
      return std::nullopt;
  }
}

bool ValidCatalog(const std::string& c) {
  return c.size() == 13 &&
         std::all_of(c.begin(), c.end(), [](char x) { return x >= '0' && x <= '9'; });
}

// ISRC (IEC 60908 17.5.1.4): country and owner, five of 0-9/A-Z, then seven digits.
bool ValidIsrc(const std::string& i) {
  if (i.size() != 12) return false;
  for (std::size_t k = 0; k < 12; ++k) {
    const char x = i[k];
    const bool digit = x >= '0' && x <= '9';
    if (k < 5 ? !(digit || (x >= 'A' && x <= 'Z')) : !digit) return false;
  }
  return true;
}

}  // namespace

// The P and Q sub-channel the drive records with a sector the host sent without them (a
// Track-at-Once or Session-at-Once sector; RAW hosts send their own): P set in a pause,
// Q mode 1 (position) in the other frames, mode 2 (the media catalog number) in the 1st
// and mode 3 (the track's ISRC, outside the pause) in the 51st frame of each hundred
// (IEC 60908 17.5.1: each at least once in 100 consecutive frames). The catalog and ISRC
// come from the cue sheet (MMC-5 6.33.3.3-4) or page 05h (7.5.4.10-11).
void DriveState::RecordedPq(DiscImpl& d, std::int32_t l, std::uint8_t* out96) {
  std::uint8_t control = 4;
  std::uint8_t track = 1;
  std::uint8_t index = 1;
  std::int32_t index1 = l;
  std::string isrc;
  if (sao_active && d.params_.write_type == 2 && d.cue_.size() >= 2) {
    const CueEntry* e = nullptr;
    for (std::size_t k = 1; k < d.cue_.size(); ++k) {
      if (d.cue_[k].lba <= l && d.cue_[k].track != 0xAA) e = &d.cue_[k];
    }
    if (e == nullptr) return;
    control = static_cast<std::uint8_t>(e->ctl_adr >> 4);
    track = e->track;
    index = e->index;
    for (const CueEntry& c : d.cue_) {
      if (c.track == track && c.index == 1) index1 = c.lba;
    }
    if (track < d.cue_isrc_.size()) isrc = d.cue_isrc_[track];
  } else {
    const Track* t = d.TrackAt(l);
    if (t == nullptr) t = d.InvisibleTrack();
    if (t == nullptr) return;
    control = t->control;
    track = static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(t - d.tracks_.data() + 1, 99));
    index1 = t->start;
    isrc = d.params_.isrc;
  }
  const std::string& catalog = d.cue_catalog_.empty() ? d.params_.catalog : d.cue_catalog_;
  const std::int32_t frame = (l + 150) % 100;
  std::array<std::uint8_t, 12> q;
  if (frame == 1 && ValidCatalog(catalog)) {
    q = cd::CatalogQ(control, catalog, l);
  } else if (frame == 51 && index > 0 && ValidIsrc(isrc)) {
    q = cd::IsrcQ(control, isrc, l);
  } else {
    // ECMA-130 22.3.3.3: in a pause the relative time counts down to zero at its end.
    const std::int32_t relative = index == 0 ? -(index1 - l - 1) : l - index1;
    q = cd::PositionQ(control, track, index, relative, l);
  }
  std::uint8_t pq[96];
  cd::InterleavePq(index == 0, q, pq);
  for (std::size_t k = 0; k < 96; ++k) {
    out96[k] = static_cast<std::uint8_t>(pq[k] | (out96[k] & 0x3F));  // R-W as the host sent
  }
}

// --- MMC-5 6.44 / 6.45 WRITE(10), WRITE(12) ----------------------------------------------
std::uint32_t DriveState::StoreCdSectors(DiscImpl& d, std::int32_t lba, std::uint32_t count,
                                         std::uint32_t block, std::uint8_t dbt,
                                         const std::uint8_t* src) {
  // Cooked sectors (types 8 and 10) keep their user data in place; the drive frames them
  // when they are read whole (DiscImpl::ReadSlot), so writing costs no EDC/ECC.
  CdFraming framing = CdFraming::kAsStored;
  if (dbt == 8) framing = CdFraming::kMode1;
  if (dbt == 10) framing = CdFraming::kMode2Form1;
  slots_.resize(std::size_t{count} * kCdSlotBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::int32_t l = lba + static_cast<std::int32_t>(i);
    const std::uint8_t* s = src + std::size_t{i} * block;
    std::uint8_t* slot = slots_.data() + std::size_t{i} * kCdSlotBytes;
    switch (dbt) {
      case 0:
        std::memcpy(slot, s, 2352);
        std::memset(slot + kCdSubOffset, 0, 96);
        break;
      case 1:
        std::memcpy(slot, s, 2352);
        {  // 16 bytes of formatted P-Q: keep Q as raw interleaved sub-channel
          // Hosts differ on the CRC of formatted Q (cdrdao sends it uninverted); the disc
          // records the ECMA-130 form, so it is regenerated here.
          std::array<std::uint8_t, 12> q{};
          std::memcpy(q.data(), s + 2352, 10);
          const std::uint16_t crc = cd::QCrc(std::span<const std::uint8_t>(q.data(), 10));
          q[10] = static_cast<std::uint8_t>(crc >> 8);
          q[11] = static_cast<std::uint8_t>(crc);
          cd::InterleavePq((s[2352 + 15] & 0x80) != 0, q, slot + kCdSubOffset);
        }
        break;
      case 2:
      case 3:
        std::memcpy(slot, s, 2448);
        break;
      case 8:
        std::memset(slot, 0, 16);
        std::memcpy(slot + 16, s, 2048);
        std::memset(slot + 16 + 2048, 0, kCdSlotBytes - 16 - 2048);
        break;
      case 9:
        std::memcpy(slot + 16, s, 2336);
        std::memset(slot + 16 + 2336, 0, 96);
        cd::FrameMode2(l, slot);
        break;
      case 10:
        std::memset(slot, 0, 24);
        std::memcpy(slot + 24, s, 2048);
        std::memset(slot + 24 + 2048, 0, kCdSlotBytes - 24 - 2048);
        break;
      default:
        return sense::kInvalidParameter;
    }
    // RAW: data sectors (recognised by their sync pattern) arrive scrambled, as on the disc;
    // the store keeps sectors as READ CD returns them.
    if (d.params_.write_type == 3 && dbt >= 1 && dbt <= 3 && cd::HasSync(slot)) {
      cd::Scramble(slot);
    }
    if (d.params_.write_type != 3) RecordedPq(d, l, slot + kCdSubOffset);
  }
  if (!d.store().Write(d.SlotOffset(lba), slots_)) return sense::kWriteError;
  d.SetFraming(lba, count, framing);
  return sense::kNone;
}

void DriveState::AfterWrite(DiscImpl& d) {
  ++writes;
  const Faults& f = d.faults_;
  if (f.power_loss_after_writes && writes >= *f.power_loss_after_writes) {
    d.Abandon();
    powered_off = true;
    return;
  }
  if (f.remove_after_writes && writes >= *f.remove_after_writes) {
    (void)d.Commit();  // what reached the medium stays on it
    removed = true;
    unit_attention = sense::kMediumChanged;
    media_event = true;
  }
}

std::uint32_t DriveState::Write(std::int32_t lba, std::uint32_t count) {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (d->faults_.slow_ms_per_command) {
    std::this_thread::sleep_for(std::chrono::milliseconds(d->faults_.slow_ms_per_command));
  }
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  if (count == 0) return sense::kNone;
  if (d->faults_.write_error_lba && *d->faults_.write_error_lba >= lba &&
      *d->faults_.write_error_lba < lba + static_cast<std::int64_t>(count)) {
    return sense::kWriteError;
  }
  if (d->is_cd() && d->params_.write_type == 3 && !sao_active && d->closed_sessions_ == 0 &&
      d->InvisibleTrack() != nullptr && d->InvisibleTrack()->recorded == 0 &&
      lba == kCdLeadInStart) {
    sao_active = true;  // RAW: the host writes the whole disc from the lead-in on
    sao_next = kCdLeadInStart;
  }
  if (d->is_cd() && (d->params_.write_type == 2 || d->params_.write_type == 3) && sao_active) {
    return WriteSao(*d, lba, count);
  }
  if (d->NeedsFormat()) {
    if (d->media() != base::MediaType::kDvdPlusRw) return sense::kIncompatibleWrite;
    d->Format(0x26, 0);  // a DVD+RW drive starts a background format on the first write
  }
  std::uint32_t block = 2048;
  std::uint8_t dbt = 8;
  if (d->is_cd()) {
    dbt = d->params_.data_block_type;
    auto b = BlockBytes(dbt);
    if (!b) return sense::kInvalidParameter;
    block = *b;
    if (d->params_.write_type == 2 || d->params_.write_type == 3) return sense::kSequenceError;
  }
  if (data_.size() != std::size_t{count} * block) return sense::kInvalidField;
  if (d->random_access()) {
    if (lba < 0 || std::int64_t{lba} + count > d->Capacity()) return sense::kLbaOutOfRange;
    if (d->CurrentProfile() == 0x13 && (lba % 16 != 0 || count % 16 != 0))
      return sense::kInvalidWriteAddress;
    if (!d->params_.test_write) {
      if (!d->store().Write(d->SlotOffset(lba), data_)) return sense::kWriteError;
      d->RecordRandom(lba, count);
    }
    AfterWrite(*d);
    return sense::kNone;
  }
  if (d->finalized_) return sense::kInvalidWriteAddress;
  // A test write advances only a simulated address (MMC-5 7.5.4.3: nothing is recorded).
  const std::int32_t simulated = d->params_.test_write ? test_written : 0;
  // BD-R pseudo-overwrite (Feature 0038h; MMC-6 4.6.3.3 POW): on a BD-R formatted SRM+POW
  // that is not finalized, a WRITE over recorded sectors is accepted; the drive remaps them
  // to new physical clusters and READ returns the new data. The NWA does not move.
  if ((d->media() == base::MediaType::kBdR || d->media() == base::MediaType::kBdRDl) &&
      d->formatted_ && !d->params_.test_write) {
    const Track* r = d->TrackAt(lba);
    if (r != nullptr && lba >= r->start &&
        std::int64_t{lba} + count <= std::int64_t{r->start} + r->recorded) {
      if (!d->store().Write(d->SlotOffset(lba), data_)) return sense::kWriteError;
      AfterWrite(*d);
      return sense::kNone;
    }
  }
  Track* t = d->TrackForWrite(lba - simulated);
  if (t == nullptr) return sense::kInvalidWriteAddress;
  const std::int64_t limit = t->state == TrackState::kInvisible ? std::int64_t{d->WritableEnd()}
                                                                : std::int64_t{t->start} + t->size;
  if (std::int64_t{lba} + count > limit) return sense::kLbaOutOfRange;
  const std::uint16_t profile = d->CurrentProfile();
  if ((profile == 0x11 || profile == 0x14 || profile == 0x15) && d->params_.write_type == 2 &&
      t->state != TrackState::kReserved) {
    return sense::kSequenceError;  // DVD-R DAO needs RESERVE TRACK first
  }
  if (d->is_cd()) {
    const TrackMode mode =
        dbt == 0 ? TrackMode::kAudio : (dbt == 8 ? TrackMode::kData : TrackMode::kMode2);
    if (t->recorded == 0) {
      t->mode = mode;
      t->block_size = block;
      t->control = mode == TrackMode::kAudio ? 0 : 4;
      t->write_type = d->params_.write_type;
    } else if (t->mode != mode) {
      return sense::kIllegalTrackMode;
    }
  }
  if (!d->params_.test_write) {
    if (d->is_cd()) {
      if (std::uint32_t s = StoreCdSectors(*d, lba, count, block, dbt, data_.data())) return s;
    } else if (!d->store().Write(d->SlotOffset(lba), data_)) {
      return sense::kWriteError;
    }
    t->recorded += count;
  } else {
    test_written += static_cast<std::int32_t>(count);
  }
  AfterWrite(*d);
  return sense::kNone;
}

// SAO (cue sheet) and RAW writing: one stream from the pre-gap (or lead-in) to the end.
std::uint32_t DriveState::WriteSao(DiscImpl& d, std::int32_t lba, std::uint32_t count) {
  if (lba != sao_next) return sense::kInvalidWriteAddress;
  if (!d.InStore(lba, count)) return sense::kLbaOutOfRange;
  if (d.params_.write_type == 3) {
    auto b = BlockBytes(d.params_.data_block_type);
    if (!b || data_.size() != std::size_t{count} * *b) return sense::kInvalidField;
    if (!d.params_.test_write) {
      if (std::uint32_t s =
              StoreCdSectors(d, lba, count, *b, d.params_.data_block_type, data_.data()))
        return s;
    }
    sao_next += static_cast<std::int32_t>(count);
    AfterWrite(d);
    return sense::kNone;
  }
  // SAO: the data form of each sector comes from the cue sheet entry covering it.
  std::size_t pos = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::int32_t l = lba + static_cast<std::int32_t>(i);
    if (l < d.cue_[1].lba) {  // the lead-in: CD-TEXT packs, 96 bytes per sector
      if ((d.cue_.front().data_form & 0x40) == 0) return sense::kInvalidWriteAddress;
      if (pos + 96 > data_.size()) return sense::kInvalidField;
      if (!d.params_.test_write) {
        // Kept as the R-W bits of the lead-in sector's sub-channel, where READ TOC/PMA/
        // ATIP format 0101b finds them (MMC-5 6.26.2.9; specs/emulator.md "Lead-in").
        std::vector<std::uint8_t> lead(kCdSlotBytes, 0);
        for (std::size_t k = 0; k < 96; ++k) {
          lead[kCdSubOffset + k] = static_cast<std::uint8_t>(data_[pos + k] & 0x3F);
        }
        if (!d.store().Write(d.SlotOffset(l), lead)) return sense::kWriteError;
        d.SetFraming(l, 1, CdFraming::kAsStored);
      }
      pos += 96;
      continue;
    }
    const CueEntry* e = nullptr;
    for (std::size_t k = 1; k < d.cue_.size(); ++k) {
      if (d.cue_[k].lba <= l && d.cue_[k].track != 0xAA) e = &d.cue_[k];
    }
    if (e == nullptr) return sense::kInvalidWriteAddress;
    std::uint32_t main = *CueFormBytes(e->data_form);
    const std::uint32_t subbytes = (e->data_form & 0xC0) ? 96 : 0;
    const std::uint32_t block = main + subbytes;
    if (pos + block > data_.size()) return sense::kInvalidField;
    if (!d.params_.test_write && main != 0) {
      std::uint8_t dbt = 0;
      switch (e->data_form & 0x3F) {
        case 0x10:
          dbt = 8;
          break;
        case 0x20:
        case 0x30:
          dbt = 9;
          break;
        default:
          dbt = 0;
          break;
      }
      std::vector<std::uint8_t> one(std::max<std::uint32_t>(block, 2448), 0);
      std::memcpy(one.data(), &data_[pos], block);
      if (subbytes != 0 && dbt == 0) {
        // The host's R-W; the drive adds P and Q (StoreCdSectors).
        for (std::size_t k = 0; k < 96; ++k) one[2352 + k] &= 0x3F;
        if (std::uint32_t s = StoreCdSectors(d, l, 1, 2448, 3, one.data())) return s;
      } else if (std::uint32_t s = StoreCdSectors(d, l, 1, main, dbt, one.data())) {
        return s;
      }
    }
    pos += block;
  }
  if (pos != data_.size()) return sense::kInvalidField;
  sao_next += static_cast<std::int32_t>(count);
  AfterWrite(d);
  return sense::kNone;
}

// SAO finished: the tracks of the cue sheet become one closed session.
std::uint32_t DriveState::FinishSao(DiscImpl& d) {
  Track* inv = d.InvisibleTrack();
  if (inv == nullptr) return sense::kSequenceError;
  const std::uint32_t session = inv->session;
  d.tracks_.pop_back();
  std::int32_t leadout = 0;
  for (const CueEntry& c : d.cue_) {
    if (c.track == 0xAA) leadout = c.lba;
  }
  std::vector<Track> made;
  for (const CueEntry& c : d.cue_) {
    if (c.track == 0 || c.track == 0xAA || c.index != 1) continue;
    Track t;
    t.session = session;
    t.start = c.lba;
    t.write_type = 2;
    t.control = static_cast<std::uint8_t>(c.ctl_adr >> 4);
    const std::uint8_t form = c.data_form & 0x3F;
    t.mode = form < 0x10 ? TrackMode::kAudio : (form < 0x20 ? TrackMode::kData : TrackMode::kMode2);
    t.block_size = CueFormBytes(c.data_form).value_or(2352);
    t.state = TrackState::kComplete;
    made.push_back(t);
  }
  for (std::size_t i = 0; i < made.size(); ++i) {
    std::int32_t end = leadout;
    if (i + 1 < made.size()) {
      end = made[i + 1].start;
      for (const CueEntry& c : d.cue_) {  // the next track's pre-gap belongs to it
        if (c.track == i + 2 && c.index == 0) end = c.lba;
      }
    }
    end = std::min(end, sao_next);
    made[i].size = static_cast<std::uint32_t>(std::max(0, end - made[i].start));
    made[i].recorded = made[i].size;
  }
  d.cue_.clear();
  d.cue_catalog_.clear();
  d.cue_isrc_.fill(std::string());
  return CloseDaoSession(d, std::move(made), session);
}

// RAW finished: the TOC comes from the Q sub-channel of the lead-in the host wrote
// (mode-1 Q with TNO 0: POINT 01-99 track starts, A0/A1 first/last track, A2 lead-out).
std::uint32_t DriveState::FinishRaw(DiscImpl& d) {
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  std::int32_t starts[100] = {};
  std::uint8_t controls[100] = {};
  bool seen[100] = {};
  std::int32_t leadout = -1;
  for (std::int32_t l = kCdLeadInStart; l < std::min<std::int32_t>(sao_next, -150); ++l) {
    if (!d.store().Read(d.SlotOffset(l), slot)) return sense::kUnrecoveredRead;
    auto q = cd::DeinterleaveQ(slot.data() + kCdSubOffset);
    if ((q[0] & 0x0F) != 1 || q[1] != 0) continue;
    std::uint16_t crc = cd::QCrc(std::span<const std::uint8_t>(q.data(), 10));
    if (q[10] != (crc >> 8) || q[11] != (crc & 0xFF)) continue;
    const std::uint8_t pointer = q[2];
    const std::int32_t pl = cd::MsfToLba(cd::FromBcd(q[7]), cd::FromBcd(q[8]), cd::FromBcd(q[9]));
    if (pointer == 0xA2) {
      leadout = pl;
    } else if (pointer >= 0x01 && pointer <= 0x99) {
      const std::uint8_t n = cd::FromBcd(pointer);
      if (n >= 1 && n <= 99) {
        starts[n] = pl;
        controls[n] = q[0] >> 4;
        seen[n] = true;
      }
    }
  }
  Track* inv = d.InvisibleTrack();
  if (inv == nullptr) return sense::kSequenceError;
  const std::uint32_t session = inv->session;
  d.tracks_.pop_back();
  if (leadout < 0) leadout = sao_next;
  std::vector<Track> made;
  for (int n = 1; n <= 99 && seen[n]; ++n) {
    Track t;
    t.session = session;
    t.start = starts[n];
    t.control = controls[n];
    t.mode = (controls[n] & 0x04) ? TrackMode::kData : TrackMode::kAudio;
    t.block_size = 2352;
    t.write_type = 3;
    t.state = TrackState::kComplete;
    made.push_back(t);
  }
  for (std::size_t i = 0; i < made.size(); ++i) {
    std::int32_t end =
        i + 1 < made.size() ? made[i + 1].start - static_cast<std::int32_t>(kCdPregap) : leadout;
    if (i + 1 < made.size() &&
        made[i + 1].start - made[i].start < static_cast<std::int32_t>(kCdPregap)) {
      end = made[i + 1].start;
    }
    end = std::min(end, sao_next);
    made[i].size = static_cast<std::uint32_t>(std::max(0, end - made[i].start));
    made[i].recorded = made[i].size;
  }
  return CloseDaoSession(d, std::move(made), session);
}

// The end of a Disc-at-Once session (SAO or RAW): the tracks it recorded join the disc,
// and the session closes — finalizing the disc unless the host allowed a next session.
std::uint32_t DriveState::CloseDaoSession(DiscImpl& d, std::vector<Track> made,
                                          std::uint32_t session) {
  std::erase_if(made, [](const Track& t) { return t.size == 0; });
  for (const Track& t : made) d.tracks_.push_back(t);
  sao_active = false;
  if (made.empty()) {
    d.OpenNextTrack();
    return sense::kNone;
  }
  d.closed_sessions_ = session;
  if (!d.next_session_allowed_) {
    d.finalized_ = true;
  } else {
    d.OpenNextTrack();
  }
  return sense::kNone;
}

std::uint32_t DriveState::CommitDisc() {
  DiscImpl* d = disc_impl();
  if (d == nullptr) return sense::kNone;
  if (!d->Commit()) return sense::kWriteError;
  return sense::kNone;
}

// --- MMC-5 6.42 SYNCHRONIZE CACHE ------------------------------------------------------
std::uint32_t DriveState::SynchronizeCache() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  test_written = 0;
  if (d->is_cd() && sao_active) {
    std::uint32_t s = d->params_.write_type == 3 ? FinishRaw(*d) : FinishSao(*d);
    if (s != sense::kNone) return s;
  }
  // DVD-R DAO: a fully written reserved track closes the disc (MMC-5 4.5.4.3).
  const std::uint16_t profile = d->CurrentProfile();
  if ((profile == 0x11 || profile == 0x14 || profile == 0x15) && d->params_.write_type == 2) {
    for (Track& t : d->tracks_) {
      if (t.state == TrackState::kReserved && t.recorded == t.size && t.write_type == 2) {
        d->next_session_allowed_ = false;
        d->CloseSession(true);
        break;
      }
    }
  }
  const std::uint32_t s = CommitDisc();
  if (s == sense::kNone && (cdb_.size() > 1 && (cdb_[1] & 0x02) != 0)) StartBackground(0x07);
  return s;
}

// --- MMC-5 6.3 CLOSE TRACK/SESSION -------------------------------------------------------
std::uint32_t DriveState::CloseTrackSession() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const std::uint8_t func = cdb_[2] & 0x07;
  const std::uint16_t track = LoadBe16(&cdb_[4]);
  const std::uint16_t profile = d->CurrentProfile();
  std::uint32_t s = sense::kNone;
  switch (func) {
    case 0:  // DVD+RW / BD-RE: stop background formatting ("de-icing")
      if (d->random_access()) {
        if (d->bg_format_ == 2) d->bg_format_ = 1;
      } else {
        return sense::kInvalidField;
      }
      break;
    case 1:
      s = d->CloseTrack(track);
      break;
    case 2: {
      const bool plus = profile == 0x1B || profile == 0x2B || profile == 0x41;
      s = d->CloseSession(!plus && !d->next_session_allowed_);
      break;
    }
    case 3:  // DVD+R DL / BD-R: close session for later finalization
      if (profile != 0x2B) return sense::kInvalidField;
      s = d->CloseSession(false);
      break;
    case 5:  // DVD+R: finalize with minimal radius
    case 6:  // DVD+R / BD-R: finalize
      if (profile != 0x1B && profile != 0x2B && profile != 0x41) return sense::kInvalidField;
      s = d->CloseSession(true);
      break;
    default:
      return sense::kInvalidField;
  }
  if (s != sense::kNone) return s;
  s = CommitDisc();
  if (s == sense::kNone && (cdb_[1] & 0x01) != 0) StartBackground(0x07);  // IMMED
  return s;
}

// --- MMC-5 6.30 RESERVE TRACK --------------------------------------------------------------
std::uint32_t DriveState::ReserveTrack() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  if (cdb_[1] & 0x01) return sense::kInvalidField;  // ARSV (address form): not supported
  std::uint32_t s = d->Reserve(LoadBe32(&cdb_[5]));
  if (s != sense::kNone) return s;
  return CommitDisc();
}

// --- MMC-5 6.5 FORMAT UNIT ---------------------------------------------------------------
std::uint32_t DriveState::FormatUnit() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  if ((cdb_[1] & 0x07) != 1) return sense::kInvalidField;  // format code 001b
  std::uint8_t type = d->media() == base::MediaType::kDvdPlusRw ? 0x26 : 0x00;
  std::uint32_t blocks = 0;
  bool immed = false;
  if (cdb_[1] & 0x10) {  // FmtData: a parameter list with one format descriptor follows
    if (data_.size() < 12) return sense::kParameterLength;
    if (LoadBe16(&data_[2]) != 8) return sense::kInvalidParameter;
    immed = (data_[1] & 0x02) != 0;  // format list header (MMC-5 6.5.3.2): IMMED
    blocks = LoadBe32(&data_[4]);
    type = data_[8] >> 2;
  }
  std::uint32_t s = d->Format(type, blocks);
  if (s != sense::kNone) return s;
  s = CommitDisc();
  if (s == sense::kNone && immed) StartBackground(0x04);  // 04/04: format in progress
  return s;
}

// --- MMC-5 6.2 BLANK ---------------------------------------------------------------------
std::uint32_t DriveState::BlankCmd() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  std::uint32_t s = d->Blank(cdb_[1] & 0x07);
  if (s != sense::kNone) return s;
  sao_active = false;
  s = CommitDisc();
  if (s == sense::kNone && (cdb_[1] & 0x10) != 0) StartBackground(0x07);  // IMMED
  return s;
}

// --- MMC-5 6.33 SEND CUE SHEET -------------------------------------------------------------
std::uint32_t DriveState::SendCueSheet() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (!d->is_cd()) return sense::kIncompatibleWrite;
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  if (d->params_.write_type != 2) return sense::kSequenceError;
  Track* inv = d->InvisibleTrack();
  if (inv == nullptr || inv->recorded != 0) return sense::kSequenceError;
  if (data_.empty() || data_.size() % 8 != 0 || data_.size() > 4095) return sense::kParameterLength;
  std::vector<CueEntry> cue;
  std::string catalog;
  std::array<std::string, 100> isrc{};
  for (std::size_t i = 0; i < data_.size(); i += 8) {
    CueEntry e;
    e.ctl_adr = data_[i];
    e.track = data_[i + 1];
    e.index = data_[i + 2];
    e.data_form = data_[i + 3];
    e.scms = data_[i + 4];
    // ADR 2/3 entries (MMC-5 6.33.3.3-4: the catalog number and the ISRC, in pairs) carry
    // characters in bytes 1-7, not an address, and no layout.
    if ((e.ctl_adr & 0x0F) == 2) {  // N1-N7, then N8-N13
      catalog.append(reinterpret_cast<const char*>(&data_[i + 1]), catalog.empty() ? 7 : 6);
      continue;
    }
    if ((e.ctl_adr & 0x0F) == 3) {  // TNO, I1-I6; then TNO, I7-I12
      if (e.track < isrc.size() && isrc[e.track].size() < 12) {
        isrc[e.track].append(reinterpret_cast<const char*>(&data_[i + 2]), 6);
      }
      continue;
    }
    if ((e.ctl_adr & 0x0F) != 1) continue;
    if (data_[i + 6] >= 60 || data_[i + 7] >= 75) return sense::kInvalidParameter;
    e.lba = cd::MsfToLba(data_[i + 5], data_[i + 6], data_[i + 7]);
    if (!CueFormBytes(e.data_form)) return sense::kInvalidParameter;
    cue.push_back(e);
  }
  // A lead-in entry first, ascending track-index addresses, a lead-out entry last.
  if (cue.size() < 3 || cue.front().track != 0 || cue.back().track != 0xAA)
    return sense::kInvalidParameter;
  std::uint8_t last_track = 0;
  for (std::size_t i = 1; i + 1 < cue.size(); ++i) {
    const CueEntry& e = cue[i];
    if (e.track < 1 || e.track > 99 || e.track < last_track || e.track > last_track + 1) {
      return sense::kInvalidParameter;
    }
    if (i > 1 && e.lba < cue[i - 1].lba) return sense::kInvalidParameter;
    last_track = e.track;
  }
  if (cue.back().lba <= cue[1].lba ||
      cue.back().lba > static_cast<std::int32_t>(d->info().capacity_sectors)) {
    return sense::kInvalidParameter;
  }
  d->cue_ = cue;
  d->cue_catalog_ = ValidCatalog(catalog) ? catalog : std::string();
  for (std::size_t t = 0; t < isrc.size(); ++t) {
    d->cue_isrc_[t] = ValidIsrc(isrc[t]) ? isrc[t] : std::string();
  }
  sao_active = true;
  // Cue sheet addresses are absolute: the first pre-gap must begin where this session's
  // program area may (−150 on a blank disc).
  if (cue[1].lba < inv->start - static_cast<std::int32_t>(kCdPregap))
    return sense::kInvalidParameter;
  sao_next = cue[1].lba;
  if (cue.front().data_form & 0x40) sao_next = kCdLeadInStart;  // CD-TEXT in the lead-in
  return sense::kNone;
}

}  // namespace emulator
