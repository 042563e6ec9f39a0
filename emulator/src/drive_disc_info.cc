// emulator::Drive, disc and track information: READ CAPACITY, READ FORMAT CAPACITIES,
// READ DISC INFORMATION, READ TRACK INFORMATION, READ TOC/PMA/ATIP (TOC, session, full
// TOC, PMA, ATIP), READ DISC STRUCTURE and SEND DISC STRUCTURE (MMC-6 clause 6), built
// from the recording model of disc_impl.h.
#include <algorithm>
#include <cstring>

#include "cd/cdtext.h"
#include "cd/msf.h"
#include "cd/subchannel.h"
#include "drive_impl.h"

namespace emulator {

namespace {

// The CD-TEXT packs recorded in the R-W sub-channel of the first lead-in (MMC-5 Annex J):
// each sector carries four 18-byte packs as 96 6-bit symbols (bits 5-0 of each raw P-W
// byte). The packs repeat through the lead-in; one cycle is read, ordered by block and
// sequence number, packs with a bad CRC skipped. Empty when none is found within the
// first 300 sectors of the lead-in.
std::vector<cd::CdTextPack> LeadInCdText(DiscImpl& d) {
  std::vector<cd::CdTextPack> packs;
  std::vector<bool> seen(8 * 256, false);
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  std::int32_t without = 0;
  for (std::int32_t l = kCdLeadInStart; l < -static_cast<std::int32_t>(kCdPregap); ++l) {
    if (!d.store().Read(d.SlotOffset(l), slot)) break;
    const std::uint8_t* sub = slot.data() + kCdSubOffset;
    std::uint8_t bytes[72];
    for (std::size_t i = 0, o = 0; i < 96; i += 4, o += 3) {
      const std::uint8_t a = sub[i] & 0x3F, b = sub[i + 1] & 0x3F, c = sub[i + 2] & 0x3F,
                         e = sub[i + 3] & 0x3F;
      bytes[o] = static_cast<std::uint8_t>((a << 2) | (b >> 4));
      bytes[o + 1] = static_cast<std::uint8_t>((b << 4) | (c >> 2));
      bytes[o + 2] = static_cast<std::uint8_t>((c << 6) | e);
    }
    bool found = false;
    bool cycle = false;
    for (std::size_t k = 0; k < 4; ++k) {
      cd::CdTextPack p;
      std::memcpy(p.data(), bytes + k * cd::kCdTextPackBytes, cd::kCdTextPackBytes);
      if (p[0] < 0x80 || p[0] > 0x8F) continue;
      const std::uint16_t crc = cd::CdTextCrc(std::span<const std::uint8_t>(p.data(), 16));
      if (p[16] != (crc >> 8) || p[17] != (crc & 0xFF)) continue;
      found = true;
      const std::size_t key = std::size_t{(p[3] >> 4) & 0x07u} * 256 + p[2];
      if (seen[key]) {
        cycle = true;
        break;
      }
      seen[key] = true;
      packs.push_back(p);
    }
    if (cycle) break;
    without = found ? 0 : without + 1;
    if (without >= 300) break;
  }
  std::stable_sort(packs.begin(), packs.end(),
                   [](const cd::CdTextPack& a, const cd::CdTextPack& b) {
                     return std::pair((a[3] >> 4) & 7, a[2]) < std::pair((b[3] >> 4) & 7, b[2]);
                   });
  return packs;
}

// The first Q frame of ADR `mode` with a good CRC in the sub-channel of [lba, lba + count).
std::optional<std::array<std::uint8_t, 12>> FindQ(DiscImpl& d, std::int32_t lba,
                                                  std::uint32_t count, std::uint8_t mode) {
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::int32_t l = lba + static_cast<std::int32_t>(i);
    if (!d.InStore(l, 1) || !d.store().Read(d.SlotOffset(l), slot)) break;
    auto q = cd::DeinterleaveQ(slot.data() + kCdSubOffset);
    if ((q[0] & 0x0F) != mode) continue;
    const std::uint16_t crc = cd::QCrc(std::span<const std::uint8_t>(q.data(), 10));
    if (q[10] == (crc >> 8) && q[11] == (crc & 0xFF)) return q;
  }
  return std::nullopt;
}

std::uint32_t QBits(const std::array<std::uint8_t, 12>& q, int pos, int width) {
  std::uint32_t v = 0;
  for (int i = 0; i < width; ++i) {
    const int bit = pos + i;
    v = (v << 1) | ((q[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1u);
  }
  return v;
}

}  // namespace

// --- MMC-5 6.19 READ CAPACITY ------------------------------------------------------------
std::uint32_t DriveState::ReadCapacity() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  std::uint32_t last = 0;
  if (d->random_access()) {
    last = d->Capacity() - 1;
  } else {
    std::int64_t end = 0;
    for (const Track& t : d->tracks_) {
      if (t.recorded > 0) end = std::max<std::int64_t>(end, std::int64_t{t.start} + t.recorded);
    }
    last = end > 0 ? static_cast<std::uint32_t>(end - 1) : 0;
  }
  out_.assign(8, 0);
  StoreBe32(&out_[0], last);
  StoreBe32(&out_[4], 2048);
  return sense::kNone;
}

// --- MMC-5 6.24 READ FORMAT CAPACITIES --------------------------------------------------
std::uint32_t DriveState::ReadFormatCapacities() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const std::uint32_t full = d->info().capacity_sectors;
  out_.assign(4, 0);
  auto desc = [&](std::uint32_t blocks, std::uint8_t type_byte, std::uint32_t param) {
    std::uint8_t e[8];
    StoreBe32(e, blocks);
    e[4] = type_byte;
    e[5] = static_cast<std::uint8_t>(param >> 16);
    e[6] = static_cast<std::uint8_t>(param >> 8);
    e[7] = static_cast<std::uint8_t>(param);
    out_.insert(out_.end(), e, e + 8);
  };
  const bool formatted = d->formatted_;
  const std::uint8_t current_type = formatted ? 0x02 : 0x01;
  switch (d->media()) {
    case base::MediaType::kDvdPlusRw:
      desc(formatted ? d->Capacity() : full, current_type, 2048);
      desc(full, 0x26 << 2, 0);
      break;
    case base::MediaType::kDvdMinusRw:
      desc(formatted ? d->Capacity() : full, current_type, 2048);
      desc(full, 0x10 << 2, 16);
      desc(full, 0x15 << 2, 16);
      if (formatted) desc(full, 0x13 << 2, 16);
      break;
    case base::MediaType::kDvdRam:
      desc(d->Capacity(), 0x02, 2048);
      desc(full, 0x00 << 2, 2048);
      break;
    case base::MediaType::kBdRe:
    case base::MediaType::kBdReDl:
      desc(formatted ? d->Capacity() : full, current_type, 2048);
      desc(full, 0x00 << 2, 0);
      desc(full - full / 32, 0x30 << 2, 0);
      desc(full, 0x31 << 2, 0);
      break;
    case base::MediaType::kBdR:
    case base::MediaType::kBdRDl:
      desc(full, d->State() == DiscState::kBlank ? 0x01 : 0x02, 2048);
      if (d->State() == DiscState::kBlank) {
        desc(full, 0x00 << 2, 0);
        desc(full - full / 32, 0x32 << 2, 0);
      }
      break;
    default:
      desc(full, 0x03, 2048);  // not formattable: maximum capacity (MMC-5 6.24.3.2)
      break;
  }
  out_[3] = static_cast<std::uint8_t>(out_.size() - 4);
  return sense::kNone;
}

// --- MMC-5 6.22 READ DISC INFORMATION --------------------------------------------------
std::uint32_t DriveState::ReadDiscInformation() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if ((cdb_[1] & 0x07) != 0) return sense::kInvalidField;  // only standard disc information
  out_.assign(34, 0);
  std::uint8_t* r = out_.data();
  StoreBe16(r, 32);
  const DiscState st = d->State();
  std::uint8_t disc_status = 0, session_state = 0;
  switch (st) {
    case DiscState::kBlank:
      disc_status = 0;
      session_state = 0;
      break;
    case DiscState::kAppendable:
      disc_status = 1;
      session_state = d->LastSessionEmpty() ? 0 : 1;
      break;
    case DiscState::kComplete:
      disc_status = 2;
      session_state = 3;
      break;
    case DiscState::kFormatted:
      disc_status = d->media() == base::MediaType::kDvdRam ? 3 : 2;
      session_state = 3;
      break;
  }
  r[2] = static_cast<std::uint8_t>((d->info().rewritable ? 0x10 : 0) | (session_state << 2) |
                                   disc_status);
  r[3] = 1;
  const std::uint32_t sessions = std::max<std::uint32_t>(1, d->SessionCount());
  std::uint32_t first_last = 1, last_last = 1;
  if (!d->random_access() && !d->tracks_.empty()) {
    const std::uint32_t last_session = d->tracks_.back().session;
    last_last = static_cast<std::uint32_t>(d->tracks_.size());
    first_last = last_last;
    for (std::size_t i = 0; i < d->tracks_.size(); ++i) {
      if (d->tracks_[i].session == last_session) {
        first_last = static_cast<std::uint32_t>(i + 1);
        break;
      }
    }
  }
  r[4] = static_cast<std::uint8_t>(sessions);
  r[5] = static_cast<std::uint8_t>(first_last);
  r[6] = static_cast<std::uint8_t>(last_last);
  r[7] = static_cast<std::uint8_t>(0x20 | (d->bg_format_ & 0x03));  // URU
  r[8] = 0x00;                                                      // CD-DA / CD-ROM, or not a CD
  r[9] = static_cast<std::uint8_t>(sessions >> 8);
  r[10] = static_cast<std::uint8_t>(first_last >> 8);
  r[11] = static_cast<std::uint8_t>(last_last >> 8);
  if (d->is_cd()) {
    // Last session lead-in start and last possible lead-out start, as MSF.
    cd::Msf in = cd::LbaToMsf(kCdLeadInStart);
    if (st == DiscState::kAppendable && d->InvisibleTrack() != nullptr) {
      in = cd::LbaToMsf(d->InvisibleTrack()->start -
                        static_cast<std::int32_t>(kCdPregap + kCdLeadIn));
    }
    cd::Msf out = cd::LbaToMsf(static_cast<std::int32_t>(d->info().capacity_sectors));
    if (st == DiscState::kComplete) {
      std::memset(r + 16, 0xFF, 8);
    } else {
      r[17] = in.minute;
      r[18] = in.second;
      r[19] = in.frame;
      r[21] = out.minute;
      r[22] = out.second;
      r[23] = out.frame;
    }
  }
  return sense::kNone;
}

// --- MMC-5 6.27 READ TRACK INFORMATION -------------------------------------------------
std::uint8_t DriveState::FillTrackInfo(DiscImpl& d, std::size_t index, std::uint8_t* r) {
  StoreBe16(r, 46);
  if (d.random_access()) {
    r[2] = 1;
    r[3] = 1;
    r[5] = 0x04;
    r[6] = 0x01;                      // data mode 1
    r[7] = 0x01;                      // NWA_V
    StoreBe32(r + 16, d.Capacity());  // free blocks
    StoreBe32(r + 20, d.alignment());
    StoreBe32(r + 24, d.Capacity());
    return 0;
  }
  const Track& t = d.tracks_[index];
  const std::uint32_t number = static_cast<std::uint32_t>(index + 1);
  r[2] = static_cast<std::uint8_t>(number);
  r[3] = static_cast<std::uint8_t>(t.session);
  r[32] = static_cast<std::uint8_t>(number >> 8);
  r[33] = static_cast<std::uint8_t>(t.session >> 8);
  r[5] = static_cast<std::uint8_t>(t.mode == TrackMode::kAudio ? 0x00 : 0x04);
  std::uint8_t b6 = static_cast<std::uint8_t>(t.mode == TrackMode::kMode2 ? 0x02 : 0x01);
  if (t.mode == TrackMode::kAudio) b6 = 0x0F;
  if (t.state == TrackState::kReserved) b6 |= 0x80;
  if (t.recorded == 0 && t.state != TrackState::kComplete) b6 |= 0x40;  // Blank
  if (!d.is_cd() && t.state != TrackState::kComplete) b6 |= 0x20;       // incremental
  r[6] = b6;
  std::uint32_t size = 0, free = 0;
  switch (t.state) {
    case TrackState::kInvisible:
      size = static_cast<std::uint32_t>(std::max<std::int64_t>(0, d.WritableEnd() - t.start));
      free = size - std::min(size, t.recorded);
      break;
    case TrackState::kReserved:
    case TrackState::kIncomplete:
      size = t.size;
      free = t.size - std::min(t.size, t.recorded);
      break;
    case TrackState::kComplete:
      size = std::max(t.size, t.recorded);
      break;
  }
  auto nwa = d.NextWritable(t);
  std::uint8_t b7 = nwa ? 0x01 : 0x00;
  if (t.recorded > 0) b7 |= 0x02;  // LRA_V
  r[7] = b7;
  StoreBe32(r + 8, static_cast<std::uint32_t>(t.start));
  if (nwa) {
    std::int32_t v = *nwa;
    // SAO/RAW on a blank CD: the host starts at the first pre-gap (-150) or the lead-in.
    // The invisible track of an appended session reports its first user data sector,
    // whatever the write type: lead-out start + 11400 after the first session (6750
    // lead-out + 4500 lead-in + 150 pre-gap, specs/emulator.md §2) and + 6900 after later ones.
    // That is where a multi-session file system must be addressed (`-msinfo` of cdrskin
    // and wodim prints it), a TAO track's data is written, and an SAO host places the
    // pre-gap 150 sectors before (specs/compatibility.md, "CD-R append").
    if (d.is_cd() && t.state == TrackState::kInvisible && t.recorded == 0 &&
        d.closed_sessions_ == 0) {
      if (d.params_.write_type == 2) v = t.start - static_cast<std::int32_t>(kCdPregap);
      if (d.params_.write_type == 3) v = kCdLeadInStart;
    }
    StoreBe32(r + 12, static_cast<std::uint32_t>(v));
  }
  StoreBe32(r + 16, free);
  StoreBe32(r + 20, d.is_cd() ? 0 : d.alignment());
  StoreBe32(r + 24, size);
  if (t.recorded > 0)
    StoreBe32(r + 28,
              static_cast<std::uint32_t>(t.start + static_cast<std::int32_t>(t.recorded) - 1));
  return 0;
}

std::uint32_t DriveState::ReadTrackInformation() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const std::uint8_t type = cdb_[1] & 0x03;
  const std::uint32_t value = LoadBe32(&cdb_[2]);
  std::size_t index = 0;
  if (d->random_access()) {
    if ((type == 1 && value != 1 && value != 0xFF) || (type == 0 && value >= d->Capacity()) ||
        (type == 2 && value != 1) || type == 3) {
      return sense::kInvalidField;
    }
  } else if (type == 0) {  // LBA
    bool found = false;
    for (std::size_t i = 0; i < d->tracks_.size(); ++i) {
      const Track& t = d->tracks_[i];
      std::int64_t extent = t.state == TrackState::kInvisible
                                ? std::int64_t{d->WritableEnd()} - t.start
                                : std::int64_t{std::max(t.size, t.recorded)};
      std::int64_t lba = static_cast<std::int32_t>(value);
      if (lba >= t.start && lba < t.start + extent) {
        index = i;
        found = true;
        break;
      }
    }
    if (!found) return sense::kInvalidField;
  } else if (type == 1) {  // logical track number; FFh = the invisible track
    if (value == 0xFF) {
      if (d->InvisibleTrack() == nullptr) return sense::kInvalidField;
      index = d->tracks_.size() - 1;
    } else {
      if (value == 0 || value > d->tracks_.size()) return sense::kInvalidField;
      index = value - 1;
    }
  } else if (type == 2) {  // session number: its first track
    bool found = false;
    for (std::size_t i = 0; i < d->tracks_.size(); ++i) {
      if (d->tracks_[i].session == value) {
        index = i;
        found = true;
        break;
      }
    }
    if (!found) return sense::kInvalidField;
  } else {
    return sense::kInvalidField;
  }
  out_.assign(48, 0);
  FillTrackInfo(*d, index, out_.data());
  return sense::kNone;
}

// --- MMC-5 6.26 READ TOC/PMA/ATIP -------------------------------------------------------
std::uint32_t DriveState::ReadToc() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const bool msf = (cdb_[1] & 0x02) != 0;
  std::uint8_t format = cdb_[2] & 0x0F;
  if (format == 0 && (cdb_[9] >> 6) != 0) format = cdb_[9] >> 6;  // SFF-8020 legacy field
  const std::uint8_t number = cdb_[6];
  auto addr = [&](std::uint8_t* p, std::int32_t lba) {
    if (msf) {
      cd::Msf m = cd::LbaToMsf(lba);
      p[0] = 0;
      p[1] = m.minute;
      p[2] = m.second;
      p[3] = m.frame;
    } else {
      StoreBe32(p, static_cast<std::uint32_t>(lba));
    }
  };
  // The tracks a TOC shows: CD, those of closed sessions; other media, recorded tracks.
  struct Entry {
    std::uint32_t number, session;
    std::int32_t start, end;
    std::uint8_t control;
  };
  std::vector<Entry> entries;
  if (d->random_access()) {
    entries.push_back({1, 1, 0, static_cast<std::int32_t>(d->Capacity()), 4});
  } else {
    for (std::size_t i = 0; i < d->tracks_.size(); ++i) {
      const Track& t = d->tracks_[i];
      const bool shown = d->is_cd() ? t.session <= d->closed_sessions_ || d->finalized_
                                    : (t.recorded > 0 || t.state == TrackState::kComplete);
      if (!shown) continue;
      entries.push_back({static_cast<std::uint32_t>(i + 1), t.session, t.start,
                         t.start + static_cast<std::int32_t>(std::max(t.size, t.recorded)),
                         static_cast<std::uint8_t>(t.mode == TrackMode::kAudio ? 0 : 4)});
    }
  }
  switch (format) {
    case 0: {  // TOC
      if (entries.empty()) return sense::kInvalidField;
      if (number > entries.back().number && number != 0xAA) return sense::kInvalidField;
      out_.assign(4, 0);
      out_[2] = static_cast<std::uint8_t>(entries.front().number);
      out_[3] = static_cast<std::uint8_t>(entries.back().number);
      for (const Entry& e : entries) {
        if (e.number < number || number == 0xAA) continue;
        std::uint8_t desc[8] = {0,
                                static_cast<std::uint8_t>(0x10 | e.control),
                                static_cast<std::uint8_t>(e.number),
                                0,
                                0,
                                0,
                                0,
                                0};
        addr(desc + 4, e.start);
        out_.insert(out_.end(), desc, desc + 8);
      }
      std::uint8_t lo[8] = {
          0, static_cast<std::uint8_t>(0x10 | entries.back().control), 0xAA, 0, 0, 0, 0, 0};
      addr(lo + 4, entries.back().end);
      out_.insert(out_.end(), lo, lo + 8);
      break;
    }
    case 1: {  // session information
      if (entries.empty()) return sense::kInvalidField;
      out_.assign(12, 0);
      out_[2] = 1;
      out_[3] = static_cast<std::uint8_t>(entries.back().session);
      const Entry* first = &entries.back();
      for (const Entry& e : entries) {
        if (e.session == entries.back().session) {
          first = &e;
          break;
        }
      }
      out_[5] = static_cast<std::uint8_t>(0x10 | first->control);
      out_[6] = static_cast<std::uint8_t>(first->number);
      addr(&out_[8], first->start);
      break;
    }
    case 2: {  // full TOC (CD): A0/A1/A2 and track points per session, B0 when appendable
      if (!d->is_cd() || entries.empty()) return sense::kInvalidField;
      out_.assign(4, 0);
      out_[2] = 1;
      out_[3] = static_cast<std::uint8_t>(entries.back().session);
      auto point = [&](std::uint8_t session, std::uint8_t control, std::uint8_t pt, std::uint8_t a,
                       std::uint8_t b, std::uint8_t c, std::uint8_t pm, std::uint8_t ps,
                       std::uint8_t pf) {
        std::uint8_t e[11] = {
            session, static_cast<std::uint8_t>(0x10 | control), 0, pt, a, b, c, 0, pm, ps, pf};
        out_.insert(out_.end(), e, e + 11);
      };
      for (std::uint32_t s = 1; s <= entries.back().session; ++s) {
        std::vector<const Entry*> in;
        for (const Entry& e : entries) {
          if (e.session == s) in.push_back(&e);
        }
        if (in.empty()) continue;
        const auto ss = static_cast<std::uint8_t>(s);
        point(ss, in.front()->control, 0xA0, 0, 0, 0, static_cast<std::uint8_t>(in.front()->number),
              0x00, 0);
        point(ss, in.back()->control, 0xA1, 0, 0, 0, static_cast<std::uint8_t>(in.back()->number),
              0, 0);
        cd::Msf lo = cd::LbaToMsf(in.back()->end);
        point(ss, in.back()->control, 0xA2, 0, 0, 0, lo.minute, lo.second, lo.frame);
        for (const Entry* e : in) {
          cd::Msf m = cd::LbaToMsf(e->start);
          point(ss, e->control, static_cast<std::uint8_t>(e->number), 0, 0, 0, m.minute, m.second,
                m.frame);
        }
        if (s == entries.back().session && !d->finalized_ && d->InvisibleTrack() != nullptr) {
          cd::Msf next = cd::LbaToMsf(d->InvisibleTrack()->start);
          cd::Msf max = cd::LbaToMsf(static_cast<std::int32_t>(d->info().capacity_sectors));
          point(ss, 4, 0xB0, next.minute, next.second, next.frame, max.minute, max.second,
                max.frame);
        }
      }
      break;
    }
    case 3:  // PMA: not kept separately
      if (!d->is_cd()) return sense::kInvalidField;
      out_.assign(4, 0);
      break;
    case 5: {  // CD-TEXT of the lead-in (MMC-5 6.26.2.9): 18-byte pack descriptors
      if (!d->is_cd()) return sense::kInvalidField;
      out_.assign(4, 0);
      for (const cd::CdTextPack& p : LeadInCdText(*d)) out_.insert(out_.end(), p.begin(), p.end());
      break;
    }
    case 4: {  // ATIP (CD-R/RW)
      if (!d->is_cd()) return sense::kInvalidField;
      out_.assign(28, 0);
      out_[4] = 0x80 | 0x50 | 0x01;  // indicative writing power, reference speed
      out_[5] = 0x40;                // URU
      out_[6] =
          static_cast<std::uint8_t>(0x80 | (d->media() == base::MediaType::kCdRw ? 0x40 : 0x00));
      cd::Msf in = cd::LbaToMsf(kCdLeadInStart);
      cd::Msf lo = cd::LbaToMsf(static_cast<std::int32_t>(d->info().capacity_sectors));
      out_[8] = in.minute;
      out_[9] = in.second;
      out_[10] = in.frame;
      out_[12] = lo.minute;
      out_[13] = lo.second;
      out_[14] = lo.frame;
      break;
    }
    default:
      return sense::kInvalidField;
  }
  StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
  return sense::kNone;
}

// --- MMC-5 6.28 READ SUB-CHANNEL -------------------------------------------------------
// Sub-Q data from what the disc recorded: the current position (a stopped drive: the
// start of track 1), the media catalog number (Q mode 2) and a track's ISRC (Q mode 3),
// each found in the first 200 sectors of the first track or of that track (IEC 60908
// 17.5.1 places them at least once in every 100).
std::uint32_t DriveState::ReadSubChannel() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const bool msf = (cdb_[1] & 0x02) != 0;
  const bool subq = (cdb_[2] & 0x40) != 0;
  const std::uint8_t format = cdb_[3];
  const std::uint8_t number = cdb_[6];
  out_.assign(4, 0);
  out_[1] = 0x15;  // audio status: none to report
  if (!subq) return sense::kNone;
  if (!d->is_cd() && format != 0x01) return sense::kInvalidField;
  auto recorded = [&](std::size_t i) {
    const Track& t = d->tracks_[i];
    return t.recorded > 0 && (t.session <= d->closed_sessions_ || d->finalized_);
  };
  const Track* first = !d->tracks_.empty() && recorded(0) ? &d->tracks_[0] : nullptr;
  switch (format) {
    case 0x01: {  // CD current position
      out_.resize(16, 0);
      out_[4] = 0x01;
      if (first != nullptr) {
        out_[5] = static_cast<std::uint8_t>(0x10 | first->control);
        out_[6] = 1;
        out_[7] = 1;
        if (msf) {
          cd::Msf m = cd::LbaToMsf(first->start);
          out_[9] = m.minute;
          out_[10] = m.second;
          out_[11] = m.frame;
          out_[14] = 0;
          out_[15] = 0;
        } else {
          StoreBe32(&out_[8], static_cast<std::uint32_t>(first->start));
        }
      }
      break;
    }
    case 0x02: {  // media catalog number
      out_.resize(24, 0);
      out_[4] = 0x02;
      if (first == nullptr) break;
      auto q = FindQ(*d, first->start, std::min<std::uint32_t>(first->recorded, 200), 2);
      if (!q) break;
      out_[8] = 0x80;  // MCVAL
      for (int i = 0; i < 13; ++i) {
        out_[9 + static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>('0' + QBits(*q, 8 + 4 * i, 4));
      }
      out_[23] = (*q)[9];  // AFRAME
      break;
    }
    case 0x03: {  // ISRC of track `number`
      if (number < 1 || number > d->tracks_.size() || !recorded(number - 1u)) {
        return sense::kInvalidField;
      }
      const Track& t = d->tracks_[number - 1u];
      out_.resize(24, 0);
      out_[4] = 0x03;
      out_[5] = static_cast<std::uint8_t>(0x30 | t.control);
      out_[6] = number;
      auto q = FindQ(*d, t.start, std::min<std::uint32_t>(t.recorded, 200), 3);
      if (!q) break;
      out_[8] = 0x80;  // TCVAL
      for (int i = 0; i < 5; ++i) {
        out_[9 + static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>('0' + QBits(*q, 8 + 6 * i, 6));
      }
      for (int i = 0; i < 7; ++i) {
        out_[14 + static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>('0' + QBits(*q, 40 + 4 * i, 4));
      }
      out_[22] = (*q)[9];  // AFRAME
      break;
    }
    default:
      return sense::kInvalidField;
  }
  StoreBe16(&out_[2], static_cast<std::uint16_t>(out_.size() - 4));
  return sense::kNone;
}

// --- MMC-5 6.23 READ DISC STRUCTURE / 6.34 SEND DISC STRUCTURE ---------------------------
std::uint32_t DriveState::ReadDiscStructure() {
  DiscImpl* d;
  const std::uint8_t format = cdb_[7];
  if (format == 0xFF) {  // the list of supported structures, medium or not
    out_.assign(4, 0);
    for (std::uint8_t f :
         {std::uint8_t{0x00}, std::uint8_t{0x0A}, std::uint8_t{0x20}, std::uint8_t{0xFF}}) {
      out_.insert(out_.end(), {f, 0x40, 0x00, 0x00});
    }
    StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
    return sense::kNone;
  }
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const std::uint8_t media_type = cdb_[1] & 0x0F;
  if (d->is_cd()) return Sense(5, 0x30, 0x02);  // cannot read medium: incompatible format
  if (media_type == 1 && !d->is_bd()) return sense::kInvalidField;
  if (d->is_bd() || media_type == 1) {
    if (format != 0x0A) return sense::kInvalidField;
    out_.assign(16, 0);  // spare area: free / allocated spare blocks
    if (d->formatted_) {
      StoreBe32(&out_[8], d->info().capacity_sectors / 32);
      StoreBe32(&out_[12], d->info().capacity_sectors / 32);
    }
    StoreBe16(&out_[0], 14);
    return sense::kNone;
  }
  switch (format) {
    case 0x00: {  // physical format information (DVD layer descriptor)
      out_.assign(4 + 2048, 0);
      std::uint8_t* p = &out_[4];
      std::uint8_t book = 0;
      switch (d->CurrentProfile()) {
        case 0x11:
        case 0x15:
          book = 0x2;
          break;
        case 0x13:
        case 0x14:
          book = 0x3;
          break;
        case 0x12:
          book = 0x1;
          break;
        case 0x1A:
          book = 0x9;
          break;
        case 0x1B:
          book = 0xA;
          break;
        case 0x2B:
          book = 0xE;
          break;
        default:
          break;
      }
      p[0] = static_cast<std::uint8_t>(book << 4);
      p[1] = 0x0F;
      const bool dl = d->info().layers == 2;
      p[2] = static_cast<std::uint8_t>((dl ? 0x20 : 0x00) | (dl ? 0x10 : 0x00) |
                                       (d->info().rewritable ? 0x04 : 0x02));
      StoreBe32(p + 4, 0x030000);
      StoreBe32(p + 8, 0x030000 + d->info().capacity_sectors - 1);
      if (dl && d->layer_break_) StoreBe32(p + 12, 0x030000 + *d->layer_break_ - 1);
      StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
      return sense::kNone;
    }
    case 0x20: {  // layer boundary information
      if (d->info().layers != 2) return sense::kInvalidField;
      out_.assign(12, 0);
      StoreBe16(&out_[0], 10);
      // INIT STATUS (byte 4 bit 7): set once the boundary was sent or recording started;
      // growisofs -dvd-compat sends SEND DVD STRUCTURE only while it is clear.
      const std::uint32_t default_l0 = d->info().capacity_sectors / 2;
      bool fixed = d->layer_break_.value_or(default_l0) != default_l0;
      for (const Track& t : d->tracks_) fixed = fixed || t.recorded > 0;
      out_[4] = fixed ? 0x80 : 0x00;
      StoreBe32(&out_[8], d->layer_break_.value_or(d->info().capacity_sectors / 2));
      return sense::kNone;
    }
    default:
      return sense::kInvalidField;
  }
}

std::uint32_t DriveState::SendDvdStructure() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (cdb_[7] != 0x20 || d->info().layers != 2 || d->is_bd()) return sense::kInvalidField;
  if (data_.size() < 12) return sense::kParameterLength;
  const std::uint32_t l0 = LoadBe32(&data_[8]);
  for (const Track& t : d->tracks_) {
    if (t.recorded > 0) return sense::kSequenceError;  // fixed once recording started
  }
  const std::uint32_t cap = d->info().capacity_sectors;
  if (l0 == 0 || l0 % 16 != 0 || l0 > cap / 2 || l0 < cap / 2 / 8) return sense::kInvalidParameter;
  d->layer_break_ = l0;
  return CommitDisc();
}

}  // namespace emulator
