// emulator::Drive: CDB decoding and execution for the virtual recorder. Commands follow
// MMC-6 (T10/1836-D rev. 2g) chapter 6 and SPC-4 for INQUIRY, REQUEST SENSE, MODE
// SENSE/SELECT and REPORT LUNS; sense data is fixed format (SPC-4 4.5.3). What each burn
// program sends and needs back is in shared/EMULATOR-NOTES.md §3; specs/emulator.md lists
// the commands implemented and the sense each error gives.
#include "emulator/drive.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "cd/msf.h"
#include "cd/sector.h"
#include "cd/subchannel.h"
#include "disc_impl.h"

namespace emulator {

using base::LoadBe16;
using base::LoadBe32;
using base::StoreBe16;
using base::StoreBe32;

// Sense triples (SPC-4 Annex D, MMC-6 Annex F).
namespace sense {
constexpr std::uint32_t kNone = 0;
constexpr std::uint32_t kNoMedium = Sense(2, 0x3A, 0x00);
constexpr std::uint32_t kMediumChanged = Sense(6, 0x28, 0x00);
constexpr std::uint32_t kInvalidOpcode = Sense(5, 0x20, 0x00);
constexpr std::uint32_t kInvalidField = Sense(5, 0x24, 0x00);
constexpr std::uint32_t kParameterLength = Sense(5, 0x1A, 0x00);
constexpr std::uint32_t kInvalidParameter = Sense(5, 0x26, 0x00);
constexpr std::uint32_t kLbaOutOfRange = Sense(5, 0x21, 0x00);
constexpr std::uint32_t kInvalidWriteAddress = Sense(5, 0x21, 0x02);
constexpr std::uint32_t kSequenceError = Sense(5, 0x2C, 0x00);
constexpr std::uint32_t kIncompatibleWrite = Sense(5, 0x30, 0x05);
constexpr std::uint32_t kIllegalTrackMode = Sense(5, 0x64, 0x00);
constexpr std::uint32_t kSavingNotSupported = Sense(5, 0x39, 0x00);
constexpr std::uint32_t kRemovalPrevented = Sense(5, 0x53, 0x02);
constexpr std::uint32_t kWriteError = Sense(3, 0x0C, 0x00);
constexpr std::uint32_t kUnrecoveredRead = Sense(3, 0x11, 0x00);
constexpr std::uint32_t kInternalFailure = Sense(4, 0x44, 0x00);
}  // namespace sense

namespace {

// Speeds in kB/s (1000 bytes): CD 1x = 176.4, DVD 1x = 1385, BD 1x = 4495.
struct SpeedSet {
  std::uint16_t read;
  std::vector<std::uint16_t> write;
};
SpeedSet SpeedsFor(base::MediaFamily f) {
  switch (f) {
    case base::MediaFamily::kCd:
      return {8467, {8467, 5645, 4234, 2822}};
    case base::MediaFamily::kDvd:
      return {22160, {22160, 11080, 5540}};
    case base::MediaFamily::kBd:
      return {35960, {35960, 26970, 17980, 8990}};
  }
  return {0, {}};
}

// Host bytes per block for a page 05h data block type (MMC-6 Table 660).
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

// Host bytes per block for a cue sheet data form (MMC-6 Table 572), main channel only.
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

std::uint32_t Be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}

}  // namespace

// ---------------------------------------------------------------------------------------
class DriveState {
 public:
  explicit DriveState(DriveIdentity id) : identity(std::move(id)) {}

  DriveIdentity identity;
  std::unique_ptr<VirtualDisc> disc;
  bool tray_open = false;
  bool prevent = false;
  bool powered_off = false;
  bool removed = false;  // injected removal: the disc is out of reach
  std::optional<std::uint32_t> unit_attention;
  bool media_event = false;   // "new media" pending for GET EVENT STATUS
  std::uint64_t writes = 0;   // WRITE commands since load
  std::int32_t sao_next = 0;  // SAO/RAW: the next LBA the host must write
  bool sao_active = false;
  std::uint16_t write_speed = 0;

  DiscImpl* disc_impl() { return (disc && !removed && !tray_open) ? &disc->impl() : nullptr; }

  mmc::CommandResult Run(std::span<const std::uint8_t> cdb, mmc::DataDirection dir,
                         std::span<std::uint8_t> data);

 private:
  // Per-command context.
  std::span<const std::uint8_t> cdb_;
  std::span<std::uint8_t> data_;
  std::vector<std::uint8_t> out_;
  std::uint32_t consumed_ = 0;

  std::uint32_t Dispatch();
  std::uint32_t NeedMedium(DiscImpl** d);

  std::uint32_t Inquiry();
  std::uint32_t RequestSense();
  std::uint32_t StartStop();
  std::uint32_t GetConfiguration();
  std::uint32_t GetEventStatus();
  std::uint32_t ModeSense(bool ten);
  std::uint32_t ModeSelect(bool ten);
  std::uint32_t ReadCapacity();
  std::uint32_t ReadFormatCapacities();
  std::uint32_t ReadDiscInformation();
  std::uint32_t ReadTrackInformation();
  std::uint32_t ReadToc();
  std::uint32_t Read(std::int32_t lba, std::uint32_t count);
  std::uint32_t ReadCd(std::int32_t lba, std::uint32_t count);
  std::uint32_t Write(std::int32_t lba, std::uint32_t count);
  std::uint32_t WriteSao(DiscImpl& d, std::int32_t lba, std::uint32_t count);
  std::uint32_t SynchronizeCache();
  std::uint32_t CloseTrackSession();
  std::uint32_t ReserveTrack();
  std::uint32_t FormatUnit();
  std::uint32_t BlankCmd();
  std::uint32_t SendCueSheet();
  std::uint32_t GetPerformance();
  std::uint32_t ReadDiscStructure();
  std::uint32_t SendDvdStructure();
  std::uint32_t ReadBufferCapacity();
  std::uint32_t ReadBuffer();
  std::uint32_t MechanismStatus();
  std::uint32_t ReportLuns();

  void AppendPage05(const WriteParameters& p, bool changeable);
  void AppendPage2A(bool changeable);
  void AppendPage01(bool changeable);
  std::uint32_t ValidatePage05(const std::uint8_t* page, std::size_t len, WriteParameters* out);
  std::uint32_t FinishSao(DiscImpl& d);
  std::uint32_t FinishRaw(DiscImpl& d);
  std::uint32_t CloseDaoSession(DiscImpl& d, std::vector<Track> made, std::uint32_t session);
  std::uint32_t CommitDisc();
  void AfterWrite(DiscImpl& d);
  std::uint32_t StoreCdSectors(DiscImpl& d, std::int32_t lba, std::uint32_t count,
                               std::uint32_t block, std::uint8_t dbt, const std::uint8_t* src);
  void FeatureList(std::uint16_t profile, std::vector<std::uint8_t>* out, std::uint8_t rt,
                   std::uint16_t start);
  std::uint8_t FillTrackInfo(DiscImpl& d, std::size_t index, std::uint8_t* r);
};

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
  std::uint32_t s = sense::kNone;
  if (cdb.empty()) {
    s = sense::kInvalidOpcode;
  } else {
    const std::uint8_t op = cdb[0];
    const bool ua_exempt = op == 0x12 || op == 0x03 || op == 0x46 || op == 0x4A;
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
      return NeedMedium(&d);
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

// --- SPC-4 6.4 INQUIRY ------------------------------------------------------------------
std::uint32_t DriveState::Inquiry() {
  if (cdb_[1] & 0x01) {  // EVPD
    const std::uint8_t page = cdb_[2];
    if (page == 0x00) {
      out_ = {0x05, 0x00, 0x00, 0x02, 0x00, 0x80};
      return sense::kNone;
    }
    if (page == 0x80) {
      const std::string serial = "VR0000000001";
      out_ = {0x05, 0x80, 0x00, static_cast<std::uint8_t>(serial.size())};
      out_.insert(out_.end(), serial.begin(), serial.end());
      return sense::kNone;
    }
    return sense::kInvalidField;
  }
  if (cdb_[2] != 0) return sense::kInvalidField;
  base::ByteWriter w(&out_);
  w.U8(0x05);  // peripheral device type 05h: CD/DVD device (libburn, growisofs require it)
  w.U8(0x80);  // RMB: removable
  w.U8(0x05);  // version: SPC-3
  w.U8(0x32);  // HiSup, response data format 2
  w.U8(91);    // additional length: 96 bytes in total
  w.U8(0x00);
  w.U8(0x00);
  w.U8(0x00);
  w.Padded(identity.vendor, 8);
  w.Padded(identity.product, 16);
  w.Padded(identity.revision, 4);
  w.Fill(0, 96 - out_.size());
  return sense::kNone;
}

// --- SPC-4 6.27 REQUEST SENSE ----------------------------------------------------------
std::uint32_t DriveState::RequestSense() {
  std::uint32_t s = sense::kNone;
  if (unit_attention) {
    s = *unit_attention;
    unit_attention.reset();
  } else if (disc_impl() == nullptr) {
    s = sense::kNoMedium;
  }
  out_.assign(18, 0);
  out_[0] = 0x70;
  out_[2] = static_cast<std::uint8_t>(s >> 16);
  out_[7] = 10;
  out_[12] = static_cast<std::uint8_t>(s >> 8);
  out_[13] = static_cast<std::uint8_t>(s);
  return sense::kNone;
}

// --- MMC-6 6.39 START STOP UNIT --------------------------------------------------------
std::uint32_t DriveState::StartStop() {
  const bool loej = (cdb_[4] & 0x02) != 0;
  const bool start = (cdb_[4] & 0x01) != 0;
  if (!loej) return sense::kNone;  // spin up / down; wodim starts an empty drive too
  if (start) {                     // load: close the tray
    if (tray_open) {
      tray_open = false;
      if (disc && !removed) {
        unit_attention = sense::kMediumChanged;
        media_event = true;
      }
    }
    return sense::kNone;
  }
  if (prevent) return sense::kRemovalPrevented;
  if (!tray_open) {
    if (DiscImpl* d = disc_impl()) {
      if (!d->Commit()) return sense::kInternalFailure;
    }
    tray_open = true;
  }
  return sense::kNone;
}

// --- MMC-6 6.6 GET CONFIGURATION -------------------------------------------------------
void DriveState::FeatureList(std::uint16_t profile, std::vector<std::uint8_t>* out, std::uint8_t rt,
                             std::uint16_t start) {
  DiscImpl* d = disc_impl();
  const bool cd = profile == 0x09 || profile == 0x0A;
  const bool dvd = profile >= 0x10 && profile < 0x40;
  const bool bd = profile >= 0x40;
  const bool random = d != nullptr && d->random_access();
  const bool any = profile != 0;
  auto feature = [&](std::uint16_t code, std::uint8_t version, bool current,
                     std::vector<std::uint8_t> body) {
    if (code < start) return;
    if (rt == 1 && !current) return;
    if (rt == 2 && code != start) return;
    base::ByteWriter w(out);
    w.Be16(code);
    w.U8(static_cast<std::uint8_t>((version << 2) | (current ? 1 : 0) |
                                   ((code <= 0x0003) ? 0x02 : 0)));
    w.U8(static_cast<std::uint8_t>(body.size()));
    w.Raw(body);
  };
  // Feature 0000h: Profile List (MMC-6 5.3.1), highest first.
  static constexpr std::uint16_t kProfiles[] = {0x43, 0x41, 0x40, 0x2B, 0x1B, 0x1A, 0x15, 0x14,
                                                0x13, 0x12, 0x11, 0x10, 0x0A, 0x09, 0x08};
  std::vector<std::uint8_t> plist;
  for (std::uint16_t p : kProfiles) {
    plist.push_back(static_cast<std::uint8_t>(p >> 8));
    plist.push_back(static_cast<std::uint8_t>(p));
    plist.push_back(p == profile ? 1 : 0);
    plist.push_back(0);
  }
  feature(0x0000, 0, true, plist);
  feature(0x0001, 2, true, {0, 0, 0, 2, 0x01, 0, 0, 0});  // Core: ATAPI, DBE
  feature(0x0002, 1, true, {0x02, 0, 0, 0});              // Morphing: OCEvent
  feature(0x0003, 0, true, {0x29, 0, 0, 0});              // tray loader, Eject, Lock  // tray
  feature(0x0010, 0, any,
          {0, 0, 0x08, 0x00, 0, static_cast<std::uint8_t>(cd ? 1 : (bd ? 32 : 16)), 0x00, 0});
  feature(0x001D, 0, any, {});                  // Multi-Read
  feature(0x001E, 2, cd, {0x03, 0, 0, 0});      // CD Read: C2, CD-Text
  feature(0x001F, 1, dvd, {0x01, 0, 0x01, 0});  // DVD Read: MULTI110, DL
  std::uint32_t last = d ? d->Capacity() - 1 : 0;
  feature(0x0020, 1, random,
          {static_cast<std::uint8_t>(last >> 24), static_cast<std::uint8_t>(last >> 16),
           static_cast<std::uint8_t>(last >> 8), static_cast<std::uint8_t>(last), 0, 0, 0x08, 0, 0,
           static_cast<std::uint8_t>(bd ? 32 : 16), 0, 0});
  const bool incremental =
      profile == 0x09 || profile == 0x0A || profile == 0x11 || profile == 0x14 || profile == 0x15;
  // Feature 0021h: data block types 0, 8, 10 (CD) or 8 (DVD); one link size (CD 7, DVD 16).
  feature(0x0021, 1, incremental,
          {static_cast<std::uint8_t>(cd ? 0x05 : 0x01), static_cast<std::uint8_t>(cd ? 0x01 : 0x00),
           0x01, 1, static_cast<std::uint8_t>(cd ? 7 : 16), 0, 0, 0});
  const bool formattable = profile == 0x1A || profile == 0x12 || profile == 0x13 ||
                           profile == 0x14 || profile == 0x41 || profile == 0x43;
  feature(0x0023, 1, formattable, {0x00, 0, 0, 0, 0, 0, 0, 0});
  feature(0x0024, 0, profile == 0x12 || profile == 0x43, {0x80, 0, 0, 0});  // defect mgmt (SSA)
  feature(0x0026, 0, profile == 0x13, {});                                  // restricted overwrite
  feature(0x002A, 1, profile == 0x1A, {0x01, 0x00, 0, 0});                  // DVD+RW: Write
  feature(0x002B, 0, profile == 0x1B || profile == 0x2B, {0x01, 0, 0, 0});  // DVD+R: Write
  feature(0x002C, 1, profile == 0x13, {0x0F, 0, 0, 0});                     // rigid RO
  feature(0x002D, 2, cd, {0x5F, 0, 0x07, 0x01});     // CD TAO: BUF, R-W raw/pack, test, CD-RW
  feature(0x002E, 1, cd, {0x7F, 0x00, 0x0F, 0xFF});  // CD Mastering: SAO, raw, raw MS; cue 4095
  feature(0x002F, 2, profile == 0x11 || profile == 0x14 || profile == 0x15, {0x4E, 0, 0, 0});
  feature(0x0037, 0, profile == 0x0A, {0, 0xFF, 0, 0});  // CD-RW media subtypes
  feature(0x003A, 0, false, {0x01, 0, 0, 0});
  feature(0x003B, 0, profile == 0x2B, {0x01, 0, 0, 0});      // DVD+R DL: Write
  feature(0x0040, 1, bd, std::vector<std::uint8_t>(28, 0));  // BD Read
  feature(0x0041, 2, profile == 0x41 || profile == 0x43,
          std::vector<std::uint8_t>(20, 0));  // BD Write
  feature(0x0100, 0, true, {});               // Power Management
  feature(0x0105, 1, true, {0x01, 0, 0, 0});  // Timeout
  feature(0x0107, 3, true, {0x1F, 0, 0, 0});  // Real Time Streaming: WSPD
}

std::uint32_t DriveState::GetConfiguration() {
  const std::uint8_t rt = cdb_[1] & 0x03;
  if (rt == 3) return sense::kInvalidField;
  const std::uint16_t start = LoadBe16(&cdb_[2]);
  DiscImpl* d = disc_impl();
  const std::uint16_t profile = d ? d->CurrentProfile() : 0;
  out_.assign(8, 0);
  StoreBe16(&out_[6], profile);
  FeatureList(profile, &out_, rt, start);
  StoreBe32(&out_[0], static_cast<std::uint32_t>(out_.size() - 4));
  return sense::kNone;
}

// --- MMC-6 6.7 GET EVENT STATUS NOTIFICATION (polled) -----------------------------------
std::uint32_t DriveState::GetEventStatus() {
  if ((cdb_[1] & 0x01) == 0) return sense::kInvalidField;  // asynchronous: not supported
  const std::uint8_t request = cdb_[4];
  constexpr std::uint8_t kSupported = 0x02 | 0x04 | 0x10;  // operational, power, media
  out_.assign(4, 0);
  out_[3] = kSupported;
  if (request & 0x10) {
    out_[2] = 0x04;  // media class
    std::uint8_t code = 0;
    if (media_event) {
      code = disc_impl() ? 2 : 3;  // new media / media removal
      media_event = false;
    }
    out_.push_back(code);
    out_.push_back(
        static_cast<std::uint8_t>((disc_impl() ? 0x02 : 0x00) | (tray_open ? 0x01 : 0x00)));
    out_.push_back(0);
    out_.push_back(0);
  } else if (request & 0x04) {
    out_[2] = 0x02;  // power management: active
    out_.insert(out_.end(), {0x00, 0x01, 0x00, 0x00});
  } else if (request & 0x02) {
    out_[2] = 0x01;  // operational change: none
    out_.insert(out_.end(), {0x00, 0x00, 0x00, 0x00});
  } else {
    out_[2] = 0x80;  // NEA: no requested class is supported
  }
  StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
  return sense::kNone;
}

// --- MMC-6 7.3 mode pages; SPC-4 6.11 / 6.13 MODE SENSE ---------------------------------
void DriveState::AppendPage01(bool changeable) {
  std::uint8_t p[12] = {0x01, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (!changeable) p[3] = 0x01;  // read retry count
  out_.insert(out_.end(), p, p + 12);
}

void DriveState::AppendPage05(const WriteParameters& w, bool changeable) {
  std::uint8_t p[52] = {};
  p[0] = 0x05;
  p[1] = 0x32;
  if (changeable) {
    std::memset(p + 2, 0xFF, 50);
  } else {
    p[2] = static_cast<std::uint8_t>((w.bufe ? 0x40 : 0) | (w.ls_v ? 0x20 : 0) |
                                     (w.test_write ? 0x10 : 0) | (w.write_type & 0x0F));
    p[3] = static_cast<std::uint8_t>((w.multisession << 6) | (w.fixed_packet ? 0x20 : 0) |
                                     (w.track_mode & 0x0F));
    p[4] = w.data_block_type & 0x0F;
    p[5] = w.link_size;
    p[8] = w.session_format;
    StoreBe32(p + 10, w.packet_size);
    StoreBe16(p + 14, 150);  // audio pause length
  }
  out_.insert(out_.end(), p, p + 52);
}

void DriveState::AppendPage2A(bool changeable) {
  DiscImpl* d = disc_impl();
  SpeedSet sp = SpeedsFor(d ? d->info().family : base::MediaFamily::kCd);
  const std::size_t n = sp.write.size();
  std::vector<std::uint8_t> p(32 + 4 * n, 0);
  p[0] = 0x2A;
  p[1] = static_cast<std::uint8_t>(p.size() - 2);
  if (!changeable) {
    p[2] = 0x3F;  // reads CD-R, CD-RW, method 2, DVD-ROM, DVD-R, DVD-RAM
    p[3] = 0x37;  // writes CD-R, CD-RW, test write, DVD-R, DVD-RAM
    p[4] = 0xF1;  // BUF, multi-session, mode 2 form 1/2, audio play
    p[5] = 0x3F;  // ISRC, C2 pointers, R-W, CD-DA accurate, CD-DA commands
    p[6] = static_cast<std::uint8_t>(0x29 | (prevent ? 0x02 : 0));  // tray, eject, lock
    p[7] = 0x20;                                                    // R-W in lead-in
    StoreBe16(&p[8], sp.read);
    StoreBe16(&p[10], 256);
    StoreBe16(&p[12],
              static_cast<std::uint16_t>(std::min<std::uint32_t>(identity.buffer_kib, 65535)));
    StoreBe16(&p[14], sp.read);
    StoreBe16(&p[18], sp.write.front());
    StoreBe16(&p[20], write_speed ? write_speed : sp.write.front());
    StoreBe16(&p[28], write_speed ? write_speed : sp.write.front());
    StoreBe16(&p[30], static_cast<std::uint16_t>(n));
    for (std::size_t i = 0; i < n; ++i) StoreBe16(&p[32 + 4 * i + 2], sp.write[i]);
  }
  out_.insert(out_.end(), p.begin(), p.end());
}

std::uint32_t DriveState::ModeSense(bool ten) {
  const std::uint8_t pc = cdb_[2] >> 6;
  const std::uint8_t page = cdb_[2] & 0x3F;
  if (pc == 3) return sense::kSavingNotSupported;
  if (cdb_[3] != 0 && page != 0x3F) return sense::kInvalidField;  // no sub-pages
  const bool changeable = pc == 1;
  const std::size_t header = ten ? 8 : 4;
  out_.assign(header, 0);
  DiscImpl* d = disc_impl();
  WriteParameters defaults;
  if (d && !d->is_cd()) {
    defaults.write_type = 0;
    defaults.track_mode = 5;
  }
  const WriteParameters& w = (d && pc == 0) ? d->params_ : defaults;
  switch (page) {
    case 0x01:
      AppendPage01(changeable);
      break;
    case 0x05:
      AppendPage05(w, changeable);
      break;
    case 0x2A:
      AppendPage2A(changeable);
      break;
    case 0x3F:
      AppendPage01(changeable);
      AppendPage05(w, changeable);
      AppendPage2A(changeable);
      break;
    default:
      return sense::kInvalidField;
  }
  if (ten) {
    StoreBe16(&out_[0], static_cast<std::uint16_t>(out_.size() - 2));
  } else {
    out_[0] = static_cast<std::uint8_t>(std::min<std::size_t>(out_.size() - 1, 255));
  }
  return sense::kNone;
}

// Page 05h checks (MMC-6 7.5): the write type must suit the medium loaded (or, without
// one, the drive), and the data block type the write type. wodim's "Supported modes"
// comes from which combinations are accepted.
std::uint32_t DriveState::ValidatePage05(const std::uint8_t* page, std::size_t len,
                                         WriteParameters* w) {
  if (len < 16) return sense::kParameterLength;
  w->bufe = (page[2] & 0x40) != 0;
  w->ls_v = (page[2] & 0x20) != 0;
  w->test_write = (page[2] & 0x10) != 0;
  w->write_type = page[2] & 0x0F;
  w->multisession = page[3] >> 6;
  w->fixed_packet = (page[3] & 0x20) != 0;
  w->track_mode = page[3] & 0x0F;
  w->data_block_type = page[4] & 0x0F;
  w->link_size = page[5];
  w->session_format = page[8];
  w->packet_size = LoadBe32(page + 10);
  if (w->write_type > 4) return sense::kInvalidParameter;
  if (w->multisession == 1 || w->multisession == 2) return sense::kInvalidParameter;
  DiscImpl* d = disc_impl();
  const bool cd = d == nullptr || d->is_cd();
  if (cd) {
    if (w->write_type == 4) return sense::kInvalidParameter;  // layer jump is DVD-R DL only
    const bool audio = (w->track_mode & 0x04) == 0;
    switch (w->write_type) {
      case 0:  // packet: data only, fixed packets of user data
        if (audio || (w->data_block_type != 8 && w->data_block_type != 10))
          return sense::kInvalidParameter;
        break;
      case 1:  // TAO
        if (audio ? w->data_block_type != 0
                  : (w->data_block_type != 8 && w->data_block_type != 9 &&
                     w->data_block_type != 10)) {
          return sense::kInvalidParameter;
        }
        break;
      case 2:  // SAO: block sizes come from the cue sheet
        if (w->data_block_type != 0 && w->data_block_type != 8 && w->data_block_type != 9 &&
            w->data_block_type != 10) {
          return sense::kInvalidParameter;
        }
        break;
      case 3:  // RAW: 2352 + sub-channel
        if (w->data_block_type < 1 || w->data_block_type > 3) return sense::kInvalidParameter;
        break;
    }
    return sense::kNone;
  }
  const std::uint16_t profile = d->CurrentProfile();
  if (profile == 0x11 || profile == 0x14 || profile == 0x15) {  // DVD-R/-RW sequential
    if (w->write_type != 0 && w->write_type != 2) {             // layer jump (4) is not modelled
      return sense::kInvalidParameter;
    }
    if (w->data_block_type != 8) return sense::kInvalidParameter;
    return sense::kNone;
  }
  // DVD+R/+RW, DVD-RAM, DVD-RW restricted overwrite and BD do not use page 05h; drives
  // accept the page (growisofs sends it for DVD+R) as long as it asks for 2048-byte data.
  if (w->data_block_type != 8 || w->write_type == 1 || w->write_type == 3)
    return sense::kInvalidParameter;
  return sense::kNone;
}

std::uint32_t DriveState::ModeSelect(bool ten) {
  const std::size_t header = ten ? 8 : 4;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (data_.size() < header) return data_.empty() ? sense::kNone : sense::kParameterLength;
  const std::size_t bdl = ten ? LoadBe16(&data_[6]) : data_[3];
  std::size_t pos = header + bdl;
  DiscImpl* d = disc_impl();
  while (pos + 2 <= data_.size()) {
    const std::uint8_t code = data_[pos] & 0x3F;
    if (data_[pos] & 0x80) return sense::kInvalidParameter;  // PS must be zero
    const std::size_t len = std::size_t{data_[pos + 1]} + 2;
    if (pos + len > data_.size()) return sense::kParameterLength;
    if (code == 0x05) {
      WriteParameters w;
      std::uint32_t s = ValidatePage05(&data_[pos], len, &w);
      if (s != sense::kNone) return s;
      if (d) {
        d->params_ = w;
        d->next_session_allowed_ = !d->is_cd() && d->CurrentProfile() != 0x11 &&
                                           d->CurrentProfile() != 0x14 &&
                                           d->CurrentProfile() != 0x15
                                       ? true
                                       : w.multisession == 3;
      }
    } else if (code != 0x01 && code != 0x2A) {
      return sense::kInvalidParameter;
    }
    pos += len;
  }
  return sense::kNone;
}

// --- MMC-6 6.25 READ CAPACITY ------------------------------------------------------------
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

// --- MMC-6 6.24 READ FORMAT CAPACITIES --------------------------------------------------
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
      desc(full, 0x03, 2048);  // not formattable: maximum capacity (MMC-6 6.24.3.2)
      break;
  }
  out_[3] = static_cast<std::uint8_t>(out_.size() - 4);
  return sense::kNone;
}

// --- MMC-6 6.22 READ DISC INFORMATION --------------------------------------------------
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

// --- MMC-6 6.27 READ TRACK INFORMATION -------------------------------------------------
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
    // SAO/RAW on a blank CD session: the host starts at the pre-gap or the lead-in.
    if (d.is_cd() && t.state == TrackState::kInvisible && t.recorded == 0) {
      if (d.params_.write_type == 2) v = t.start - static_cast<std::int32_t>(kCdPregap);
      if (d.params_.write_type == 3 && d.closed_sessions_ == 0) v = kCdLeadInStart;
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

// --- MMC-6 6.26 READ TOC/PMA/ATIP -------------------------------------------------------
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
    case 5:  // CD-TEXT: none recorded
      if (!d->is_cd()) return sense::kInvalidField;
      out_.assign(4, 0);
      break;
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

// --- MMC-6 6.15 / 6.16 READ(10), READ(12) ------------------------------------------------
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

// --- MMC-6 6.19 READ CD -----------------------------------------------------------------
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
    if (!d->store().Read(d->SlotOffset(l), slot)) return sense::kUnrecoveredRead;
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

// --- MMC-6 6.46 / 6.47 WRITE(10), WRITE(12) ----------------------------------------------
std::uint32_t DriveState::StoreCdSectors(DiscImpl& d, std::int32_t lba, std::uint32_t count,
                                         std::uint32_t block, std::uint8_t dbt,
                                         const std::uint8_t* src) {
  std::vector<std::uint8_t> slot(kCdSlotBytes);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::int32_t l = lba + static_cast<std::int32_t>(i);
    const std::uint8_t* s = src + std::size_t{i} * block;
    std::fill(slot.begin(), slot.end(), 0);
    switch (dbt) {
      case 0:
        std::memcpy(slot.data(), s, 2352);
        break;
      case 1:
        std::memcpy(slot.data(), s, 2352);
        {  // 16 bytes of formatted P-Q: keep Q as raw interleaved sub-channel
          // Hosts differ on the CRC of formatted Q (cdrdao sends it uninverted); the disc
          // records the ECMA-130 form, so it is regenerated here.
          std::array<std::uint8_t, 12> q{};
          std::memcpy(q.data(), s + 2352, 10);
          const std::uint16_t crc = cd::QCrc(std::span<const std::uint8_t>(q.data(), 10));
          q[10] = static_cast<std::uint8_t>(crc >> 8);
          q[11] = static_cast<std::uint8_t>(crc);
          cd::InterleavePq((s[2352 + 15] & 0x80) != 0, q, slot.data() + kCdSubOffset);
        }
        break;
      case 2:
      case 3:
        std::memcpy(slot.data(), s, 2448);
        break;
      case 8:
        std::memcpy(slot.data() + 16, s, 2048);
        cd::FrameMode1(l, slot.data());
        break;
      case 9:
        std::memcpy(slot.data() + 16, s, 2336);
        cd::FrameMode2(l, slot.data());
        break;
      case 10:
        std::memcpy(slot.data() + 24, s, 2048);
        cd::FrameMode2Form1(l, slot.data());
        break;
      default:
        return sense::kInvalidParameter;
    }
    // RAW: data sectors (recognised by their sync pattern) arrive scrambled, as on the disc;
    // the store keeps sectors as READ CD returns them.
    if (d.params_.write_type == 3 && dbt >= 1 && dbt <= 3 && cd::HasSync(slot.data())) {
      cd::Scramble(slot.data());
    }
    if (!d.store().Write(d.SlotOffset(l), slot)) return sense::kWriteError;
  }
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
  Track* t = d->TrackForWrite(lba);
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

// --- MMC-6 6.41 SYNCHRONIZE CACHE ------------------------------------------------------
std::uint32_t DriveState::SynchronizeCache() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (d->is_cd() && sao_active) {
    std::uint32_t s = d->params_.write_type == 3 ? FinishRaw(*d) : FinishSao(*d);
    if (s != sense::kNone) return s;
  }
  // DVD-R DAO: a fully written reserved track closes the disc (MMC-6 4.5.4.3).
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
  return CommitDisc();
}

// --- MMC-6 6.3 CLOSE TRACK/SESSION -------------------------------------------------------
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
  return CommitDisc();
}

// --- MMC-6 6.31 RESERVE TRACK --------------------------------------------------------------
std::uint32_t DriveState::ReserveTrack() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  if (cdb_[1] & 0x01) return sense::kInvalidField;  // ARSV (address form): not supported
  std::uint32_t s = d->Reserve(LoadBe32(&cdb_[5]));
  if (s != sense::kNone) return s;
  return CommitDisc();
}

// --- MMC-6 6.5 FORMAT UNIT ---------------------------------------------------------------
std::uint32_t DriveState::FormatUnit() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  consumed_ = static_cast<std::uint32_t>(data_.size());
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  if ((cdb_[1] & 0x07) != 1) return sense::kInvalidField;  // format code 001b
  std::uint8_t type = d->media() == base::MediaType::kDvdPlusRw ? 0x26 : 0x00;
  std::uint32_t blocks = 0;
  if (cdb_[1] & 0x10) {  // FmtData: a parameter list with one format descriptor follows
    if (data_.size() < 12) return sense::kParameterLength;
    if (LoadBe16(&data_[2]) != 8) return sense::kInvalidParameter;
    blocks = LoadBe32(&data_[4]);
    type = data_[8] >> 2;
  }
  std::uint32_t s = d->Format(type, blocks);
  if (s != sense::kNone) return s;
  return CommitDisc();
}

// --- MMC-6 6.2 BLANK ---------------------------------------------------------------------
std::uint32_t DriveState::BlankCmd() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  if (d->faults_.wrong_medium) return sense::kIncompatibleWrite;
  std::uint32_t s = d->Blank(cdb_[1] & 0x07);
  if (s != sense::kNone) return s;
  sao_active = false;
  return CommitDisc();
}

// --- MMC-6 6.33 SEND CUE SHEET -------------------------------------------------------------
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
  for (std::size_t i = 0; i < data_.size(); i += 8) {
    CueEntry e;
    e.ctl_adr = data_[i];
    e.track = data_[i + 1];
    e.index = data_[i + 2];
    e.data_form = data_[i + 3];
    e.scms = data_[i + 4];
    if (data_[i + 6] >= 60 || data_[i + 7] >= 75) return sense::kInvalidParameter;
    e.lba = cd::MsfToLba(data_[i + 5], data_[i + 6], data_[i + 7]);
    if ((e.ctl_adr & 0x0F) == 1 && !CueFormBytes(e.data_form)) return sense::kInvalidParameter;
    if ((e.ctl_adr & 0x0F) == 1) cue.push_back(e);  // ADR 2/3 (catalog, ISRC) carry no layout
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
  sao_active = true;
  // Cue sheet addresses are absolute: the first pre-gap must begin where this session's
  // program area may (−150 on a blank disc).
  if (cue[1].lba < inv->start - static_cast<std::int32_t>(kCdPregap))
    return sense::kInvalidParameter;
  sao_next = cue[1].lba;
  if (cue.front().data_form & 0x40) sao_next = kCdLeadInStart;  // CD-TEXT in the lead-in
  return sense::kNone;
}

// --- MMC-6 6.8 GET PERFORMANCE -----------------------------------------------------------
std::uint32_t DriveState::GetPerformance() {
  const std::uint8_t type = cdb_[10];
  const std::uint16_t max = LoadBe16(&cdb_[8]);
  DiscImpl* d = disc_impl();
  SpeedSet sp = SpeedsFor(d ? d->info().family : base::MediaFamily::kCd);
  const std::uint32_t end = d ? d->Capacity() - 1 : 359846;
  out_.assign(8, 0);
  if (type == 0x00) {
    const bool write = (cdb_[1] & 0x04) != 0;
    if (max >= 1) {
      std::uint8_t e[16] = {};
      StoreBe32(e + 4, write ? sp.write.front() : sp.read);
      StoreBe32(e + 8, end);
      StoreBe32(e + 12, write ? sp.write.front() : sp.read);
      out_.insert(out_.end(), e, e + 16);
    }
    out_[4] = write ? 0x02 : 0x00;
  } else if (type == 0x03) {
    for (std::size_t i = 0; i < sp.write.size() && i < max; ++i) {
      std::uint8_t e[16] = {};
      e[0] = 0x00;  // WRC: default rotation (CLV)
      StoreBe32(e + 4, end);
      StoreBe32(e + 8, sp.read);
      StoreBe32(e + 12, sp.write[i]);
      out_.insert(out_.end(), e, e + 16);
    }
  } else {
    return sense::kInvalidField;
  }
  StoreBe32(&out_[0], static_cast<std::uint32_t>(out_.size() - 4));
  return sense::kNone;
}

// --- MMC-6 6.23 READ DISC STRUCTURE / 6.34 SEND DISC STRUCTURE ---------------------------
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

// --- MMC-6 6.23 READ BUFFER CAPACITY, SPC-4 6.16 READ BUFFER ----------------------------
std::uint32_t DriveState::ReadBufferCapacity() {
  DiscImpl* d;
  if (std::uint32_t s = NeedMedium(&d)) return s;
  const std::uint32_t bytes = identity.buffer_kib * 1024;
  out_.assign(12, 0);
  StoreBe16(&out_[0], 10);
  if (cdb_[1] & 0x01) {  // block: available space in blocks
    out_[3] = 0x01;
    StoreBe32(&out_[8], bytes / 2048);
  } else {
    StoreBe32(&out_[4], bytes);
    StoreBe32(&out_[8], bytes);  // written through: the buffer is always empty
  }
  return sense::kNone;
}

std::uint32_t DriveState::ReadBuffer() {
  const std::uint8_t mode = cdb_[1] & 0x1F;
  const std::uint32_t bytes = identity.buffer_kib * 1024;
  if (mode == 0x00) {  // combined header and data: capacity only
    out_ = {0, static_cast<std::uint8_t>(bytes >> 16), static_cast<std::uint8_t>(bytes >> 8),
            static_cast<std::uint8_t>(bytes)};
    return sense::kNone;
  }
  if (mode == 0x03) {  // descriptor: offset boundary and capacity
    out_ = {0, static_cast<std::uint8_t>(bytes >> 16), static_cast<std::uint8_t>(bytes >> 8),
            static_cast<std::uint8_t>(bytes)};
    return sense::kNone;
  }
  return sense::kInvalidField;
}

std::uint32_t DriveState::MechanismStatus() {
  out_.assign(8, 0);
  out_[1] = tray_open ? 0x10 : 0x00;
  return sense::kNone;
}

std::uint32_t DriveState::ReportLuns() {
  out_.assign(16, 0);
  StoreBe32(&out_[0], 8);
  return sense::kNone;
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
