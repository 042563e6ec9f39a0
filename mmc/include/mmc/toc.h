// READ TOC/PMA/ATIP response formats (MMC-6 clause 6; MMC-5 r03c 6.26.3): 0000b TOC
// (6.26.3.2), 0001b session information (6.26.3.3), 0010b full TOC (6.26.3.4), 0011b PMA
// (6.26.3.5), 0100b ATIP (6.26.3.6) and 0101b CD-TEXT (6.26.3.7), plus the MSF/LBA
// arithmetic of the CD address space (ECMA-130 14.2, MMC-5 4.2.3.6: LBA = (M*60+S)*75+F-150).
// Conventions as in codec.h.
#ifndef MKIMG_MMC_TOC_H_
#define MKIMG_MMC_TOC_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "cd/msf.h"
#include "mmc/codec.h"

namespace mmc {

// CD addresses are cd::Msf (cd/msf.h, ECMA-130 14.2).
using Msf = cd::Msf;
// LBA -150 is 00:00:00. Lead-in LBAs below -150 (down to -45150) map to 99:59:74 down to
// 90:00:00 (MMC-5 4.2.3.6). REQUIRES: -45150 <= lba < 404850 (89:59:74); cd::LbaToMsf
// without the range check.
Msf LbaToMsf(std::int32_t lba);
using cd::MsfToLba;
// A 4-byte TOC address field holding 00 M S F.
inline std::uint32_t PackMsf(const Msf& m) {
  return (static_cast<std::uint32_t>(m.minute) << 16) |
         (static_cast<std::uint32_t>(m.second) << 8) | m.frame;
}
inline Msf UnpackMsf(std::uint32_t v) {
  return Msf{static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
             static_cast<std::uint8_t>(v)};
}

constexpr std::uint8_t kLeadOutTrack = 0xAA;

// MMC-5 6.26.3.2.2: TOC track descriptor, 8 bytes (formats 0 and 1).
struct TocTrackDescriptor {
  std::uint8_t adr = 1;       // byte 1 bits 7-4
  std::uint8_t control = 4;   // byte 1 bits 3-0 (4 = data track, recorded uninterrupted)
  std::uint8_t track = 1;     // byte 2; AAh = lead-out
  std::uint32_t address = 0;  // bytes 4-7: LBA, or 00 M S F when MSF was requested
  friend bool operator==(const TocTrackDescriptor&, const TocTrackDescriptor&) = default;
};

// Format 0000b: header (first/last track number) and track descriptors ending with the
// lead-out (AAh).
struct Toc {
  std::uint8_t first_track = 1;  // header byte 2
  std::uint8_t last_track = 1;   // header byte 3
  std::vector<TocTrackDescriptor> tracks;

  // Errors: fewer than 4 bytes, a data length that is not 2 + 8n.
  static base::Expected<Toc> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const Toc&, const Toc&) = default;
};

// Format 0001b: first/last complete session and the first track of the last session.
struct SessionInfo {
  std::uint8_t first_session = 1;
  std::uint8_t last_session = 1;
  TocTrackDescriptor first_track_in_last_session;

  // Errors: fewer than 12 bytes.
  static base::Expected<SessionInfo> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const SessionInfo&, const SessionInfo&) = default;
};

// MMC-5 6.26.3.4.2: one Q sub-channel entry of the lead-in (full TOC) or of the PMA,
// 11 bytes.
struct RawTocDescriptor {
  std::uint8_t session = 1;  // byte 0 (reserved in the PMA)
  std::uint8_t adr = 1;      // byte 1 bits 7-4
  std::uint8_t control = 4;  // byte 1 bits 3-0
  std::uint8_t tno = 0;      // byte 2
  std::uint8_t point = 0;    // byte 3: track number, A0h/A1h/A2h, B0h, C0h, ...
  Msf atime;                 // bytes 4-6 (MIN, SEC, FRAME)
  std::uint8_t zero = 0;     // byte 7 (HOUR/PHOUR on DDCD)
  Msf ptime;                 // bytes 8-10 (PMIN, PSEC, PFRAME)
  friend bool operator==(const RawTocDescriptor&, const RawTocDescriptor&) = default;
};

// Format 0010b (full TOC) and 0011b (PMA): header bytes 2-3 are first/last complete
// session for the full TOC and reserved for the PMA.
struct RawToc {
  std::uint8_t first_session = 1;
  std::uint8_t last_session = 1;
  std::vector<RawTocDescriptor> entries;

  // Errors: fewer than 4 bytes, a data length that is not 2 + 11n.
  static base::Expected<RawToc> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const RawToc&, const RawToc&) = default;
};

// Format 0100b: ATIP (MMC-5 6.26.3.6), the pre-groove information of CD-R/RW.
struct Atip {
  std::uint8_t writing_power = 0;    // byte 4 bits 6-4 indicative target writing power
  bool ddcd = false;                 // byte 4 bit 3
  std::uint8_t reference_speed = 0;  // byte 4 bits 2-0
  bool unrestricted_use = false;     // byte 5 bit 6 URU
  bool rewritable = false;           // byte 6 bit 6 DISC TYPE (0 CD-R, 1 CD-RW)
  std::uint8_t disc_subtype = 0;     // byte 6 bits 5-3
  bool a1_valid = false;             // byte 6 bit 2
  bool a2_valid = false;             // byte 6 bit 1
  bool a3_valid = false;             // byte 6 bit 0
  Msf lead_in_start;                 // bytes 8-10 ATIP start time of lead-in
  Msf last_lead_out_start;           // bytes 12-14 last possible start time of lead-out
  std::array<std::uint8_t, 3> a1{};  // bytes 16-18
  std::array<std::uint8_t, 3> a2{};  // bytes 20-22
  std::array<std::uint8_t, 3> a3{};  // bytes 24-26
  std::optional<std::array<std::uint8_t, 3>> s4;  // bytes 28-30 (MMC-5 drives)

  // Errors: fewer than 28 bytes after the data length cut.
  static base::Expected<Atip> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const Atip&, const Atip&) = default;
};

// Format 0101b: CD-TEXT packs (MMC-5 6.26.3.7; Red Book annex J), 18 bytes each.
struct CdTextPack {
  std::uint8_t type = 0x80;             // byte 0: 80h title ... 8Fh size information
  std::uint8_t track = 0;               // byte 1 (bit 7 = extension flag)
  std::uint8_t sequence = 0;            // byte 2
  std::uint8_t block_and_position = 0;  // byte 3: DBCC (7), block (6-4), char position (3-0)
  std::array<std::uint8_t, 12> text{};  // bytes 4-15
  std::uint16_t crc = 0;                // bytes 16-17, as stored
  friend bool operator==(const CdTextPack&, const CdTextPack&) = default;
};
struct CdText {
  std::vector<CdTextPack> packs;

  // Errors: fewer than 4 bytes, a data length that is not 2 + 18n.
  static base::Expected<CdText> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const CdText&, const CdText&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_TOC_H_
