// CDB builders for SPC-4 and MMC-6 (section numbers of the MMC-5 r03c draft, whose CDB
// layouts MMC-6 keeps): one function per command, each field placed at the byte and bit
// position its spec table gives. See cdb.h for the contract.
#include "mmc/cdb.h"

#include <cstdio>

#include "base/bytes.h"
#include "base/error.h"

namespace mmc {
namespace {

constexpr std::uint8_t Op(Opcode op) { return static_cast<std::uint8_t>(op); }
constexpr std::uint8_t Bit(bool b, int pos) {
  return static_cast<std::uint8_t>(b ? 1u << pos : 0u);
}

template <std::size_t N>
std::array<std::uint8_t, N> Make(Opcode op) {
  std::array<std::uint8_t, N> cdb{};
  cdb[0] = Op(op);
  return cdb;
}

void StoreBe24(std::uint8_t* p, std::uint32_t v) {
  CHECK(v < (1u << 24));
  p[0] = static_cast<std::uint8_t>(v >> 16);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v);
}

struct OpcodeEntry {
  std::uint8_t opcode;
  std::string_view name;
};

constexpr OpcodeEntry kOpcodeNames[] = {
    {0x00, "TEST UNIT READY"},
    {0x01, "REZERO UNIT"},
    {0x03, "REQUEST SENSE"},
    {0x04, "FORMAT UNIT"},
    {0x12, "INQUIRY"},
    {0x15, "MODE SELECT(6)"},
    {0x1A, "MODE SENSE(6)"},
    {0x1B, "START STOP UNIT"},
    {0x1E, "PREVENT ALLOW MEDIUM REMOVAL"},
    {0x23, "READ FORMAT CAPACITIES"},
    {0x25, "READ CAPACITY"},
    {0x28, "READ(10)"},
    {0x2A, "WRITE(10)"},
    {0x2B, "SEEK(10)"},
    {0x2E, "WRITE AND VERIFY(10)"},
    {0x2F, "VERIFY(10)"},
    {0x35, "SYNCHRONIZE CACHE"},
    {0x3C, "READ BUFFER"},
    {0x42, "READ SUB-CHANNEL"},
    {0x43, "READ TOC/PMA/ATIP"},
    {0x46, "GET CONFIGURATION"},
    {0x4A, "GET EVENT STATUS NOTIFICATION"},
    {0x51, "READ DISC INFORMATION"},
    {0x52, "READ TRACK INFORMATION"},
    {0x53, "RESERVE TRACK"},
    {0x54, "SEND OPC INFORMATION"},
    {0x55, "MODE SELECT(10)"},
    {0x58, "REPAIR TRACK"},
    {0x5A, "MODE SENSE(10)"},
    {0x5B, "CLOSE TRACK/SESSION"},
    {0x5C, "READ BUFFER CAPACITY"},
    {0x5D, "SEND CUE SHEET"},
    {0xA0, "REPORT LUNS"},
    {0xA1, "BLANK"},
    {0xA2, "SECURITY PROTOCOL IN"},
    {0xA3, "SEND KEY"},
    {0xA4, "REPORT KEY"},
    {0xA6, "LOAD/UNLOAD MEDIUM"},
    {0xA7, "SET READ AHEAD"},
    {0xA8, "READ(12)"},
    {0xAA, "WRITE(12)"},
    {0xAC, "GET PERFORMANCE"},
    {0xAD, "READ DISC STRUCTURE"},
    {0xB6, "SET STREAMING"},
    {0xB9, "READ CD MSF"},
    {0xBB, "SET CD SPEED"},
    {0xBD, "MECHANISM STATUS"},
    {0xBE, "READ CD"},
    {0xBF, "SEND DISC STRUCTURE"},
};

}  // namespace

std::string_view OpcodeName(std::uint8_t opcode) {
  for (const OpcodeEntry& e : kOpcodeNames) {
    if (e.opcode == opcode) return e.name;
  }
  return {};
}

std::size_t CdbLengthForOpcode(std::uint8_t opcode) {
  // SPC-4 4.3.2: the group code is the top three bits of the operation code.
  switch (opcode >> 5) {
    case 0:
      return 6;
    case 1:
    case 2:
      return 10;
    case 4:
      return 16;
    case 5:
      return 12;
    default:
      return 0;
  }
}

// SPC-4 6.37: all fields reserved.
Cdb6 TestUnitReady() { return Make<6>(Opcode::kTestUnitReady); }

Cdb6 RezeroUnit() { return Make<6>(Opcode::kRezeroUnit); }

// SPC-4 6.29: byte 1 bit 0 DESC; byte 4 ALLOCATION LENGTH.
Cdb6 RequestSense(bool descriptor_format, std::uint8_t allocation_length) {
  Cdb6 cdb = Make<6>(Opcode::kRequestSense);
  cdb[1] = Bit(descriptor_format, 0);
  cdb[4] = allocation_length;
  return cdb;
}

// SPC-4 6.4.1: byte 1 bit 0 EVPD; byte 2 PAGE CODE; bytes 3-4 ALLOCATION LENGTH.
Cdb6 Inquiry(std::uint16_t allocation_length, bool evpd, std::uint8_t page_code) {
  CHECK(evpd || page_code == 0);
  Cdb6 cdb = Make<6>(Opcode::kInquiry);
  cdb[1] = Bit(evpd, 0);
  cdb[2] = page_code;
  base::StoreBe16(&cdb[3], allocation_length);
  return cdb;
}

// SPC-4 6.11.1: byte 1 bit 3 DBD; byte 2 PC (bits 7-6) and PAGE CODE (5-0); byte 3
// SUBPAGE CODE; byte 4 ALLOCATION LENGTH.
Cdb6 ModeSense6(std::uint8_t page_code, PageControl pc, std::uint8_t allocation_length,
                bool disable_block_descriptors, std::uint8_t subpage_code) {
  CHECK(page_code < 0x40);
  Cdb6 cdb = Make<6>(Opcode::kModeSense6);
  cdb[1] = Bit(disable_block_descriptors, 3);
  cdb[2] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(pc) << 6) | page_code);
  cdb[3] = subpage_code;
  cdb[4] = allocation_length;
  return cdb;
}

// SPC-4 6.12.1: byte 1 bit 3 DBD; byte 2 PC/PAGE CODE; byte 3 SUBPAGE; bytes 7-8
// ALLOCATION LENGTH.
Cdb10 ModeSense10(std::uint8_t page_code, PageControl pc, std::uint16_t allocation_length,
                  bool disable_block_descriptors, std::uint8_t subpage_code) {
  CHECK(page_code < 0x40);
  Cdb10 cdb = Make<10>(Opcode::kModeSense10);
  cdb[1] = Bit(disable_block_descriptors, 3);
  cdb[2] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(pc) << 6) | page_code);
  cdb[3] = subpage_code;
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// SPC-4 6.9.1: byte 1 bit 4 PF, bit 0 SP; byte 4 PARAMETER LIST LENGTH.
Cdb6 ModeSelect6(std::uint8_t parameter_list_length, bool save_pages) {
  Cdb6 cdb = Make<6>(Opcode::kModeSelect6);
  cdb[1] = static_cast<std::uint8_t>(0x10 | Bit(save_pages, 0));
  cdb[4] = parameter_list_length;
  return cdb;
}

// SPC-4 6.10.1: byte 1 bit 4 PF, bit 0 SP; bytes 7-8 PARAMETER LIST LENGTH.
Cdb10 ModeSelect10(std::uint16_t parameter_list_length, bool save_pages) {
  Cdb10 cdb = Make<10>(Opcode::kModeSelect10);
  cdb[1] = static_cast<std::uint8_t>(0x10 | Bit(save_pages, 0));
  base::StoreBe16(&cdb[7], parameter_list_length);
  return cdb;
}

// SPC-4 6.15.1: byte 1 MODE (bits 4-0); byte 2 BUFFER ID; bytes 3-5 BUFFER OFFSET;
// bytes 6-8 ALLOCATION LENGTH.
Cdb10 ReadBuffer(std::uint8_t mode, std::uint8_t buffer_id, std::uint32_t buffer_offset,
                 std::uint32_t allocation_length) {
  CHECK(mode < 0x20);
  Cdb10 cdb = Make<10>(Opcode::kReadBuffer);
  cdb[1] = mode;
  cdb[2] = buffer_id;
  StoreBe24(&cdb[3], buffer_offset);
  StoreBe24(&cdb[6], allocation_length);
  return cdb;
}

// MMC-5 6.2.2: byte 1 bit 4 IMMED, bits 2-0 BLANKING TYPE; bytes 2-5 START ADDRESS /
// LOGICAL TRACK NUMBER.
Cdb12 Blank(BlankType type, bool immediate, std::uint32_t address_or_track) {
  Cdb12 cdb = Make<12>(Opcode::kBlank);
  cdb[1] = static_cast<std::uint8_t>(Bit(immediate, 4) | static_cast<std::uint8_t>(type));
  base::StoreBe32(&cdb[2], address_or_track);
  return cdb;
}

// MMC-5 6.3.2: byte 1 bit 0 IMMED; byte 2 CLOSE FUNCTION (bits 2-0); bytes 4-5 LOGICAL
// TRACK/SESSION NUMBER.
Cdb10 CloseTrackSession(CloseFunction function, std::uint16_t number, bool immediate) {
  Cdb10 cdb = Make<10>(Opcode::kCloseTrackSession);
  cdb[1] = Bit(immediate, 0);
  cdb[2] = static_cast<std::uint8_t>(function);
  base::StoreBe16(&cdb[4], number);
  return cdb;
}

// MMC-5 6.5.2: byte 1 bit 4 FMTDATA = 1, bit 3 CMPLST = 0, bits 2-0 FORMAT CODE = 001b.
Cdb6 FormatUnit() {
  Cdb6 cdb = Make<6>(Opcode::kFormatUnit);
  cdb[1] = 0x11;
  return cdb;
}

// MMC-5 6.6.2: byte 1 RT (bits 1-0); bytes 2-3 STARTING FEATURE NUMBER; bytes 7-8
// ALLOCATION LENGTH.
Cdb10 GetConfiguration(ConfigurationRequestType type, std::uint16_t starting_feature,
                       std::uint16_t allocation_length) {
  Cdb10 cdb = Make<10>(Opcode::kGetConfiguration);
  cdb[1] = static_cast<std::uint8_t>(type);
  base::StoreBe16(&cdb[2], starting_feature);
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.7.2: byte 1 bit 0 POLLED = 1; byte 4 NOTIFICATION CLASS REQUEST; bytes 7-8
// ALLOCATION LENGTH.
Cdb10 GetEventStatusNotification(std::uint8_t class_request, std::uint16_t allocation_length) {
  Cdb10 cdb = Make<10>(Opcode::kGetEventStatusNotification);
  cdb[1] = 0x01;
  cdb[4] = class_request;
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.8.2: byte 1 DATA TYPE (bits 4-0; for type 00h: bits 4-3 TOLERANCE, bit 2 WRITE,
// bits 1-0 EXCEPT); bytes 2-5 STARTING LBA; bytes 8-9 MAXIMUM NUMBER OF DESCRIPTORS;
// byte 10 TYPE.
Cdb12 GetPerformance(bool write, PerformanceExcept except, std::uint32_t starting_lba,
                     std::uint16_t max_descriptors) {
  Cdb12 cdb = Make<12>(Opcode::kGetPerformance);
  cdb[1] = static_cast<std::uint8_t>(0x10 | Bit(write, 2) | static_cast<std::uint8_t>(except));
  base::StoreBe32(&cdb[2], starting_lba);
  base::StoreBe16(&cdb[8], max_descriptors);
  cdb[10] = static_cast<std::uint8_t>(PerformanceType::kPerformance);
  return cdb;
}

Cdb12 GetPerformanceOfType(PerformanceType type, std::uint16_t max_descriptors,
                           std::uint32_t starting_lba) {
  Cdb12 cdb = Make<12>(Opcode::kGetPerformance);
  base::StoreBe32(&cdb[2], starting_lba);
  base::StoreBe16(&cdb[8], max_descriptors);
  cdb[10] = static_cast<std::uint8_t>(type);
  return cdb;
}

// MMC-5 6.10.2: bytes 8-9 ALLOCATION LENGTH.
Cdb12 MechanismStatus(std::uint16_t allocation_length) {
  Cdb12 cdb = Make<12>(Opcode::kMechanismStatus);
  base::StoreBe16(&cdb[8], allocation_length);
  return cdb;
}

// MMC-5 6.15.2: byte 4 bit 1 PERSISTENT, bit 0 PREVENT.
Cdb6 PreventAllowMediumRemoval(bool prevent, bool persistent) {
  Cdb6 cdb = Make<6>(Opcode::kPreventAllowMediumRemoval);
  cdb[4] = static_cast<std::uint8_t>(Bit(persistent, 1) | Bit(prevent, 0));
  return cdb;
}

// MMC-5 6.16.2: byte 1 bit 3 FUA; bytes 2-5 LBA; bytes 7-8 TRANSFER LENGTH.
Cdb10 Read10(std::uint32_t lba, std::uint16_t blocks, bool force_unit_access) {
  Cdb10 cdb = Make<10>(Opcode::kRead10);
  cdb[1] = Bit(force_unit_access, 3);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe16(&cdb[7], blocks);
  return cdb;
}

// MMC-5 6.17.2: byte 1 bit 3 FUA; bytes 2-5 LBA; bytes 6-9 TRANSFER LENGTH; byte 10 bit 7
// STREAMING.
Cdb12 Read12(std::uint32_t lba, std::uint32_t blocks, bool force_unit_access, bool streaming) {
  Cdb12 cdb = Make<12>(Opcode::kRead12);
  cdb[1] = Bit(force_unit_access, 3);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe32(&cdb[6], blocks);
  cdb[10] = Bit(streaming, 7);
  return cdb;
}

// MMC-5 6.18.2: byte 1 bit 0 BLOCK; bytes 7-8 ALLOCATION LENGTH.
Cdb10 ReadBufferCapacity(bool block, std::uint16_t allocation_length) {
  Cdb10 cdb = Make<10>(Opcode::kReadBufferCapacity);
  cdb[1] = Bit(block, 0);
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.19.2: every field reserved or obsolete.
Cdb10 ReadCapacity() { return Make<10>(Opcode::kReadCapacity); }

// MMC-5 6.20.2: byte 1 EXPECTED SECTOR TYPE (bits 4-2), DAP (bit 1); bytes 2-5 STARTING
// LBA; bytes 6-8 TRANSFER LENGTH; byte 9 SYNC (7), HEADER CODES (6-5), USER DATA (4),
// EDC/ECC (3), C2 ERROR INFORMATION (2-1); byte 10 SUB-CHANNEL DATA SELECTION (2-0).
Cdb12 ReadCd(ExpectedSectorType type, std::uint32_t lba, std::uint32_t blocks,
             const ReadCdFields& fields, SubChannelSelection sub_channel, bool digital_audio_play) {
  Cdb12 cdb = Make<12>(Opcode::kReadCd);
  cdb[1] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(type) << 2) |
                                     Bit(digital_audio_play, 1));
  base::StoreBe32(&cdb[2], lba);
  StoreBe24(&cdb[6], blocks);
  cdb[9] = static_cast<std::uint8_t>(Bit(fields.sync, 7) |
                                     (static_cast<std::uint8_t>(fields.headers) << 5) |
                                     Bit(fields.user_data, 4) | Bit(fields.edc_ecc, 3) |
                                     (static_cast<std::uint8_t>(fields.c2) << 1));
  cdb[10] = static_cast<std::uint8_t>(sub_channel);
  return cdb;
}

// MMC-5 6.22.2: byte 1 DATA TYPE (bits 2-0); bytes 7-8 ALLOCATION LENGTH.
Cdb10 ReadDiscInformation(std::uint16_t allocation_length, DiscInformationType type) {
  Cdb10 cdb = Make<10>(Opcode::kReadDiscInformation);
  cdb[1] = static_cast<std::uint8_t>(type);
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.23.2: byte 1 MEDIA TYPE (bits 3-0); bytes 2-5 ADDRESS; byte 6 LAYER NUMBER;
// byte 7 FORMAT CODE; bytes 8-9 ALLOCATION LENGTH; byte 10 AGID (bits 7-6).
Cdb12 ReadDiscStructure(DiscStructureMedia media, std::uint32_t address, std::uint8_t layer,
                        std::uint8_t format, std::uint16_t allocation_length, std::uint8_t agid) {
  CHECK(agid < 4);
  Cdb12 cdb = Make<12>(Opcode::kReadDiscStructure);
  cdb[1] = static_cast<std::uint8_t>(media);
  base::StoreBe32(&cdb[2], address);
  cdb[6] = layer;
  cdb[7] = format;
  base::StoreBe16(&cdb[8], allocation_length);
  cdb[10] = static_cast<std::uint8_t>(agid << 6);
  return cdb;
}

// MMC-5 6.24.2: bytes 7-8 ALLOCATION LENGTH.
Cdb10 ReadFormatCapacities(std::uint16_t allocation_length) {
  Cdb10 cdb = Make<10>(Opcode::kReadFormatCapacities);
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.26.2: byte 1 bit 1 MSF; byte 2 FORMAT (bits 3-0); byte 6 TRACK/SESSION NUMBER;
// bytes 7-8 ALLOCATION LENGTH.
Cdb10 ReadTocPmaAtip(TocFormat format, bool msf, std::uint8_t track_or_session,
                     std::uint16_t allocation_length) {
  Cdb10 cdb = Make<10>(Opcode::kReadTocPmaAtip);
  cdb[1] = Bit(msf, 1);
  cdb[2] = static_cast<std::uint8_t>(format);
  cdb[6] = track_or_session;
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.27.2: byte 1 bit 2 OPEN, bits 1-0 ADDRESS/NUMBER TYPE; bytes 2-5 LOGICAL BLOCK
// ADDRESS/TRACK/SESSION NUMBER; bytes 7-8 ALLOCATION LENGTH.
Cdb10 ReadTrackInformation(TrackAddressType type, std::uint32_t address_or_number,
                           std::uint16_t allocation_length, bool open) {
  Cdb10 cdb = Make<10>(Opcode::kReadTrackInformation);
  cdb[1] = static_cast<std::uint8_t>(Bit(open, 2) | static_cast<std::uint8_t>(type));
  base::StoreBe32(&cdb[2], address_or_number);
  base::StoreBe16(&cdb[7], allocation_length);
  return cdb;
}

// MMC-5 6.28.2: byte 1 bit 0 IMMED; bytes 4-5 LOGICAL TRACK NUMBER.
Cdb10 RepairTrack(std::uint16_t track, bool immediate) {
  Cdb10 cdb = Make<10>(Opcode::kRepairTrack);
  cdb[1] = Bit(immediate, 0);
  base::StoreBe16(&cdb[4], track);
  return cdb;
}

// MMC-5 6.30.2: byte 1 bit 0 ARSV = 0; bytes 5-8 RESERVATION SIZE.
Cdb10 ReserveTrack(std::uint32_t blocks) {
  Cdb10 cdb = Make<10>(Opcode::kReserveTrack);
  base::StoreBe32(&cdb[5], blocks);
  return cdb;
}

// MMC-5 6.30.2: byte 1 bit 0 ARSV = 1; bytes 2-5 RESERVATION LOGICAL BLOCK ADDRESS.
Cdb10 ReserveTrackToLba(std::uint32_t lba) {
  Cdb10 cdb = Make<10>(Opcode::kReserveTrack);
  cdb[1] = 0x01;
  base::StoreBe32(&cdb[2], lba);
  return cdb;
}

// MMC-5 6.33.2: bytes 6-8 CUE SHEET SIZE.
Cdb10 SendCueSheet(std::uint32_t cue_sheet_size) {
  Cdb10 cdb = Make<10>(Opcode::kSendCueSheet);
  StoreBe24(&cdb[6], cue_sheet_size);
  return cdb;
}

// MMC-5 6.34.2: byte 1 MEDIA TYPE (bits 3-0); byte 7 FORMAT CODE; bytes 8-9 PARAMETER
// LIST LENGTH; byte 10 AGID (bits 7-6).
Cdb12 SendDiscStructure(DiscStructureMedia media, std::uint8_t format,
                        std::uint16_t parameter_list_length, std::uint8_t agid) {
  CHECK(agid < 4);
  Cdb12 cdb = Make<12>(Opcode::kSendDiscStructure);
  cdb[1] = static_cast<std::uint8_t>(media);
  cdb[7] = format;
  base::StoreBe16(&cdb[8], parameter_list_length);
  cdb[10] = static_cast<std::uint8_t>(agid << 6);
  return cdb;
}

// MMC-5 6.36.2: byte 1 bit 0 DoOPC; byte 2 bit 1 EXCLUDE1, bit 0 EXCLUDE0; bytes 7-8
// PARAMETER LIST LENGTH.
Cdb10 SendOpcInformation(bool do_opc, std::uint16_t parameter_list_length, bool exclude_layer0,
                         bool exclude_layer1) {
  Cdb10 cdb = Make<10>(Opcode::kSendOpcInformation);
  cdb[1] = Bit(do_opc, 0);
  cdb[2] = static_cast<std::uint8_t>(Bit(exclude_layer1, 1) | Bit(exclude_layer0, 0));
  base::StoreBe16(&cdb[7], parameter_list_length);
  return cdb;
}

// MMC-5 6.37.2: byte 1 ROTATIONAL CONTROL (bits 1-0); bytes 2-3 LOGICAL UNIT READ SPEED;
// bytes 4-5 LOGICAL UNIT WRITE SPEED.
Cdb12 SetCdSpeed(std::uint16_t read_speed, std::uint16_t write_speed, RotationalControl rotation) {
  Cdb12 cdb = Make<12>(Opcode::kSetCdSpeed);
  cdb[1] = static_cast<std::uint8_t>(rotation);
  base::StoreBe16(&cdb[2], read_speed);
  base::StoreBe16(&cdb[4], write_speed);
  return cdb;
}

// MMC-5 6.39.2: byte 8 TYPE; bytes 9-10 PARAMETER LIST LENGTH.
Cdb12 SetStreaming(std::uint16_t parameter_list_length, std::uint8_t type) {
  Cdb12 cdb = Make<12>(Opcode::kSetStreaming);
  cdb[8] = type;
  base::StoreBe16(&cdb[9], parameter_list_length);
  return cdb;
}

// MMC-5 6.40.2: byte 1 bit 0 IMMED; byte 4 POWER CONDITIONS (bits 7-4), LOEJ (bit 1),
// START (bit 0).
Cdb6 StartStopUnit(bool start, bool load_eject, bool immediate, PowerCondition power) {
  Cdb6 cdb = Make<6>(Opcode::kStartStopUnit);
  cdb[1] = Bit(immediate, 0);
  cdb[4] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(power) << 4) | Bit(load_eject, 1) |
                                     Bit(start, 0));
  return cdb;
}

// MMC-5 6.42.2: byte 1 bit 1 IMMED; bytes 2-5 LBA; bytes 7-8 NUMBER OF BLOCKS.
Cdb10 SynchronizeCache(bool immediate, std::uint32_t lba, std::uint16_t blocks) {
  Cdb10 cdb = Make<10>(Opcode::kSynchronizeCache);
  cdb[1] = Bit(immediate, 1);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe16(&cdb[7], blocks);
  return cdb;
}

// MMC-5 6.44.2: byte 1 bit 3 FUA; bytes 2-5 LBA; bytes 7-8 TRANSFER LENGTH.
Cdb10 Write10(std::uint32_t lba, std::uint16_t blocks, bool force_unit_access) {
  Cdb10 cdb = Make<10>(Opcode::kWrite10);
  cdb[1] = Bit(force_unit_access, 3);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe16(&cdb[7], blocks);
  return cdb;
}

// MMC-5 6.45.2: byte 1 bit 3 FUA; bytes 2-5 LBA; bytes 6-9 TRANSFER LENGTH; byte 10 bit 7
// STREAMING.
Cdb12 Write12(std::uint32_t lba, std::uint32_t blocks, bool force_unit_access, bool streaming) {
  Cdb12 cdb = Make<12>(Opcode::kWrite12);
  cdb[1] = Bit(force_unit_access, 3);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe32(&cdb[6], blocks);
  cdb[10] = Bit(streaming, 7);
  return cdb;
}

// MMC-5 6.46.2: byte 1 bit 1 BYTCHK = 0; bytes 2-5 LBA; bytes 7-8 TRANSFER LENGTH.
Cdb10 WriteAndVerify10(std::uint32_t lba, std::uint16_t blocks) {
  Cdb10 cdb = Make<10>(Opcode::kWriteAndVerify10);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe16(&cdb[7], blocks);
  return cdb;
}

// MMC-5 6.43.2: bytes 2-5 LBA; bytes 7-8 VERIFICATION LENGTH.
Cdb10 Verify10(std::uint32_t lba, std::uint16_t blocks) {
  Cdb10 cdb = Make<10>(Opcode::kVerify10);
  base::StoreBe32(&cdb[2], lba);
  base::StoreBe16(&cdb[7], blocks);
  return cdb;
}

// MMC-5 6.32.2: bytes 2-5 LBA.
Cdb10 Seek10(std::uint32_t lba) {
  Cdb10 cdb = Make<10>(Opcode::kSeek10);
  base::StoreBe32(&cdb[2], lba);
  return cdb;
}

// MMC-5 6.5.3.2 format list header: byte 1 FOV (7), DCRT (5), IMMED (1); bytes 2-3 FORMAT
// DESCRIPTOR LENGTH = 8. MMC-5 6.5.3.3 format descriptor: bytes 0-3 NUMBER OF BLOCKS;
// byte 4 FORMAT TYPE (7-2), FORMAT SUBTYPE (1-0); bytes 5-7 TYPE DEPENDENT PARAMETER.
std::array<std::uint8_t, 12> EncodeFormatUnitParameters(const FormatUnitParameters& p) {
  CHECK(p.subtype < 4);
  std::array<std::uint8_t, 12> out{};
  out[1] = static_cast<std::uint8_t>(Bit(p.format_options_valid, 7) |
                                     Bit(p.disable_certification, 5) | Bit(p.immediate, 1));
  base::StoreBe16(&out[2], 8);
  base::StoreBe32(&out[4], p.number_of_blocks);
  out[8] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(p.type) << 2) | p.subtype);
  StoreBe24(&out[9], p.type_dependent);
  return out;
}

std::string CdbToHex(std::span<const std::uint8_t> cdb) {
  std::string out;
  out.reserve(cdb.size() * 3);
  for (std::size_t i = 0; i < cdb.size(); ++i) {
    char buf[4];
    std::snprintf(buf, sizeof(buf), "%02x", cdb[i]);
    if (i != 0) out.push_back(' ');
    out.append(buf, 2);
  }
  return out;
}

}  // namespace mmc
