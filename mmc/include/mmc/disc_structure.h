// READ DISC STRUCTURE responses (MMC-6 clause 6; MMC-5 r03c 6.23.3): the 4-byte disc
// structure header, DVD format 00h physical format information (6.23.3.2.1; DVD
// specifications for read-only disc part 1, 3.3.2.1), DVD format 0Dh recording management
// area data (6.23.3.2.11), DVD format 0Eh pre-recorded information in lead-in (6.23.3.2.12)
// and BD format 00h disc information (6.23.3.3.1), which is kept as the raw DI units with
// the disc type identifier decoded. Conventions as in codec.h.
#ifndef MKIMG_MMC_DISC_STRUCTURE_H_
#define MKIMG_MMC_DISC_STRUCTURE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"

namespace mmc {

// DVD format 00h: 4-byte header + 2048-byte layer descriptor.
struct DvdPhysicalFormat {
  static constexpr std::size_t kDescriptorLength = 2048;
  std::uint8_t book_type = 0;        // byte 0 bits 7-4: 0 DVD-ROM, 1 DVD-RAM, 2 DVD-R,
                                     // 3 DVD-RW, 9 DVD+RW, Ah DVD+R, Eh DVD+R DL
  std::uint8_t part_version = 0;     // byte 0 bits 3-0
  std::uint8_t disc_size = 0;        // byte 1 bits 7-4: 0 = 120 mm
  std::uint8_t maximum_rate = 0;     // byte 1 bits 3-0
  std::uint8_t layers = 1;           // byte 2 bits 6-5, plus one
  bool opposite_track_path = false;  // byte 2 bit 4
  std::uint8_t layer_type = 0;       // byte 2 bits 3-0: 1 embossed, 2 recordable, 4 rewritable
  std::uint8_t linear_density = 0;   // byte 3 bits 7-4
  std::uint8_t track_density = 0;    // byte 3 bits 3-0
  std::uint32_t data_start_psn = 0x030000;   // bytes 4-7 (byte 4 is 00h)
  std::uint32_t data_end_psn = 0;            // bytes 8-11
  std::uint32_t layer0_end_psn = 0;          // bytes 12-15
  bool bca = false;                          // byte 16 bit 7
  std::vector<std::uint8_t> media_specific;  // bytes 17-2047 (2031 bytes)

  // Errors: fewer than 4 + 17 bytes after the length cut.
  static base::Expected<DvdPhysicalFormat> Parse(std::span<const std::uint8_t> data);
  // Always a full 2052-byte answer; media_specific is padded or cut to 2031 bytes.
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const DvdPhysicalFormat&, const DvdPhysicalFormat&) = default;
};

// DVD format 0Dh (DVD-R/-RW): last recorded RMA sector number (bytes 4-5, the layout
// cdrecord's scsimmc.h also uses) and the RMD bytes from byte 6.
struct DvdRecordingManagementData {
  std::uint16_t last_recorded_rma_sector = 0;  // bytes 4-5
  std::vector<std::uint8_t> rmd;               // bytes 6..

  // Errors: fewer than 6 bytes after the length cut.
  static base::Expected<DvdRecordingManagementData> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const DvdRecordingManagementData&,
                         const DvdRecordingManagementData&) = default;
};

// DVD format 0Eh (DVD-R/-RW): land pre-pit fields of 8 bytes (field ID, 6 data bytes,
// reserved) from byte 4: ID 1 disc data, ID 2 write power and strategy, IDs 3 and 4 the
// manufacturer ID; DVD-R 2.0 media add field 5 (more manufacturer ID).
struct DvdPreRecordedLeadIn {
  std::uint8_t application_code = 0;               // field 1 byte 1
  std::uint8_t physical_code = 0;                  // field 1 byte 2
  std::uint32_t last_recordable_address = 0;       // field 1 bytes 3-5
  std::uint8_t part_version = 0;                   // field 1 byte 6 (reserved on DVD-R 1.0)
  std::uint8_t opc_suggested_code = 0;             // field 2 byte 1: indicative write power
  std::uint8_t wavelength_code = 0;                // field 2 byte 2
  std::array<std::uint8_t, 4> write_strategy{};    // field 2 bytes 3-6
  std::array<std::uint8_t, 12> manufacturer_id{};  // fields 3 and 4, bytes 1-6
  bool has_field5 = false;
  std::array<std::uint8_t, 6> field5{};  // field 5 bytes 1-6, when present

  // Errors: fewer than 4 + 32 bytes after the length cut, field IDs other than 1..4 in
  // the first four fields.
  static base::Expected<DvdPreRecordedLeadIn> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const DvdPreRecordedLeadIn&, const DvdPreRecordedLeadIn&) = default;
};

// BD format 00h: the DI units of the PIC zone, verbatim.
struct BdDiscInformation {
  std::vector<std::uint8_t> units;  // bytes 4..

  // "BDO" (BD-ROM), "BDR" (BD-R), "BDW" (BD-RE) from bytes 8-10 of the first DI unit when
  // it starts with "DI"; "" otherwise.
  std::string DiscTypeIdentifier() const;

  // Errors: fewer than 4 bytes.
  static base::Expected<BdDiscInformation> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const BdDiscInformation&, const BdDiscInformation&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_DISC_STRUCTURE_H_
