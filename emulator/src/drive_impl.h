// The private side of emulator::Drive, shared by the files that implement it: the
// DriveState class (drive state plus one member function per command), the sense triples
// the commands return and the speed table. drive.cc decodes and dispatches a CDB; the
// commands themselves live in drive_identify.cc (INQUIRY, GET CONFIGURATION and other
// device status), drive_mode_pages.cc (MODE SENSE/SELECT), drive_disc_info.cc (READ
// CAPACITY, READ DISC INFORMATION, READ TRACK INFORMATION, READ TOC/PMA/ATIP, READ DISC
// STRUCTURE), drive_read.cc (READ, READ CD) and drive_write.cc (WRITE, SEND CUE SHEET and
// the session-closing commands). specs/emulator.md lists the commands and their sense.
#ifndef MKIMG_EMULATOR_DRIVE_IMPL_H_
#define MKIMG_EMULATOR_DRIVE_IMPL_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/media.h"
#include "disc_impl.h"
#include "emulator/drive.h"
#include "mmc/transport.h"

namespace emulator {

using base::LoadBe16;
using base::LoadBe32;
using base::StoreBe16;
using base::StoreBe32;

// Sense triples (SPC-4 Annex D, MMC-5 Annex F).
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

// Speeds in kB/s (1000 bytes): CD 1x = 176.4, DVD 1x = 1385, BD 1x = 4495.
struct SpeedSet {
  std::uint16_t read;
  std::vector<std::uint16_t> write;
};
inline SpeedSet SpeedsFor(base::MediaFamily f) {
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
  // Test write on sequential media: blocks "written" past the NWA, which does not move
  // (nothing is recorded); the next simulated WRITE is expected at NWA + test_written.
  std::int32_t test_written = 0;
  bool sao_active = false;
  std::uint16_t write_speed = 0;
  // An operation started with IMMED set (BLANK, FORMAT UNIT, CLOSE TRACK/SESSION,
  // SYNCHRONIZE CACHE; specs/emulator.md "Immediate operations"). Its effect is recorded
  // at once; it then reads as in progress to the status polls (TEST UNIT READY, REQUEST
  // SENSE, GET EVENT STATUS NOTIFICATION) that come within identity.immed_busy_ms of the
  // command, at most kImmedPolls of them, with a progress indication that rises on each.
  // It is over at the next poll after that, at the first poll that comes later, and at
  // any other command.
  struct Background {
    std::uint8_t ascq = 0x07;  // 04/04 format in progress, 04/07 operation in progress
    std::uint32_t polls = 0;   // polls answered "in progress" so far
    std::chrono::steady_clock::time_point started;
  };
  static constexpr std::uint32_t kImmedPolls = 2;
  std::optional<Background> background;
  // One status poll during a background operation: the progress indication (SPC-4
  // 4.5.2.4.4, 0-65535) while it is still in progress, nullopt once it is over.
  std::optional<std::uint16_t> PollBackground();
  void StartBackground(std::uint8_t ascq) {
    background = Background{ascq, 0, std::chrono::steady_clock::now()};
  }

  DiscImpl* disc_impl() { return (disc && !removed && !tray_open) ? &disc->impl() : nullptr; }

  mmc::CommandResult Run(std::span<const std::uint8_t> cdb, mmc::DataDirection dir,
                         std::span<std::uint8_t> data);

 private:
  // Per-command context.
  std::span<const std::uint8_t> cdb_;
  std::span<std::uint8_t> data_;
  std::vector<std::uint8_t> out_;
  std::vector<std::uint8_t> slots_;  // CD sectors on their way to the store
  std::uint32_t consumed_ = 0;
  // Sense-key specific bytes 15-17 of the sense of this command (SKSV set), when any.
  std::optional<std::uint16_t> progress_;

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
  std::uint32_t ReadSubChannel();
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
  void RecordedPq(DiscImpl& d, std::int32_t lba, std::uint8_t* out96);
  std::uint32_t StoreCdSectors(DiscImpl& d, std::int32_t lba, std::uint32_t count,
                               std::uint32_t block, std::uint8_t dbt, const std::uint8_t* src);
  void FeatureList(std::uint16_t profile, std::vector<std::uint8_t>* out, std::uint8_t rt,
                   std::uint16_t start);
  std::uint8_t FillTrackInfo(DiscImpl& d, std::size_t index, std::uint8_t* r);
};

}  // namespace emulator

#endif  // MKIMG_EMULATOR_DRIVE_IMPL_H_
