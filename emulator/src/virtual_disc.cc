// VirtualDisc and DiscImpl: the recording state of one medium, its rules per profile
// (MMC-5 §4.3–4.6; libburn's doc/cookbook.txt describes the same per-profile behaviour
// from the host side) and its persistent encoding (specs/emulator.md §3.3).
#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "cd/sector.h"
#include "disc_impl.h"

namespace emulator {
namespace {

constexpr std::uint32_t kMetadataMagic = 0x44534956;  // "VISD"
// Version 2 added the CD framing runs. Version 1 blobs still load: their cooked sectors
// were framed when written, so none is owed.
constexpr std::uint32_t kMetadataVersion = 2;

constexpr std::uint32_t kNoSense = 0;
constexpr std::uint32_t kSequenceError = Sense(5, 0x2C, 0x00);
constexpr std::uint32_t kInvalidField = Sense(5, 0x24, 0x00);
constexpr std::uint32_t kInvalidParameter = Sense(5, 0x26, 0x00);
constexpr std::uint32_t kIncompatibleMedium = Sense(5, 0x30, 0x00);
constexpr std::uint32_t kCannotFormat = Sense(5, 0x30, 0x06);

std::uint32_t AlignUp(std::uint32_t v, std::uint32_t a) { return (v + a - 1) / a * a; }

}  // namespace

const char* DiscStateName(DiscState state) {
  switch (state) {
    case DiscState::kBlank:
      return "blank";
    case DiscState::kAppendable:
      return "appendable";
    case DiscState::kComplete:
      return "complete";
    case DiscState::kFormatted:
      return "formatted";
  }
  return "?";
}
const char* TrackModeName(TrackMode mode) {
  switch (mode) {
    case TrackMode::kData:
      return "data";
    case TrackMode::kMode2:
      return "mode2";
    case TrackMode::kAudio:
      return "audio";
  }
  return "?";
}
const char* TrackStateName(TrackState state) {
  switch (state) {
    case TrackState::kInvisible:
      return "invisible";
    case TrackState::kReserved:
      return "reserved";
    case TrackState::kIncomplete:
      return "incomplete";
    case TrackState::kComplete:
      return "complete";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------
DiscImpl::DiscImpl(base::MediaType media, std::unique_ptr<SectorStore> store, std::string path)
    : media_(media), store_(std::move(store)), path_(std::move(path)) {
  ResetBlank();
}

std::uint64_t DiscImpl::StoreBytes(base::MediaType media) {
  const base::MediaInfo& m = base::GetMediaInfo(media);
  if (m.family == base::MediaFamily::kCd) {
    std::uint64_t slots = std::uint64_t{m.capacity_sectors} +
                          static_cast<std::uint64_t>(-kCdLeadInStart) + kCdLeadOutFirst + kCdPregap;
    return slots * kCdSlotBytes;
  }
  return std::uint64_t{m.capacity_sectors} * 2048;
}

void DiscImpl::ResetBlank() {
  formatted_ = media_ == base::MediaType::kDvdRam;
  bg_format_ = 0;
  format_capacity_ = info().capacity_sectors;
  finalized_ = false;
  next_session_allowed_ = true;
  closed_sessions_ = 0;
  tracks_.clear();
  framing_.clear();
  random_end_ = 0;
  layer_break_.reset();
  if (info().layers == 2) layer_break_ = info().capacity_sectors / 2;
  if (!random_access()) {
    Track t;
    t.session = 1;
    t.start = 0;
    tracks_.push_back(t);
  }
}

std::uint16_t DiscImpl::CurrentProfile() const {
  if (media_ == base::MediaType::kDvdMinusRw) return formatted_ ? 0x0013 : 0x0014;
  return info().mmc_profile;
}

bool DiscImpl::random_access() const {
  switch (media_) {
    case base::MediaType::kDvdRam:
    case base::MediaType::kDvdPlusRw:
    case base::MediaType::kBdRe:
    case base::MediaType::kBdReDl:
    case base::MediaType::kDvdMinusRw:
      return formatted_;
    default:
      return false;
  }
}

bool DiscImpl::NeedsFormat() const {
  switch (media_) {
    case base::MediaType::kDvdPlusRw:
    case base::MediaType::kBdRe:
    case base::MediaType::kBdReDl:
      return !formatted_;
    default:
      return false;
  }
}

std::uint32_t DiscImpl::Capacity() const {
  return random_access() ? format_capacity_ : info().capacity_sectors;
}

std::int32_t DiscImpl::WritableEnd() const { return static_cast<std::int32_t>(Capacity()); }

std::uint32_t DiscImpl::alignment() const {
  if (is_cd()) return 1;
  return is_bd() ? 32 : 16;
}

std::uint32_t DiscImpl::SessionGap() const {
  if (is_cd()) {
    return (closed_sessions_ <= 1 ? kCdLeadOutFirst : kCdLeadOutNext) + kCdLeadIn + kCdPregap;
  }
  // DVD±R border-out + border-in / BD-R session closure, approximated as one 32 MiB
  // zone (specs/emulator.md §2.4).
  return 16384;
}

std::uint32_t DiscImpl::TrackGap() const { return is_cd() ? kCdTaoRunOut + kCdPregap : 0; }

DiscState DiscImpl::State() const {
  if (random_access()) return DiscState::kFormatted;
  if (finalized_) return DiscState::kComplete;
  if (closed_sessions_ > 0) return DiscState::kAppendable;
  for (const Track& t : tracks_) {
    if (t.recorded > 0 || t.state != TrackState::kInvisible) return DiscState::kAppendable;
  }
  return DiscState::kBlank;
}

std::uint32_t DiscImpl::SessionCount() const {
  if (random_access()) return 1;
  return tracks_.empty() ? closed_sessions_ : std::max(closed_sessions_, tracks_.back().session);
}

bool DiscImpl::LastSessionEmpty() const {
  for (const Track& t : tracks_) {
    if (t.session == closed_sessions_ + 1 &&
        (t.recorded > 0 || t.state != TrackState::kInvisible)) {
      return false;
    }
  }
  return true;
}

Track* DiscImpl::InvisibleTrack() {
  if (tracks_.empty() || tracks_.back().state != TrackState::kInvisible) return nullptr;
  return &tracks_.back();
}
const Track* DiscImpl::InvisibleTrack() const {
  if (tracks_.empty() || tracks_.back().state != TrackState::kInvisible) return nullptr;
  return &tracks_.back();
}

std::optional<std::int32_t> DiscImpl::NextWritable(const Track& t) const {
  if (finalized_ || random_access()) return std::nullopt;
  std::int32_t nwa = t.start + static_cast<std::int32_t>(t.recorded);
  switch (t.state) {
    case TrackState::kInvisible:
      if (nwa >= WritableEnd()) return std::nullopt;
      return nwa;
    case TrackState::kReserved:
    case TrackState::kIncomplete:
      if (t.recorded >= t.size) return std::nullopt;
      return nwa;
    case TrackState::kComplete:
      return std::nullopt;
  }
  return std::nullopt;
}

Track* DiscImpl::TrackForWrite(std::int32_t lba) {
  for (Track& t : tracks_) {
    auto nwa = NextWritable(t);
    if (nwa && *nwa == lba) return &t;
  }
  return nullptr;
}

const Track* DiscImpl::TrackAt(std::int32_t lba) const {
  for (const Track& t : tracks_) {
    std::uint32_t extent = std::max(t.size, t.recorded);
    if (lba >= t.start && lba < t.start + static_cast<std::int32_t>(extent)) return &t;
  }
  return nullptr;
}

std::uint32_t DiscImpl::FreeSectors() const {
  if (random_access()) return Capacity() - std::min(Capacity(), random_end_);
  const Track* t = InvisibleTrack();
  if (t == nullptr || finalized_) return 0;
  std::int64_t free = std::int64_t{WritableEnd()} - t->start - t->recorded;
  return free > 0 ? static_cast<std::uint32_t>(free) : 0;
}

std::uint32_t DiscImpl::ReadableEnd() const {
  if (random_access()) return random_end_;
  std::int64_t end = 0;
  for (const Track& t : tracks_) {
    if (t.mode == TrackMode::kAudio || t.recorded == 0) continue;
    end = std::max<std::int64_t>(end, std::int64_t{t.start} + t.recorded);
  }
  return static_cast<std::uint32_t>(end);
}

DiscSummary DiscImpl::Summary() const {
  DiscSummary s;
  s.media = media_;
  s.state = State();
  s.background_format = bg_format_;
  s.capacity_sectors = Capacity();
  s.free_sectors = FreeSectors();
  s.layer_break = layer_break_;
  s.faults = faults_;
  if (random_access()) {
    s.sessions.push_back({1, 1, 1, true});
    TrackSummary t;
    t.number = 1;
    t.session = 1;
    t.start_lba = 0;
    t.size = Capacity();
    t.recorded = random_end_;
    t.next_writable = 0;
    t.state = TrackState::kComplete;
    s.tracks.push_back(t);
    return s;
  }
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const Track& t = tracks_[i];
    TrackSummary ts;
    ts.number = static_cast<std::uint32_t>(i + 1);
    ts.session = t.session;
    ts.start_lba = t.start;
    ts.size = t.state == TrackState::kInvisible ? t.recorded : std::max(t.size, t.recorded);
    ts.recorded = t.recorded;
    ts.next_writable = NextWritable(t);
    ts.mode = t.mode;
    ts.state = t.state;
    ts.block_size = t.block_size;
    s.tracks.push_back(ts);
    if (s.sessions.empty() || s.sessions.back().number != t.session) {
      s.sessions.push_back({t.session, ts.number, ts.number, t.session <= closed_sessions_});
    } else {
      s.sessions.back().last_track = ts.number;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------
void DiscImpl::OpenNextTrack() {
  Track t;
  if (tracks_.empty()) {
    t.session = closed_sessions_ + 1;
    t.start = 0;
  } else {
    const Track& last = tracks_.back();
    t.session = closed_sessions_ + 1;
    std::uint32_t extent = std::max(last.size, last.recorded);
    std::int64_t start = std::int64_t{last.start} + extent;
    start += last.session == t.session ? TrackGap() : SessionGap();
    t.start = static_cast<std::int32_t>(AlignUp(static_cast<std::uint32_t>(start), alignment()));
  }
  if (t.start >= WritableEnd()) {
    finalized_ = true;  // no room for another track: the disc is full
    return;
  }
  tracks_.push_back(t);
}

std::uint32_t DiscImpl::Reserve(std::uint32_t sectors) {
  if (random_access() || finalized_) return kIncompatibleMedium;
  Track* t = InvisibleTrack();
  if (t == nullptr || t->recorded != 0) return kSequenceError;
  if (sectors == 0 || sectors > Capacity()) return kInvalidField;
  const std::uint16_t profile = CurrentProfile();
  if ((profile == 0x11 || profile == 0x14 || profile == 0x15) && params_.write_type == 2 &&
      tracks_.size() > 1) {
    return kSequenceError;  // DVD-R DAO records exactly one track (MMC-5 4.5.4.3)
  }
  std::uint32_t size = AlignUp(sectors, alignment());
  if (std::int64_t{t->start} + size > WritableEnd()) return kInvalidField;
  t->size = size;
  t->state = TrackState::kReserved;
  t->write_type = params_.write_type;
  OpenNextTrack();
  return kNoSense;
}

std::uint32_t DiscImpl::CloseTrack(std::uint32_t number) {
  if (random_access()) return kNoSense;  // DVD+RW "stop de-icing" goes through CloseSession
  if (number == 0 || number > tracks_.size()) return kInvalidField;
  Track& t = tracks_[number - 1];
  switch (t.state) {
    case TrackState::kComplete:
      return kNoSense;
    case TrackState::kInvisible:
      if (t.recorded == 0) return kNoSense;
      t.size = t.recorded;
      t.state = TrackState::kComplete;
      OpenNextTrack();
      return kNoSense;
    case TrackState::kReserved:
    case TrackState::kIncomplete:
      t.state = TrackState::kComplete;  // an unwritten tail of a reserved track is padded
      return kNoSense;
  }
  return kNoSense;
}

std::uint32_t DiscImpl::CloseSession(bool finalize) {
  if (random_access()) {
    if (bg_format_ == 2 || bg_format_ == 1) bg_format_ = 3;
    return kNoSense;
  }
  if (finalized_) return kNoSense;
  for (Track& t : tracks_) {
    if (t.session != closed_sessions_ + 1) continue;
    if (t.state == TrackState::kReserved || t.state == TrackState::kIncomplete ||
        (t.state == TrackState::kInvisible && t.recorded > 0)) {
      if (t.state == TrackState::kInvisible) t.size = t.recorded;
      t.state = TrackState::kComplete;
    }
  }
  if (!tracks_.empty() && tracks_.back().state == TrackState::kInvisible) tracks_.pop_back();
  if (tracks_.empty() || tracks_.back().session != closed_sessions_ + 1) {
    // Nothing recorded in this session: closing it is a no-op, finalizing closes the disc
    // only when earlier sessions exist.
    if (finalize && closed_sessions_ > 0) {
      finalized_ = true;
      return kNoSense;
    }
    OpenNextTrack();
    return kNoSense;
  }
  closed_sessions_ = tracks_.back().session;
  if (finalize || !next_session_allowed_) {
    finalized_ = true;
    return kNoSense;
  }
  OpenNextTrack();
  return kNoSense;
}

std::uint32_t DiscImpl::Format(std::uint8_t format_type, std::uint32_t blocks) {
  const std::uint32_t full = info().capacity_sectors;
  switch (media_) {
    case base::MediaType::kDvdPlusRw:
      if (format_type != 0x26) return kInvalidParameter;
      if (formatted_ && bg_format_ == 1) {  // restart a suspended background format
        bg_format_ = 2;
        return kNoSense;
      }
      store_->Clear();
      formatted_ = true;
      format_capacity_ = full;
      bg_format_ = 2;
      random_end_ = 0;
      tracks_.clear();
      return kNoSense;
    case base::MediaType::kBdRe:
    case base::MediaType::kBdReDl:
      if (format_type != 0x00 && format_type != 0x30 && format_type != 0x31)
        return kInvalidParameter;
      store_->Clear();
      formatted_ = true;
      format_capacity_ = (format_type == 0x30 && blocks != 0 && blocks <= full) ? blocks : full;
      bg_format_ = 3;
      random_end_ = 0;
      tracks_.clear();
      return kNoSense;
    case base::MediaType::kDvdRam:
      if (format_type != 0x00 && format_type != 0x01) return kInvalidParameter;
      store_->Clear();
      formatted_ = true;
      format_capacity_ = full;
      random_end_ = 0;
      return kNoSense;
    case base::MediaType::kDvdMinusRw:
      if (format_type != 0x10 && format_type != 0x13 && format_type != 0x15)
        return kInvalidParameter;
      if (format_type == 0x13 && !formatted_) return kSequenceError;  // grow needs a format
      store_->Clear();
      formatted_ = true;
      format_capacity_ = full;
      random_end_ = 0;
      tracks_.clear();
      return kNoSense;
    case base::MediaType::kBdR:
    case base::MediaType::kBdRDl:
      if (format_type != 0x00 && format_type != 0x32) return kInvalidParameter;
      if (State() != DiscState::kBlank) return kSequenceError;
      formatted_ = true;  // SRM with spare areas; the medium stays sequential
      return kNoSense;
    default:
      return kCannotFormat;
  }
}

std::uint32_t DiscImpl::Blank(std::uint8_t type) {
  if (media_ != base::MediaType::kCdRw && media_ != base::MediaType::kDvdMinusRw) {
    return kIncompatibleMedium;
  }
  switch (type) {
    case 0:  // the entire disc
    case 1:  // minimal: PMA, TOC and first pre-gap (the rest becomes unreachable)
      store_->Clear();
      ResetBlank();
      return kNoSense;
    case 6: {  // unclose the last session
      if (random_access() || closed_sessions_ == 0) return kSequenceError;
      if (!tracks_.empty() && tracks_.back().state == TrackState::kInvisible) tracks_.pop_back();
      finalized_ = false;
      --closed_sessions_;
      OpenNextTrack();
      if (!tracks_.empty() && tracks_.back().state == TrackState::kInvisible &&
          tracks_.size() >= 2) {
        Track& inv = tracks_.back();
        const Track& prev = tracks_[tracks_.size() - 2];
        inv.session = prev.session;
        inv.start =
            prev.start + static_cast<std::int32_t>(std::max(prev.size, prev.recorded) + TrackGap());
      }
      return kNoSense;
    }
    default:
      return kInvalidField;
  }
}

void DiscImpl::RecordRandom(std::int32_t lba, std::uint32_t count) {
  random_end_ = std::max(random_end_, static_cast<std::uint32_t>(lba) + count);
}

bool DiscImpl::InStore(std::int32_t lba, std::uint32_t count) const {
  if (lba < base_lba()) return false;
  return SlotOffset(lba) + std::uint64_t{count} * slot_bytes() <= store_->size();
}

base::Status DiscImpl::ReadUser(std::int32_t lba, std::uint32_t count, std::uint8_t* out) {
  if (!InStore(lba, count)) {
    return base::InvalidInput("LBA " + std::to_string(lba), "outside the medium");
  }
  if (!is_cd()) return store_->Read(SlotOffset(lba), std::span<std::uint8_t>(out, count * 2048u));
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::int32_t l = lba + static_cast<std::int32_t>(i);
    RETURN_IF_ERROR(store_->Read(SlotOffset(l), slot));
    const Track* t = TrackAt(l);
    std::size_t off = (t != nullptr && t->mode == TrackMode::kMode2) ? 24 : 16;
    std::memcpy(out + std::size_t{i} * 2048, slot.data() + off, 2048);
  }
  return base::Ok();
}

void DiscImpl::SetFraming(std::int32_t lba, std::uint32_t count, CdFraming framing) {
  if (!is_cd() || count == 0) return;
  if (framing_.empty()) {
    if (framing == CdFraming::kAsStored) return;
    framing_.assign(static_cast<std::size_t>(store_->size() / kCdSlotBytes), 0);
  }
  const std::size_t first = static_cast<std::size_t>(std::int64_t{lba} - base_lba());
  const std::size_t end = std::min(framing_.size(), first + count);
  if (first >= end) return;
  std::fill(framing_.begin() + static_cast<std::ptrdiff_t>(first),
            framing_.begin() + static_cast<std::ptrdiff_t>(end),
            static_cast<std::uint8_t>(framing));
}

CdFraming DiscImpl::FramingAt(std::int32_t lba) const {
  const std::int64_t k = std::int64_t{lba} - base_lba();
  if (k < 0 || static_cast<std::uint64_t>(k) >= framing_.size()) return CdFraming::kAsStored;
  return static_cast<CdFraming>(framing_[static_cast<std::size_t>(k)]);
}

base::Status DiscImpl::ReadSlot(std::int32_t lba, std::span<std::uint8_t> slot) {
  RETURN_IF_ERROR(store_->Read(SlotOffset(lba), slot));
  switch (FramingAt(lba)) {
    case CdFraming::kMode1:
      cd::FrameMode1(lba, slot.data());
      break;
    case CdFraming::kMode2Form1:
      cd::FrameMode2Form1(lba, slot.data());
      break;
    case CdFraming::kAsStored:
      break;
  }
  return base::Ok();
}

// ---------------------------------------------------------------------------------------
// Persistent encoding (specs/emulator.md §3.3), little-endian.
std::vector<std::uint8_t> DiscImpl::Encode() const {
  std::vector<std::uint8_t> out;
  base::ByteWriter w(&out);
  w.Le32(kMetadataMagic);
  w.Le32(kMetadataVersion);
  w.U8(static_cast<std::uint8_t>(media_));
  w.U8(formatted_ ? 1 : 0);
  w.U8(bg_format_);
  w.U8(finalized_ ? 1 : 0);
  w.U8(next_session_allowed_ ? 1 : 0);
  w.Le32(format_capacity_);
  w.Le32(closed_sessions_);
  w.U8(layer_break_ ? 1 : 0);
  w.Le32(layer_break_.value_or(0));
  w.Le32(random_end_);
  std::uint8_t flags = static_cast<std::uint8_t>(
      (faults_.write_error_lba ? 1 : 0) | (faults_.power_loss_after_writes ? 2 : 0) |
      (faults_.remove_after_writes ? 4 : 0) | (faults_.wrong_medium ? 8 : 0));
  w.U8(flags);
  w.Le32(static_cast<std::uint32_t>(faults_.write_error_lba.value_or(0)));
  w.Le64(faults_.power_loss_after_writes.value_or(0));
  w.Le64(faults_.remove_after_writes.value_or(0));
  w.Le32(faults_.slow_ms_per_command);
  w.Le32(static_cast<std::uint32_t>(tracks_.size()));
  for (const Track& t : tracks_) {
    w.Le32(t.session);
    w.Le32(static_cast<std::uint32_t>(t.start));
    w.Le32(t.size);
    w.Le32(t.recorded);
    w.U8(static_cast<std::uint8_t>(t.mode));
    w.U8(static_cast<std::uint8_t>(t.state));
    w.Le32(t.block_size);
    w.U8(t.write_type);
    w.U8(t.control);
  }
  // Framing runs {kind, length} from base_lba(), trailing kept-as-stored sectors left out.
  std::size_t used = framing_.size();
  while (used > 0 && framing_[used - 1] == 0) --used;
  std::vector<std::pair<std::uint8_t, std::uint32_t>> runs;
  for (std::size_t k = 0; k < used; ++k) {
    if (runs.empty() || runs.back().first != framing_[k]) runs.emplace_back(framing_[k], 0);
    ++runs.back().second;
  }
  w.Le32(static_cast<std::uint32_t>(runs.size()));
  for (const auto& [kind, length] : runs) {
    w.U8(kind);
    w.Le32(length);
  }
  return out;
}

base::Status DiscImpl::Decode(std::span<const std::uint8_t> blob) {
  auto bad = [&](const std::string& what) {
    return base::CorruptImage(path_, "disc state: " + what);
  };
  base::ByteReader r(blob);
  if (r.Le32() != kMetadataMagic) return bad("bad magic");
  const std::uint32_t version = r.Le32();
  if (version != 1 && version != kMetadataVersion) return bad("unsupported version");
  std::uint8_t media = r.U8();
  if (media >= base::AllMedia().size() || media != static_cast<std::uint8_t>(media_)) {
    return bad("medium type does not match the store");
  }
  formatted_ = r.U8() != 0;
  bg_format_ = r.U8();
  finalized_ = r.U8() != 0;
  next_session_allowed_ = r.U8() != 0;
  format_capacity_ = r.Le32();
  closed_sessions_ = r.Le32();
  bool has_lb = r.U8() != 0;
  std::uint32_t lb = r.Le32();
  layer_break_ = has_lb ? std::optional<std::uint32_t>(lb) : std::nullopt;
  random_end_ = r.Le32();
  std::uint8_t flags = r.U8();
  std::int32_t wel = static_cast<std::int32_t>(r.Le32());
  std::uint64_t pl = r.Le64();
  std::uint64_t rm = r.Le64();
  faults_ = Faults();
  if (flags & 1) faults_.write_error_lba = wel;
  if (flags & 2) faults_.power_loss_after_writes = pl;
  if (flags & 4) faults_.remove_after_writes = rm;
  faults_.wrong_medium = (flags & 8) != 0;
  faults_.slow_ms_per_command = std::min<std::uint32_t>(r.Le32(), 60000);
  std::uint32_t n = r.Le32();
  if (!r.ok()) return bad("truncated");
  const std::uint32_t cap = info().capacity_sectors;
  if (bg_format_ > 3 || format_capacity_ > cap || random_end_ > cap || closed_sessions_ > 10000 ||
      (layer_break_ && *layer_break_ > cap)) {
    return bad("field out of range");
  }
  if (n > (is_cd() ? 100u : 10000u) || r.remaining() / 22 < n) return bad("bad track count");
  tracks_.clear();
  std::int64_t prev_end = std::int64_t{base_lba()};
  for (std::uint32_t i = 0; i < n; ++i) {
    Track t;
    t.session = r.Le32();
    t.start = static_cast<std::int32_t>(r.Le32());
    t.size = r.Le32();
    t.recorded = r.Le32();
    std::uint8_t mode = r.U8();
    std::uint8_t state = r.U8();
    t.block_size = r.Le32();
    t.write_type = r.U8();
    t.control = r.U8();
    std::int64_t end = std::int64_t{t.start} + std::max(t.size, t.recorded);
    if (!r.ok() || mode > 2 || state > 3 || t.session == 0 || t.session > closed_sessions_ + 1 ||
        t.start < prev_end || end > std::int64_t{cap} + kCdLeadOutFirst || t.block_size > 2448) {
      return bad("track " + std::to_string(i + 1) + " is inconsistent");
    }
    t.mode = static_cast<TrackMode>(mode);
    t.state = static_cast<TrackState>(state);
    prev_end = end;
    tracks_.push_back(t);
  }
  framing_.clear();
  if (version >= 2) {
    const std::uint32_t runs = r.Le32();
    const std::size_t slots = is_cd() ? static_cast<std::size_t>(store_->size() / kCdSlotBytes) : 0;
    if (!r.ok() || r.remaining() / 5 < runs) return bad("bad framing run count");
    std::size_t at = 0;
    for (std::uint32_t i = 0; i < runs; ++i) {
      const std::uint8_t kind = r.U8();
      const std::uint32_t length = r.Le32();
      if (!r.ok() || kind > 2 || length == 0 || length > slots - at) {
        return bad("framing run " + std::to_string(i + 1) + " is inconsistent");
      }
      if (kind != 0) {
        if (framing_.empty()) framing_.assign(slots, 0);
        std::fill_n(framing_.begin() + static_cast<std::ptrdiff_t>(at), length, kind);
      }
      at += length;
    }
  }
  if (!r.empty()) return bad("trailing bytes");
  return base::Ok();
}

base::Status DiscImpl::Commit() {
  if (dead_) return base::IoError(path_, "power was lost; the disc must be reloaded");
  std::vector<std::uint8_t> meta = Encode();
  return store_->Commit(meta);
}

void DiscImpl::Abandon() {
  dead_ = true;
  store_->Abandon();
}

// ---------------------------------------------------------------------------------------
VirtualDisc::VirtualDisc(std::unique_ptr<DiscImpl> impl) : impl_(std::move(impl)) {}
VirtualDisc::~VirtualDisc() = default;

base::Expected<std::unique_ptr<VirtualDisc>> VirtualDisc::Create(base::MediaType media,
                                                                 const std::string& path) {
  DiscImpl probe(media, NewMemoryStore(0), path);
  std::vector<std::uint8_t> meta = probe.Encode();
  ASSIGN_OR_RETURN(auto store, CreateFileStore(path, DiscImpl::StoreBytes(media), meta));
  auto impl = std::make_unique<DiscImpl>(media, std::move(store), path);
  return std::unique_ptr<VirtualDisc>(new VirtualDisc(std::move(impl)));
}

std::unique_ptr<VirtualDisc> VirtualDisc::CreateInMemory(base::MediaType media) {
  auto impl = std::make_unique<DiscImpl>(media, NewMemoryStore(DiscImpl::StoreBytes(media)), "");
  return std::unique_ptr<VirtualDisc>(new VirtualDisc(std::move(impl)));
}

base::Expected<std::unique_ptr<VirtualDisc>> VirtualDisc::Open(const std::string& path) {
  std::vector<std::uint8_t> meta;
  ASSIGN_OR_RETURN(auto store, OpenFileStore(path, &meta));
  if (meta.size() < 9) return base::CorruptImage(path, "disc state: truncated");
  std::uint8_t media = meta[8];
  if (media >= base::AllMedia().size())
    return base::CorruptImage(path, "disc state: unknown medium");
  auto type = static_cast<base::MediaType>(media);
  if (store->size() != DiscImpl::StoreBytes(type)) {
    return base::CorruptImage(path, "store size does not match the medium");
  }
  auto impl = std::make_unique<DiscImpl>(type, std::move(store), path);
  RETURN_IF_ERROR(impl->Decode(meta));
  return std::unique_ptr<VirtualDisc>(new VirtualDisc(std::move(impl)));
}

base::MediaType VirtualDisc::media() const { return impl_->media(); }
const std::string& VirtualDisc::path() const { return impl_->path(); }
DiscSummary VirtualDisc::Summary() const { return impl_->Summary(); }
const Faults& VirtualDisc::faults() const { return impl_->faults_; }
void VirtualDisc::set_faults(const Faults& faults) { impl_->faults_ = faults; }
base::Status VirtualDisc::Commit() { return impl_->Commit(); }

base::Status VirtualDisc::ReadUserData(std::int32_t lba, std::uint32_t count,
                                       std::span<std::uint8_t> out,
                                       std::vector<bool>* unwritten) const {
  if (out.size() < std::size_t{count} * 2048)
    return base::InvalidInput("ReadUserData", "buffer too small");
  if (lba < 0 || !impl_->InStore(lba, count)) {
    return base::InvalidInput("LBA " + std::to_string(lba), "range outside the medium");
  }
  if (unwritten != nullptr) {
    unwritten->assign(count, false);
    for (std::uint32_t i = 0; i < count; ++i) {
      (*unwritten)[i] = !HasData(lba + static_cast<std::int32_t>(i), 1);
    }
  }
  return impl_->ReadUser(lba, count, out.data());
}

base::Status VirtualDisc::ReadMainChannel(std::int32_t lba, std::uint32_t count,
                                          std::span<std::uint8_t> out) const {
  if (!impl_->is_cd()) return base::InvalidInput("ReadMainChannel", "not a CD");
  if (out.size() < std::size_t{count} * kCdSubOffset)
    return base::InvalidInput("ReadMainChannel", "buffer too small");
  if (lba < 0 || !impl_->InStore(lba, count)) {
    return base::InvalidInput("LBA " + std::to_string(lba), "range outside the medium");
  }
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    RETURN_IF_ERROR(impl_->ReadSlot(lba + static_cast<std::int32_t>(i), slot));
    std::memcpy(out.data() + std::size_t{i} * kCdSubOffset, slot.data(), kCdSubOffset);
  }
  return base::Ok();
}

std::uint64_t VirtualDisc::StorageBytes() const { return impl_->store().StorageBytes(); }

std::uint32_t VirtualDisc::ReadableSectors() const { return impl_->ReadableEnd(); }

bool VirtualDisc::HasData(std::int32_t lba, std::uint32_t count) const {
  if (!impl_->InStore(lba, count)) return false;
  return impl_->store().HasData(impl_->SlotOffset(lba), std::uint64_t{count} * impl_->slot_bytes());
}

}  // namespace emulator
