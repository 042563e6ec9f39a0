// MODE SENSE / MODE SELECT parameter data (SPC-4 7.5): the mode parameter headers of the
// 6- and 10-byte commands (SPC-4 7.5.5), block descriptors kept verbatim, mode pages in
// page_0 format (7.5.7) or sub-page format, and typed views of the pages MMC recorders use
// (MMC-6 clause 7; MMC-5 r03c 7.3 Read/Write Error Recovery 01h, 7.5 Write Parameters 05h,
// 7.4 Power Condition 1Ah, and MMC-3 r10g 5.5.10 CD/DVD Capabilities and Mechanical Status
// 2Ah, which MMC-5/6 keep as legacy). Conventions as in codec.h.
#ifndef MKIMG_MMC_MODE_PAGES_H_
#define MKIMG_MMC_MODE_PAGES_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"

namespace mmc {

// One mode page: page header (byte 0 PS, SPF, PAGE CODE; byte 1 PAGE LENGTH, or for
// SPF = 1 byte 1 SUBPAGE CODE and bytes 2-3 PAGE LENGTH) and its parameter bytes.
struct ModePage {
  std::uint8_t code = 0;            // 6 bits
  bool parameters_savable = false;  // PS
  bool subpage_format = false;      // SPF
  std::uint8_t subpage = 0;
  std::vector<std::uint8_t> data;  // the bytes after the page header

  friend bool operator==(const ModePage&, const ModePage&) = default;
};

// Mode parameter list: header, block descriptors, pages.
struct ModeParameterList {
  std::uint8_t medium_type = 0;                 // 6-byte header byte 1, 10-byte byte 2
  std::uint8_t device_specific = 0;             // byte 2 / byte 3 (WP bit 7)
  bool long_lba = false;                        // 10-byte header byte 4 bit 0
  std::vector<std::uint8_t> block_descriptors;  // verbatim; MMC drives send none
  std::vector<ModePage> pages;

  // Parses MODE SENSE(6)/(10) data or MODE SELECT parameter lists. The MODE DATA LENGTH
  // bounds the pages when it is non-zero (in MODE SELECT it is reserved and 0). A page
  // cut by the buffer ends the list (the allocation-length probes of wodim and libburn);
  // a page whose length runs past the announced data is an error.
  static base::Expected<ModeParameterList> Parse6(std::span<const std::uint8_t> data);
  static base::Expected<ModeParameterList> Parse10(std::span<const std::uint8_t> data);
  // Encodes for MODE SENSE (mode data length filled in) or, with `for_select`, for MODE
  // SELECT (mode data length 0, as SPC-4 7.5.5 requires).
  void Encode6To(base::ByteWriter& w, bool for_select = false) const;
  void Encode10To(base::ByteWriter& w, bool for_select = false) const;

  // The first page with this code (sub-page 0), or nullptr.
  const ModePage* Find(std::uint8_t code) const;

  friend bool operator==(const ModeParameterList&, const ModeParameterList&) = default;
};

// Page 01h, Read/Write Error Recovery (MMC-5 7.3.2): page length 0Ah.
struct ErrorRecoveryPage {
  static constexpr std::uint8_t kCode = 0x01;
  static constexpr std::uint8_t kPageLength = 0x0A;
  std::uint8_t parameters = 0;            // byte 2: AWRE, ARRE, TB, RC, -, PER, DTE, DCR
  std::uint8_t read_retry_count = 0;      // byte 3
  std::uint8_t emcdr = 0;                 // byte 7 bits 1-0
  std::uint8_t write_retry_count = 0;     // byte 8
  std::uint16_t recovery_time_limit = 0;  // bytes 10-11

  // Errors: another page code, fewer than 10 parameter bytes.
  static base::Expected<ErrorRecoveryPage> FromPage(const ModePage& page);
  ModePage ToPage() const;
  friend bool operator==(const ErrorRecoveryPage&, const ErrorRecoveryPage&) = default;
};

// Write type (page 05h byte 2 bits 3-0, MMC-5 7.5.4.3).
enum class WriteType : std::uint8_t {
  kPacketIncremental = 0,
  kTrackAtOnce = 1,
  kSessionAtOnce = 2,  // SAO / DAO
  kRaw = 3,
  kLayerJump = 4,
};

// Data block type (page 05h byte 4 bits 3-0, MMC-5 7.5.4.8): the block layout the host
// sends, with its size.
enum class DataBlockType : std::uint8_t {
  kRaw2352 = 0,               // 2352 raw
  kRawPq2368 = 1,             // 2352 + P and Q sub-channel (16)
  kRawPwPacked2448 = 2,       // 2352 + packed P-W (96)
  kRawPwRaw2448 = 3,          // 2352 + raw P-W (96)
  kMode1 = 8,                 // 2048, ISO/IEC 10149 mode 1
  kMode2 = 9,                 // 2336, mode 2 formless
  kMode2Form1 = 10,           // 2048, CD-ROM XA form 1
  kMode2Form1Subheader = 11,  // 2056, form 1 with subheader
  kMode2Form2 = 12,           // 2324, form 2
  kMode2Mixed = 13,           // 2332, form 1/2/mixed with subheader
};
// Bytes per block for a data block type, 0 for reserved/vendor values.
std::uint32_t DataBlockSize(std::uint8_t data_block_type);

// Multi-session field (page 05h byte 3 bits 7-6, MMC-5 7.5.4.5).
enum class MultiSession : std::uint8_t {
  kNoNextSession = 0,       // no B0 pointer: the disc will be closed
  kNoNextSessionB0 = 1,     // B0 = FF:FF:FF, next session not allowed
  kNextSessionAllowed = 3,  // B0 pointer to the next program area
};

// Page 05h, Write Parameters (MMC-5 7.5): page length 32h (36h with the vendor bytes).
struct WriteParametersPage {
  static constexpr std::uint8_t kCode = 0x05;
  static constexpr std::uint8_t kPageLength = 0x32;

  bool buffer_underrun_free = false;                          // byte 2 bit 6 BUFE
  bool link_size_valid = false;                               // byte 2 bit 5 LS_V
  bool test_write = false;                                    // byte 2 bit 4
  WriteType write_type = WriteType::kTrackAtOnce;             // byte 2 bits 3-0
  MultiSession multi_session = MultiSession::kNoNextSession;  // byte 3 bits 7-6
  bool fixed_packet = false;                                  // byte 3 bit 5 FP
  bool copy = false;                                          // byte 3 bit 4
  std::uint8_t track_mode = 4;             // byte 3 bits 3-0 (CD control nibble; 5 on DVD)
  std::uint8_t data_block_type = 8;        // byte 4 bits 3-0 (DataBlockType)
  std::uint8_t link_size = 0;              // byte 5
  std::uint8_t host_application_code = 0;  // byte 7 bits 5-0
  std::uint8_t session_format = 0;         // byte 8: 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA
  std::uint32_t packet_size = 0;           // bytes 10-13
  std::uint16_t audio_pause_length = 150;  // bytes 14-15 (blocks)
  std::array<std::uint8_t, 16> media_catalog_number{};  // bytes 16-31
  std::array<std::uint8_t, 16> isrc{};                  // bytes 32-47
  std::array<std::uint8_t, 4> subheader{};              // bytes 48-51
  // Bytes 52-55 when the page is 36h long (MMC-5 drives), verbatim.
  std::vector<std::uint8_t> vendor_specific;

  // Errors: another page code, fewer than 50 parameter bytes. Field values are not
  // judged here: the emulator decides which combinations a medium accepts.
  static base::Expected<WriteParametersPage> FromPage(const ModePage& page);
  ModePage ToPage() const;
  friend bool operator==(const WriteParametersPage&, const WriteParametersPage&) = default;
};

// Page 1Ah, Power Condition (SPC-4 7.5.13 as used by MMC-5 7.4): page length 0Ah.
struct PowerConditionPage {
  static constexpr std::uint8_t kCode = 0x1A;
  static constexpr std::uint8_t kPageLength = 0x0A;
  bool idle = false;                // byte 3 bit 1
  bool standby = false;             // byte 3 bit 0
  std::uint32_t idle_timer = 0;     // bytes 4-7, 100 ms units
  std::uint32_t standby_timer = 0;  // bytes 8-11

  // Errors: another page code, fewer than 10 parameter bytes.
  static base::Expected<PowerConditionPage> FromPage(const ModePage& page);
  ModePage ToPage() const;
  friend bool operator==(const PowerConditionPage&, const PowerConditionPage&) = default;
};

// Page 2Ah, CD/DVD Capabilities and Mechanical Status (MMC-3 5.5.10): 20 bytes
// of legacy fields, then the write speed performance descriptors.
struct CapabilitiesPage {
  static constexpr std::uint8_t kCode = 0x2A;

  struct WriteSpeed {  // 4 bytes: byte 1 rotation control (bits 1-0), bytes 2-3 speed
    std::uint8_t rotation_control = 0;
    std::uint16_t speed = 0;  // kB/s
    friend bool operator==(const WriteSpeed&, const WriteSpeed&) = default;
  };

  // Byte 2 (read), byte 3 (write) capability bits.
  bool dvd_ram_read = false, dvd_r_read = false, dvd_rom_read = false, method2 = false;
  bool cd_rw_read = false, cd_r_read = false;
  bool dvd_ram_write = false, dvd_r_write = false, test_write = false;
  bool cd_rw_write = false, cd_r_write = false;
  // Byte 4: BUF (7), multi-session (6), mode 2 form 2 (5), form 1 (4), digital ports,
  // composite, audio play; byte 5: CD-DA and sub-channel reading bits.
  bool buffer_underrun_protection = false;
  bool multi_session = false;
  std::uint8_t byte4_low = 0;  // bits 5-0 of byte 4
  std::uint8_t byte5 = 0;
  // Byte 6: loading mechanism type (7-5), eject (3), prevent jumper (2), lock state (1),
  // lock (0).
  std::uint8_t loading_mechanism = 1;  // 001b tray
  bool eject = true;
  bool prevent_jumper = false;
  bool lock_state = false;
  bool lock = true;
  std::uint8_t byte7 = 0;                          // changer / R-W in lead-in bits
  std::uint16_t max_read_speed = 0;                // bytes 8-9 (obsolete), kB/s
  std::uint16_t volume_levels = 0;                 // bytes 10-11
  std::uint16_t buffer_size_kb = 0;                // bytes 12-13
  std::uint16_t current_read_speed = 0;            // bytes 14-15 (obsolete)
  std::uint8_t digital_output = 0;                 // byte 17
  std::uint16_t max_write_speed = 0;               // bytes 18-19 (obsolete)
  std::uint16_t current_write_speed = 0;           // bytes 20-21 (obsolete)
  std::uint16_t copy_management_revision = 0;      // bytes 22-23
  std::uint8_t rotation_control = 0;               // byte 27 bits 1-0
  std::uint16_t current_write_speed_selected = 0;  // bytes 28-29
  std::vector<WriteSpeed> write_speeds;            // bytes 30-31 count, descriptors from 32

  // Errors: another page code, fewer than 18 parameter bytes (MMC-1 length 12h). Fields
  // beyond the page length read as zero; descriptors cut off are dropped.
  static base::Expected<CapabilitiesPage> FromPage(const ModePage& page);
  // Page length 1Eh + 4n: bytes 2-31 and the n descriptors from byte 32.
  ModePage ToPage() const;
  friend bool operator==(const CapabilitiesPage&, const CapabilitiesPage&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_MODE_PAGES_H_
