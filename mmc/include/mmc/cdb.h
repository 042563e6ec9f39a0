// Command descriptor block (CDB) builders for the SPC-4 and MMC-6 commands that optical
// recorders and the programs driving them use (T10 SPC-4 clause 6, T10 MMC-6 clause 6).
// Section numbers in comments follow the public MMC-5 r03c draft, whose command layouts
// MMC-6 keeps unchanged; "SPC-4 x.y" refers to SPC-4 r37. Each builder returns the exact CDB bytes
// as a std::array of the command's size (6, 10 or 12 bytes); multi-byte fields are big-endian
// (SPC-4 4.3.1). Parameters are typed, and values that do not fit their CDB field are a caller bug
// (CHECK), never silently truncated. The control byte (SAM-5 5.2) is always 00h. Golden vectors
// from the specs and from traces of xorriso, cdrskin, wodim, growisofs and cdrdao live in
// cdb_test.cc.
#ifndef MKIMG_MMC_CDB_H_
#define MKIMG_MMC_CDB_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mmc {

using Cdb6 = std::array<std::uint8_t, 6>;
using Cdb10 = std::array<std::uint8_t, 10>;
using Cdb12 = std::array<std::uint8_t, 12>;

// Operation codes (SPC-4 Annex D, MMC-5 clause 6).
enum class Opcode : std::uint8_t {
  kTestUnitReady = 0x00,
  kRezeroUnit = 0x01,
  kRequestSense = 0x03,
  kFormatUnit = 0x04,
  kInquiry = 0x12,
  kModeSelect6 = 0x15,
  kModeSense6 = 0x1A,
  kStartStopUnit = 0x1B,
  kPreventAllowMediumRemoval = 0x1E,
  kReadFormatCapacities = 0x23,
  kReadCapacity = 0x25,
  kRead10 = 0x28,
  kWrite10 = 0x2A,
  kSeek10 = 0x2B,
  kWriteAndVerify10 = 0x2E,
  kVerify10 = 0x2F,
  kSynchronizeCache = 0x35,
  kReadBuffer = 0x3C,
  kReadSubChannel = 0x42,
  kReadTocPmaAtip = 0x43,
  kGetConfiguration = 0x46,
  kGetEventStatusNotification = 0x4A,
  kReadDiscInformation = 0x51,
  kReadTrackInformation = 0x52,
  kReserveTrack = 0x53,
  kSendOpcInformation = 0x54,
  kModeSelect10 = 0x55,
  kRepairTrack = 0x58,
  kModeSense10 = 0x5A,
  kCloseTrackSession = 0x5B,
  kReadBufferCapacity = 0x5C,
  kSendCueSheet = 0x5D,
  kReportLuns = 0xA0,
  kBlank = 0xA1,
  kSecurityProtocolIn = 0xA2,
  kSendKey = 0xA3,
  kReportKey = 0xA4,
  kLoadUnloadMedium = 0xA6,
  kSetReadAhead = 0xA7,
  kRead12 = 0xA8,
  kWrite12 = 0xAA,
  kGetPerformance = 0xAC,
  kReadDiscStructure = 0xAD,
  kSetStreaming = 0xB6,
  kReadCdMsf = 0xB9,
  kSetCdSpeed = 0xBB,
  kMechanismStatus = 0xBD,
  kReadCd = 0xBE,
  kSendDiscStructure = 0xBF,
};

// The command's name as the specs spell it ("READ TRACK INFORMATION"), or "" if unknown.
std::string_view OpcodeName(std::uint8_t opcode);

// The CDB length the opcode's group implies (SPC-4 4.3.2): 6, 10, 12 or 16; 0 for the
// reserved and vendor-specific groups.
std::size_t CdbLengthForOpcode(std::uint8_t opcode);

// ---- SPC-4 commands ------------------------------------------------------------------

// TEST UNIT READY (SPC-4 6.37).
Cdb6 TestUnitReady();

// REZERO UNIT (SCSI-2 9.2.13; still sent by cdrdao).
Cdb6 RezeroUnit();

// REQUEST SENSE (SPC-4 6.29): DESC selects descriptor-format sense.
Cdb6 RequestSense(bool descriptor_format, std::uint8_t allocation_length);

// INQUIRY (SPC-4 6.4): the standard data when evpd is false (page_code must be 0).
Cdb6 Inquiry(std::uint16_t allocation_length, bool evpd = false, std::uint8_t page_code = 0);

// Page control for MODE SENSE (SPC-4 6.11.2).
enum class PageControl : std::uint8_t {
  kCurrent = 0,
  kChangeable = 1,
  kDefault = 2,
  kSaved = 3,
};

// MODE SENSE(6) (SPC-4 6.11). REQUIRES: page_code < 40h.
Cdb6 ModeSense6(std::uint8_t page_code, PageControl pc, std::uint8_t allocation_length,
                bool disable_block_descriptors = false, std::uint8_t subpage_code = 0);

// MODE SENSE(10) (SPC-4 6.12). REQUIRES: page_code < 40h.
Cdb10 ModeSense10(std::uint8_t page_code, PageControl pc, std::uint16_t allocation_length,
                  bool disable_block_descriptors = false, std::uint8_t subpage_code = 0);

// MODE SELECT(6) (SPC-4 6.9). PF (page format) is always set, as MMC-5 7.2 requires.
Cdb6 ModeSelect6(std::uint8_t parameter_list_length, bool save_pages = false);

// MODE SELECT(10) (SPC-4 6.10). PF is always set.
Cdb10 ModeSelect10(std::uint16_t parameter_list_length, bool save_pages = false);

// READ BUFFER (SPC-4 6.15). REQUIRES: mode < 20h, offset and length < 2^24.
Cdb10 ReadBuffer(std::uint8_t mode, std::uint8_t buffer_id, std::uint32_t buffer_offset,
                 std::uint32_t allocation_length);

// ---- MMC-6 commands ------------------------------------------------------------------

// BLANK blanking types (MMC-5 6.2.2).
enum class BlankType : std::uint8_t {
  kFullDisc = 0,
  kMinimal = 1,
  kTrack = 2,
  kUnreserveTrack = 3,
  kTrackTail = 4,
  kUncloseLastSession = 5,
  kSession = 6,
};
// BLANK (MMC-5 6.2). `address_or_track` is the start LBA (kTrackTail) or the track
// number (kTrack, kUnreserveTrack); ignored by the drive for the other types.
Cdb12 Blank(BlankType type, bool immediate, std::uint32_t address_or_track = 0);

// CLOSE TRACK/SESSION close functions (MMC-5 6.3.2.2). Their meaning depends on the
// current profile; the names give the common case.
enum class CloseFunction : std::uint8_t {
  kQuickStop = 0,              // 000b: DVD+RW/BD-RE: quick stop of background format
  kCloseTrack = 1,             // 001b: close the logical track `number`
  kCloseSession = 2,           // 010b: close session; DVD+RW/BD-RE: stop formatting
  kFunction3 = 3,              // 011b: profile-specific (DL media); not sent by mkimg
  kFunction4 = 4,              // 100b: profile-specific (DL media); not sent by mkimg
  kFinalizeMinimalRadius = 5,  // 101b: DVD+R (DL): finalize with minimal radius (libburn)
  kFinalizeDisc = 6,           // 110b: BD-R, DVD+R DL: finalize the disc (libburn: BD-R)
};
// CLOSE TRACK/SESSION (MMC-5 6.3). `number` is the track number for kCloseTrack.
Cdb10 CloseTrackSession(CloseFunction function, std::uint16_t number, bool immediate);

// FORMAT UNIT (MMC-5 6.5): FmtData = 1, CmpList = 0, format code 001b; the parameter
// list (format list header + one format descriptor, 12 bytes) follows as data-out.
Cdb6 FormatUnit();

// GET CONFIGURATION request types (MMC-5 6.6.2.1).
enum class ConfigurationRequestType : std::uint8_t {
  kAll = 0,      // every feature from the starting feature number on
  kCurrent = 1,  // only features whose Current bit is set
  kOne = 2,      // only the starting feature
};
// GET CONFIGURATION (MMC-5 6.6).
Cdb10 GetConfiguration(ConfigurationRequestType type, std::uint16_t starting_feature,
                       std::uint16_t allocation_length);

// GET EVENT STATUS NOTIFICATION (MMC-5 6.7). `class_request` is a bit mask of event
// classes (bit 4 = media, FFh = all, as growisofs asks). Only the polled mode exists.
Cdb10 GetEventStatusNotification(std::uint8_t class_request, std::uint16_t allocation_length);

// GET PERFORMANCE data types (MMC-5 6.8.2.2).
enum class PerformanceType : std::uint8_t {
  kPerformance = 0x00,
  kUnusableArea = 0x01,
  kDefectStatus = 0x02,
  kWriteSpeed = 0x03,
  kDbi = 0x04,
  kDbiCacheZone = 0x05,
};
// Tolerance and exceptions for type 00h (MMC-5 6.8.2.3, byte 1 bits 4-0).
enum class PerformanceExcept : std::uint8_t {
  kNominal = 0,  // nominal performance descriptors for the whole medium
  kAll = 1,      // every exception (time) descriptor
  kSome = 2,     // exceptions that reduce performance
};
// GET PERFORMANCE type 00h (MMC-5 6.8): tolerance 10b (nominal 10%) is always requested.
Cdb12 GetPerformance(bool write, PerformanceExcept except, std::uint32_t starting_lba,
                     std::uint16_t max_descriptors);
// GET PERFORMANCE for another data type (03h write speed, ...): data type bits are 0.
Cdb12 GetPerformanceOfType(PerformanceType type, std::uint16_t max_descriptors,
                           std::uint32_t starting_lba = 0);

// MECHANISM STATUS (MMC-5 6.10).
Cdb12 MechanismStatus(std::uint16_t allocation_length);

// PREVENT ALLOW MEDIUM REMOVAL (MMC-5 6.15, SPC-4 6.13).
Cdb6 PreventAllowMediumRemoval(bool prevent, bool persistent = false);

// READ(10) (MMC-5 6.16).
Cdb10 Read10(std::uint32_t lba, std::uint16_t blocks, bool force_unit_access = false);

// READ(12) (MMC-5 6.17). `streaming` requests the streaming read mode (byte 10 bit 7).
Cdb12 Read12(std::uint32_t lba, std::uint32_t blocks, bool force_unit_access = false,
             bool streaming = false);

// READ BUFFER CAPACITY (MMC-5 6.18). `block` = 1 asks for the block-count format.
Cdb10 ReadBufferCapacity(bool block, std::uint16_t allocation_length);

// READ CAPACITY (MMC-5 6.19).
Cdb10 ReadCapacity();

// READ CD expected sector types (MMC-5 6.20.2).
enum class ExpectedSectorType : std::uint8_t {
  kAny = 0,
  kCdDa = 1,
  kMode1 = 2,
  kMode2Formless = 3,
  kMode2Form1 = 4,
  kMode2Form2 = 5,
};
// READ CD header codes (byte 9 bits 6-5).
enum class HeaderCodes : std::uint8_t {
  kNone = 0,
  kHeaderOnly = 1,
  kSubheaderOnly = 2,
  kAllHeaders = 3,
};
// READ CD C2 error information (byte 9 bits 2-1).
enum class C2ErrorField : std::uint8_t {
  kNone = 0,
  kC2Pointers = 1,       // 294 bytes
  kC2AndBlockError = 2,  // 296 bytes
};
// READ CD sub-channel data selection (byte 10 bits 2-0).
enum class SubChannelSelection : std::uint8_t {
  kNone = 0,
  kRawPw = 1,  // 96 bytes, raw interleaved P-W
  kQ = 2,      // 16 bytes, formatted Q
  kRw = 4,     // 96 bytes, de-interleaved and corrected R-W
};
// The byte 9 selection of a READ CD (MMC-5 6.20.2).
struct ReadCdFields {
  bool sync = false;
  HeaderCodes headers = HeaderCodes::kNone;
  bool user_data = true;
  bool edc_ecc = false;
  C2ErrorField c2 = C2ErrorField::kNone;
};
// READ CD (MMC-5 6.20). REQUIRES: blocks < 2^24.
Cdb12 ReadCd(ExpectedSectorType type, std::uint32_t lba, std::uint32_t blocks,
             const ReadCdFields& fields,
             SubChannelSelection sub_channel = SubChannelSelection::kNone,
             bool digital_audio_play = false);

// READ DISC INFORMATION data types (MMC-5 6.22.2).
enum class DiscInformationType : std::uint8_t {
  kStandard = 0,
  kTrackResources = 1,
  kPowResources = 2,
};
// READ DISC INFORMATION (MMC-5 6.22).
Cdb10 ReadDiscInformation(std::uint16_t allocation_length,
                          DiscInformationType type = DiscInformationType::kStandard);

// READ DISC STRUCTURE media types (MMC-5 6.23.2).
enum class DiscStructureMedia : std::uint8_t {
  kDvd = 0,  // DVD and HD DVD
  kBd = 1,
};
// READ DISC STRUCTURE (MMC-5 6.23). REQUIRES: agid < 4.
Cdb12 ReadDiscStructure(DiscStructureMedia media, std::uint32_t address, std::uint8_t layer,
                        std::uint8_t format, std::uint16_t allocation_length,
                        std::uint8_t agid = 0);

// READ FORMAT CAPACITIES (MMC-5 6.24).
Cdb10 ReadFormatCapacities(std::uint16_t allocation_length);

// READ TOC/PMA/ATIP formats (MMC-5 6.26.2.2).
enum class TocFormat : std::uint8_t {
  kToc = 0,
  kSessionInfo = 1,
  kFullToc = 2,
  kPma = 3,
  kAtip = 4,
  kCdText = 5,
};
// READ TOC/PMA/ATIP (MMC-5 6.26). `track_or_session` is the starting track (kToc), the
// session (kFullToc); ignored otherwise.
Cdb10 ReadTocPmaAtip(TocFormat format, bool msf, std::uint8_t track_or_session,
                     std::uint16_t allocation_length);

// READ TRACK INFORMATION address/number types (MMC-5 6.27.2.2).
enum class TrackAddressType : std::uint8_t {
  kLba = 0,
  kTrackNumber = 1,
  kSessionNumber = 2,
};
// READ TRACK INFORMATION (MMC-5 6.27). `open` asks for the first open track (TRACK = 0).
Cdb10 ReadTrackInformation(TrackAddressType type, std::uint32_t address_or_number,
                           std::uint16_t allocation_length, bool open = false);

// REPAIR TRACK (MMC-5 6.28).
Cdb10 RepairTrack(std::uint16_t track, bool immediate);

// RESERVE TRACK (MMC-5 6.30): reserve `blocks` blocks for the next track (ARSV = 0).
Cdb10 ReserveTrack(std::uint32_t blocks);
// RESERVE TRACK with ARSV = 1: reserve up to the given logical block address.
Cdb10 ReserveTrackToLba(std::uint32_t lba);

// SEND CUE SHEET (MMC-5 6.33). REQUIRES: size < 2^24.
Cdb10 SendCueSheet(std::uint32_t cue_sheet_size);

// SEND DISC STRUCTURE (MMC-5 6.34). REQUIRES: agid < 4.
Cdb12 SendDiscStructure(DiscStructureMedia media, std::uint8_t format,
                        std::uint16_t parameter_list_length, std::uint8_t agid = 0);

// SEND OPC INFORMATION (MMC-5 6.36): DoOPC asks the drive to perform OPC now.
Cdb10 SendOpcInformation(bool do_opc, std::uint16_t parameter_list_length = 0,
                         bool exclude_layer0 = false, bool exclude_layer1 = false);

// SET CD SPEED (MMC-5 6.37). Speeds in kB/s (1000 bytes); FFFFh = maximum.
enum class RotationalControl : std::uint8_t { kClv = 0, kCav = 1 };
Cdb12 SetCdSpeed(std::uint16_t read_speed, std::uint16_t write_speed,
                 RotationalControl rotation = RotationalControl::kClv);

// SET STREAMING (MMC-5 6.39). `type` 00h sends a performance descriptor (28 bytes).
Cdb12 SetStreaming(std::uint16_t parameter_list_length, std::uint8_t type = 0);

// START STOP UNIT power conditions (MMC-5 6.40.2).
enum class PowerCondition : std::uint8_t {
  kNoChange = 0,
  kIdle = 2,
  kStandby = 3,
  kSleep = 5,
};
// START STOP UNIT (MMC-5 6.40): load_eject with start = false ejects, with start = true
// loads; start alone spins up (MMC-5 6.40.2).
Cdb6 StartStopUnit(bool start, bool load_eject, bool immediate,
                   PowerCondition power = PowerCondition::kNoChange);

// SYNCHRONIZE CACHE(10) (MMC-5 6.42). MMC drives ignore LBA and blocks; 0 = everything.
Cdb10 SynchronizeCache(bool immediate, std::uint32_t lba = 0, std::uint16_t blocks = 0);

// WRITE(10) (MMC-5 6.44).
Cdb10 Write10(std::uint32_t lba, std::uint16_t blocks, bool force_unit_access = false);

// WRITE(12) (MMC-5 6.45). `streaming` selects the streaming write (byte 10 bit 7).
Cdb12 Write12(std::uint32_t lba, std::uint32_t blocks, bool force_unit_access = false,
              bool streaming = false);

// WRITE AND VERIFY(10) (MMC-5 6.46). BytChk is 0: the medium is verified, not compared.
Cdb10 WriteAndVerify10(std::uint32_t lba, std::uint16_t blocks);

// VERIFY(10) (MMC-5 6.43).
Cdb10 Verify10(std::uint32_t lba, std::uint16_t blocks);

// SEEK(10) (MMC-5 6.32).
Cdb10 Seek10(std::uint32_t lba);

// ---- Parameter lists sent as data-out ------------------------------------------------

// FORMAT UNIT format types (MMC-5 6.5.3.3).
enum class FormatType : std::uint8_t {
  kFullFormat = 0x00,
  kSpareAreaExpansion = 0x01,
  kZoneReformat = 0x04,
  kZoneFormat = 0x05,
  kCdDvdRwFullFormat = 0x10,
  kCdDvdRwGrowSession = 0x11,
  kCdDvdRwAddSession = 0x12,
  kDvdRwQuickGrowLastSession = 0x13,
  kDvdRwQuickAddSession = 0x14,
  kDvdRwQuick = 0x15,
  kMrwFull = 0x24,
  kDvdPlusRwFull = 0x26,
  kBdReFullWithSpare = 0x30,
  kBdReWithoutSpare = 0x31,
  kBdRFullWithSpare = 0x32,
};
// The FORMAT UNIT parameter list: format list header (MMC-5 6.5.3.2) and one format
// descriptor (6.5.3.3). 12 bytes.
struct FormatUnitParameters {
  bool format_options_valid = false;   // FOV
  bool disable_certification = false;  // DCRT (needs FOV)
  bool immediate = true;               // IMMED (needs FOV)
  std::uint32_t number_of_blocks = 0;
  FormatType type = FormatType::kFullFormat;
  std::uint8_t subtype = 0;          // 2 bits
  std::uint32_t type_dependent = 0;  // 24 bits: block length, spare size, ...
};
std::array<std::uint8_t, 12> EncodeFormatUnitParameters(const FormatUnitParameters& p);

// Renders CDB bytes as lowercase hex pairs separated by spaces ("28 00 00 ..."), the
// format of the emulator traces and of error messages.
std::string CdbToHex(std::span<const std::uint8_t> cdb);

}  // namespace mmc

#endif  // MKIMG_MMC_CDB_H_
