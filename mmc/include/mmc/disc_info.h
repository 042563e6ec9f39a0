// Responses that describe the loaded medium (MMC-6 clause 6; section numbers of MMC-5
// r03c): READ DISC INFORMATION standard data (6.22.3.1), READ TRACK INFORMATION (6.27.3),
// READ CAPACITY (6.19.3), READ FORMAT CAPACITIES (6.24.3), READ BUFFER CAPACITY (6.18.3)
// and the media class of GET EVENT STATUS NOTIFICATION (6.7.3, 6.7.4.6). Conventions as in
// codec.h: Parse accepts answers cut by the allocation length (missing fields are zero)
// and fails (kDevice) only when even the leading mandatory part is missing or a length
// field is impossible; EncodeTo writes the full structure.
#ifndef MKIMG_MMC_DISC_INFO_H_
#define MKIMG_MMC_DISC_INFO_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"

namespace mmc {

// Disc status (MMC-5 6.22.3.1.4, byte 2 bits 1-0).
enum class DiscStatus : std::uint8_t {
  kEmpty = 0,
  kIncomplete = 1,  // appendable
  kComplete = 2,    // finalized
  kOther = 3,       // random-access only media (DVD+RW, DVD-RAM, BD-RE, ...)
};

// State of last session (byte 2 bits 3-2).
enum class SessionState : std::uint8_t {
  kEmpty = 0,
  kIncomplete = 1,
  kReservedDamaged = 2,
  kComplete = 3,
};

// Background format status (byte 7 bits 1-0), DVD+RW / BD-RE / MRW.
enum class BackgroundFormat : std::uint8_t {
  kNone = 0,       // neither formatted nor formatting (blank DVD+RW)
  kSuspended = 1,  // started but neither running nor complete
  kInProgress = 2,
  kComplete = 3,
};

// MMC-5 6.22.3.1: standard disc information (data type 000b).
struct DiscInformation {
  static constexpr std::size_t kLength = 34;  // without OPC table entries

  struct OpcEntry {                        // MMC-5 6.22.3.1.17: 8 bytes
    std::uint16_t speed = 0;               // kB/s
    std::array<std::uint8_t, 6> values{};  // OPC VALUES
    friend bool operator==(const OpcEntry&, const OpcEntry&) = default;
  };

  bool erasable = false;                                         // byte 2 bit 4
  SessionState last_session_state = SessionState::kEmpty;        // byte 2 bits 3-2
  DiscStatus status = DiscStatus::kEmpty;                        // byte 2 bits 1-0
  std::uint8_t first_track = 1;                                  // byte 3
  std::uint16_t sessions = 0;                                    // bytes 9 (MSB) and 4 (LSB)
  std::uint16_t first_track_in_last_session = 0;                 // bytes 10 and 5
  std::uint16_t last_track_in_last_session = 0;                  // bytes 11 and 6
  bool disc_id_valid = false;                                    // byte 7 bit 7 DID_V
  bool bar_code_valid = false;                                   // byte 7 bit 6 DBC_V
  bool unrestricted_use = false;                                 // byte 7 bit 5 URU
  bool application_code_valid = false;                           // byte 7 bit 4 DAC_V
  bool dirty = false;                                            // byte 7 bit 2 DBIT
  BackgroundFormat background_format = BackgroundFormat::kNone;  // byte 7 bits 1-0
  std::uint8_t disc_type = 0;                      // byte 8: 00h CD-DA/ROM, 10h CD-I, 20h XA
  std::uint32_t disc_identification = 0;           // bytes 12-15
  std::uint32_t last_session_lead_in_start = 0;    // bytes 16-19 (CD: MSF as 00 M S F)
  std::uint32_t last_possible_lead_out_start = 0;  // bytes 20-23
  std::uint64_t bar_code = 0;                      // bytes 24-31
  std::uint8_t application_code = 0;               // byte 32
  std::vector<OpcEntry> opc_table;                 // byte 33 count, entries from byte 34

  // Errors: fewer than 8 bytes, a data type other than 000b.
  static base::Expected<DiscInformation> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const DiscInformation&, const DiscInformation&) = default;
};

// MMC-5 6.27.3: track information (48 bytes).
struct TrackInformation {
  static constexpr std::size_t kLength = 48;

  std::uint16_t track = 0;                   // bytes 32 (MSB) and 2 (LSB)
  std::uint16_t session = 0;                 // bytes 33 and 3
  std::uint8_t layer_jump_state = 0;         // byte 5 bits 7-6 LJRS
  bool damage = false;                       // byte 5 bit 5
  bool copy = false;                         // byte 5 bit 4
  std::uint8_t track_mode = 0;               // byte 5 bits 3-0 (CD control nibble; 4 = data, 7 DVD)
  bool reserved_track = false;               // byte 6 bit 7 RT
  bool blank = false;                        // byte 6 bit 6
  bool packet = false;                       // byte 6 bit 5 (packet/incremental)
  bool fixed_packet = false;                 // byte 6 bit 4 FP
  std::uint8_t data_mode = 0;                // byte 6 bits 3-0 (1 = mode 1, 2 = mode 2, Fh unknown)
  bool last_recorded_address_valid = false;  // byte 7 bit 1 LRA_V
  bool next_writable_address_valid = false;  // byte 7 bit 0 NWA_V
  std::uint32_t start = 0;                   // bytes 8-11 logical track start address
  std::uint32_t next_writable_address = 0;   // bytes 12-15
  std::uint32_t free_blocks = 0;             // bytes 16-19
  std::uint32_t fixed_packet_size = 0;       // bytes 20-23 (blocking factor on DVD/BD)
  std::uint32_t size = 0;                    // bytes 24-27 logical track size
  std::uint32_t last_recorded_address = 0;   // bytes 28-31
  std::uint32_t read_compatibility_lba = 0;  // bytes 36-39
  std::uint32_t next_layer_jump_address = 0;  // bytes 40-43
  std::uint32_t last_layer_jump_address = 0;  // bytes 44-47

  // Errors: fewer than 8 bytes.
  static base::Expected<TrackInformation> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const TrackInformation&, const TrackInformation&) = default;
};

// MMC-5 6.19.3: READ CAPACITY data (8 bytes).
struct ReadCapacityData {
  static constexpr std::size_t kLength = 8;
  std::uint32_t last_lba = 0;         // bytes 0-3: LBA of the last readable block
  std::uint32_t block_length = 2048;  // bytes 4-7

  // Errors: fewer than 8 bytes.
  static base::Expected<ReadCapacityData> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const ReadCapacityData&, const ReadCapacityData&) = default;
};

// Descriptor type of the current/maximum capacity descriptor (MMC-5 6.24.3.2.2).
enum class CapacityType : std::uint8_t {
  kReserved = 0,
  kUnformatted = 1,  // unformatted or blank media: maximum formattable capacity
  kFormatted = 2,
  kNoMedia = 3,
};

// MMC-5 6.24.3: capacity list header (4 bytes), the current/maximum capacity descriptor and
// the formattable capacity descriptors (8 bytes each).
struct FormatCapacities {
  struct Current {                               // MMC-5 6.24.3.2
    std::uint32_t blocks = 0;                    // bytes 0-3
    CapacityType type = CapacityType::kNoMedia;  // byte 4 bits 1-0
    std::uint32_t block_length = 2048;           // bytes 5-7
    friend bool operator==(const Current&, const Current&) = default;
  };
  struct Formattable {                 // MMC-5 6.24.3.3
    std::uint32_t blocks = 0;          // bytes 0-3
    std::uint8_t format_type = 0;      // byte 4 bits 7-2 (FormatType in cdb.h)
    std::uint32_t type_dependent = 0;  // bytes 5-7
    friend bool operator==(const Formattable&, const Formattable&) = default;
  };

  Current current;
  std::vector<Formattable> formattable;

  // Errors: fewer than 12 bytes, a CAPACITY LIST LENGTH that is not a non-zero multiple
  // of 8 (growisofs rejects those too). Descriptors cut off by the buffer are dropped.
  static base::Expected<FormatCapacities> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const FormatCapacities&, const FormatCapacities&) = default;
};

// MMC-5 6.18.3: READ BUFFER CAPACITY data (12 bytes), byte format (BLOCK = 0) or block
// format (BLOCK = 1; byte 3 bit 0 set, bytes 4-7 reserved).
struct BufferCapacity {
  static constexpr std::size_t kLength = 12;
  bool block_format = false;
  std::uint32_t buffer_length = 0;  // bytes 4-7 (byte format only), bytes
  std::uint32_t available = 0;      // bytes 8-11: blank bytes, or available blocks

  // Errors: fewer than 12 bytes.
  static base::Expected<BufferCapacity> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const BufferCapacity&, const BufferCapacity&) = default;
};

// GET EVENT STATUS NOTIFICATION: event status header (MMC-5 6.7.3.1) and the media event
// descriptor (6.7.4.6).
struct EventStatus {
  static constexpr std::uint8_t kMediaClass = 4;  // NOTIFICATION CLASS 100b

  struct MediaEvent {
    std::uint8_t event_code = 0;  // byte 0 bits 3-0: 0 none, 1 eject request, 2 new media,
                                  // 3 media removal, 4 media changed, ...
    bool media_present = false;   // byte 1 bit 1
    bool tray_open = false;       // byte 1 bit 0
    std::uint8_t start_slot = 0;  // byte 2
    std::uint8_t end_slot = 0;    // byte 3
    friend bool operator==(const MediaEvent&, const MediaEvent&) = default;
  };

  bool no_event_available = false;      // header byte 2 bit 7 NEA
  std::uint8_t notification_class = 0;  // header byte 2 bits 2-0
  std::uint8_t supported_classes = 0;   // header byte 3 (bit n = class n)
  std::optional<MediaEvent> media;      // present for class 4 with NEA = 0
  // Event data of another class (bytes 4..), verbatim.
  std::vector<std::uint8_t> other;

  // Errors: fewer than 4 bytes.
  static base::Expected<EventStatus> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const EventStatus&, const EventStatus&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_DISC_INFO_H_
