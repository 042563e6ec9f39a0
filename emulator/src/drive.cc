// emulator::Drive: CDB decoding and execution for the virtual recorder. Commands follow
// MMC-6 (T10/1836-D rev. 2g) chapter 6 and SPC-4 for INQUIRY, REQUEST SENSE, MODE
// SENSE/SELECT and REPORT LUNS; sense data is fixed format (SPC-4 4.5.3). Section numbers
// are those of the public MMC-5 r03c and SPC-4 r37 drafts, whose layouts MMC-6 keeps, as
// throughout mmc/ and emulator/ (specs/mmc.md). This file runs
// a command (unit attention, sense, data-in truncation) and dispatches it by operation
// code; drive_impl.h names the files that implement each command. What each burn program
// sends and needs back, the commands implemented and the sense each error gives are in
// specs/emulator.md.
#include <algorithm>
#include <cstring>
#include <utility>

#include "cd/msf.h"
#include "drive_impl.h"

namespace emulator {

namespace {

std::uint32_t Be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}

}  // namespace

mmc::CommandResult DriveState::Run(std::span<const std::uint8_t> cdb, mmc::DataDirection dir,
                                   std::span<std::uint8_t> data) {
  mmc::CommandResult result;
  if (powered_off) {
    result.transport_error = true;
    return result;
  }
  cdb_ = cdb;
  data_ = data;
  out_.clear();
  consumed_ = 0;
  progress_.reset();
  std::uint32_t s = sense::kNone;
  if (cdb.empty()) {
    s = sense::kInvalidOpcode;
  } else {
    const std::uint8_t op = cdb[0];
    const bool ua_exempt = op == 0x12 || op == 0x03 || op == 0x46 || op == 0x4A;
    // A status poll sees an immediate operation in progress; any other command finds it
    // over (its effect was recorded when it started).
    const bool status_poll = op == 0x00 || op == 0x03 || op == 0x4A || op == 0x12;
    if (background && !status_poll) background.reset();
    if (unit_attention && !ua_exempt) {
      s = *unit_attention;
      unit_attention.reset();
    } else if (dir == mmc::DataDirection::kFromDevice || dir == mmc::DataDirection::kNone ||
               dir == mmc::DataDirection::kToDevice) {
      s = Dispatch();
    }
  }
  if (powered_off) {
    result.transport_error = true;
    return result;
  }
  if (s != sense::kNone) {
    result.status = mmc::ScsiStatus::kCheckCondition;
    result.sense.assign(18, 0);
    result.sense[0] = 0x70;
    result.sense[2] = static_cast<std::uint8_t>(s >> 16);
    result.sense[7] = 10;
    result.sense[12] = static_cast<std::uint8_t>(s >> 8);
    result.sense[13] = static_cast<std::uint8_t>(s);
    if (progress_) {  // SPC-4 4.5.2.4.4: SKSV, progress indication
      result.sense[15] = 0x80;
      result.sense[16] = static_cast<std::uint8_t>(*progress_ >> 8);
      result.sense[17] = static_cast<std::uint8_t>(*progress_);
    }
    return result;
  }
  if (dir == mmc::DataDirection::kFromDevice) {
    std::size_t n = std::min(out_.size(), data.size());
    if (n > 0) std::memcpy(data.data(), out_.data(), n);
    result.transferred = static_cast<std::uint32_t>(n);
  } else if (dir == mmc::DataDirection::kToDevice) {
    result.transferred = consumed_;
  }
  return result;
}

std::uint32_t DriveState::NeedMedium(DiscImpl** d) {
  *d = disc_impl();
  return *d == nullptr ? sense::kNoMedium : sense::kNone;
}

// The allocation length of a data-in command bounds the reply (SPC-4 4.2.5.6); Run()
// truncates `out_` to the host's buffer, which the transport sized from that length.
std::uint32_t DriveState::Dispatch() {
  const std::uint8_t op = cdb_[0];
  auto need = [&](std::size_t n) { return cdb_.size() >= n; };
  switch (op) {
    case 0x00: {  // TEST UNIT READY
      DiscImpl* d;
      if (std::uint32_t s = NeedMedium(&d)) return s;
      if (background) {
        const std::uint8_t ascq = background->ascq;
        progress_ = PollBackground();
        if (progress_) return Sense(2, 0x04, ascq);  // NOT READY, in progress
      }
      return sense::kNone;
    }
    case 0x01:  // REZERO UNIT (cdrdao sends it first): nothing to do
      return sense::kNone;
    case 0x03:
      return RequestSense();
    case 0x04:
      return need(6) ? FormatUnit() : sense::kInvalidField;
    case 0x12:
      return need(6) ? Inquiry() : sense::kInvalidField;
    case 0x15:
      return need(6) ? ModeSelect(false) : sense::kInvalidField;
    case 0x1A:
      return need(6) ? ModeSense(false) : sense::kInvalidField;
    case 0x1B:
      return need(6) ? StartStop() : sense::kInvalidField;
    case 0x1E:  // PREVENT ALLOW MEDIUM REMOVAL
      if (!need(6)) return sense::kInvalidField;
      prevent = (cdb_[4] & 1) != 0;
      return sense::kNone;
    case 0x23:
      return need(10) ? ReadFormatCapacities() : sense::kInvalidField;
    case 0x25:
      return need(10) ? ReadCapacity() : sense::kInvalidField;
    case 0x28:  // READ(10)
      if (!need(10)) return sense::kInvalidField;
      return Read(static_cast<std::int32_t>(LoadBe32(&cdb_[2])), LoadBe16(&cdb_[7]));
    case 0xA8:  // READ(12)
      if (!need(12)) return sense::kInvalidField;
      return Read(static_cast<std::int32_t>(LoadBe32(&cdb_[2])), LoadBe32(&cdb_[6]));
    case 0x2A:  // WRITE(10)
    case 0x2E:  // WRITE AND VERIFY(10)
      if (!need(10)) return sense::kInvalidField;
      return Write(static_cast<std::int32_t>(LoadBe32(&cdb_[2])), LoadBe16(&cdb_[7]));
    case 0xAA:  // WRITE(12)
      if (!need(12)) return sense::kInvalidField;
      return Write(static_cast<std::int32_t>(LoadBe32(&cdb_[2])), LoadBe32(&cdb_[6]));
    case 0x2B: {  // SEEK(10)
      DiscImpl* d;
      return NeedMedium(&d);
    }
    case 0x35:
      return SynchronizeCache();
    case 0x3C:
      return need(10) ? ReadBuffer() : sense::kInvalidField;
    case 0x42:
      return need(10) ? ReadSubChannel() : sense::kInvalidField;
    case 0x43:
      return need(10) ? ReadToc() : sense::kInvalidField;
    case 0x46:
      return need(10) ? GetConfiguration() : sense::kInvalidField;
    case 0x4A:
      return need(10) ? GetEventStatus() : sense::kInvalidField;
    case 0x51:
      return need(10) ? ReadDiscInformation() : sense::kInvalidField;
    case 0x52:
      return need(10) ? ReadTrackInformation() : sense::kInvalidField;
    case 0x53:
      return need(10) ? ReserveTrack() : sense::kInvalidField;
    case 0x54: {  // SEND OPC INFORMATION
      DiscImpl* d;
      return NeedMedium(&d);
    }
    case 0x55:
      return need(10) ? ModeSelect(true) : sense::kInvalidField;
    case 0x5A:
      return need(10) ? ModeSense(true) : sense::kInvalidField;
    case 0x5B:
      return need(10) ? CloseTrackSession() : sense::kInvalidField;
    case 0x5C:
      return need(10) ? ReadBufferCapacity() : sense::kInvalidField;
    case 0x5D:
      return need(10) ? SendCueSheet() : sense::kInvalidField;
    case 0xA0:
      return need(12) ? ReportLuns() : sense::kInvalidField;
    case 0xA1:
      return need(12) ? BlankCmd() : sense::kInvalidField;
    case 0xAC:
      return need(12) ? GetPerformance() : sense::kInvalidField;
    case 0xAD:
      return need(12) ? ReadDiscStructure() : sense::kInvalidField;
    case 0xB6:  // SET STREAMING
    case 0xBB:  // SET CD SPEED
      if (op == 0xBB && need(6)) write_speed = LoadBe16(&cdb_[4]);
      consumed_ = static_cast<std::uint32_t>(data_.size());
      return sense::kNone;
    case 0xB9: {  // READ CD MSF
      if (!need(12)) return sense::kInvalidField;
      std::int32_t a = cd::MsfToLba(cdb_[3], cdb_[4], cdb_[5]);
      std::int32_t b = cd::MsfToLba(cdb_[6], cdb_[7], cdb_[8]);
      if (b < a) return sense::kInvalidField;
      return ReadCd(a, static_cast<std::uint32_t>(b - a));
    }
    case 0xBD:
      return need(12) ? MechanismStatus() : sense::kInvalidField;
    case 0xBE:  // READ CD
      if (!need(12)) return sense::kInvalidField;
      return ReadCd(static_cast<std::int32_t>(LoadBe32(&cdb_[2])), Be24(&cdb_[6]));
    case 0xBF:
      return need(12) ? SendDvdStructure() : sense::kInvalidField;
    default:
      return sense::kInvalidOpcode;
  }
}

std::optional<std::uint16_t> DriveState::PollBackground() {
  if (!background) return std::nullopt;
  const auto busy = std::chrono::milliseconds(identity.immed_busy_ms);
  if (background->polls >= kImmedPolls ||
      std::chrono::steady_clock::now() - background->started > busy) {
    background.reset();
    return std::nullopt;
  }
  ++background->polls;
  return static_cast<std::uint16_t>(background->polls * 65536u / (kImmedPolls + 1));
}

// ---------------------------------------------------------------------------------------
Drive::Drive(DriveIdentity identity) : state_(std::make_unique<DriveState>(std::move(identity))) {}

Drive::Drive(std::unique_ptr<VirtualDisc> disc, DriveIdentity identity)
    : state_(std::make_unique<DriveState>(std::move(identity))) {
  state_->disc = std::move(disc);
}

Drive::~Drive() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_->disc && !state_->powered_off) (void)state_->disc->Commit();
}

mmc::CommandResult Drive::Execute(std::span<const std::uint8_t> cdb, mmc::DataDirection direction,
                                  std::span<std::uint8_t> data, std::uint32_t /*timeout_ms*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_->Run(cdb, direction, data);
}

std::unique_ptr<VirtualDisc> Drive::Load(std::unique_ptr<VirtualDisc> disc) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<VirtualDisc> old = std::move(state_->disc);
  if (old && !state_->powered_off) (void)old->Commit();
  state_->disc = std::move(disc);
  state_->tray_open = false;
  state_->removed = false;
  state_->writes = 0;
  state_->sao_active = false;
  state_->background.reset();
  state_->unit_attention = sense::kMediumChanged;
  state_->media_event = true;
  return old;
}

std::unique_ptr<VirtualDisc> Drive::Eject() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<VirtualDisc> old = std::move(state_->disc);
  if (old && !state_->powered_off) (void)old->Commit();
  state_->tray_open = true;
  state_->removed = false;
  state_->sao_active = false;
  state_->background.reset();
  state_->media_event = true;
  return old;
}

bool Drive::has_medium() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_->disc_impl() != nullptr;
}

base::Status Drive::Commit() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!state_->disc) return base::Ok();
  return state_->disc->Commit();
}

bool Drive::powered_off() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_->powered_off;
}

const VirtualDisc* Drive::DiscLocked() const { return state_->disc.get(); }

}  // namespace emulator
