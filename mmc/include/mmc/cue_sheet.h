// SEND CUE SHEET parameter data (MMC-6 clause 6; MMC-5 r03c 6.33.3): the session-at-once
// cue sheet that hosts such as cdrdao and libburn send before writing a CD in SAO or raw
// mode, as 8-byte entries: CTL/ADR, TNO, INDEX, DATA FORM, SCMS, absolute time (MSF).
// Parse takes untrusted host bytes (the emulator's side), EncodeTo builds them (the burner's).
#ifndef MKIMG_MMC_CUE_SHEET_H_
#define MKIMG_MMC_CUE_SHEET_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "mmc/codec.h"
#include "mmc/toc.h"

namespace mmc {

// MMC-5 6.33.3.1: one cue sheet entry.
struct CueSheetEntry {
  std::uint8_t control = 0;    // byte 0 bits 7-4 CTL (4 = data track, 0 = audio)
  std::uint8_t adr = 1;        // byte 0 bits 3-0: 1 = Q mode 1, 2 = catalog, 3 = ISRC
  std::uint8_t track = 0;      // byte 1 TNO: 00h lead-in, 01h-63h tracks, AAh lead-out
  std::uint8_t index = 0;      // byte 2 INDEX
  std::uint8_t data_form = 0;  // byte 3: bits 7-6 sub-channel form, bits 5-0 main data form
  std::uint8_t scms = 0;       // byte 4: bit 7 alternate copy bit
  Msf absolute_time;           // bytes 5-7

  friend bool operator==(const CueSheetEntry&, const CueSheetEntry&) = default;
};

struct CueSheet {
  static constexpr std::size_t kEntryLength = 8;
  std::vector<CueSheetEntry> entries;

  // Errors (kDevice, as for the other parsers; the emulator maps them to 05/26/00): an
  // empty list or a length that is not a multiple of 8.
  static base::Expected<CueSheet> Parse(std::span<const std::uint8_t> data);
  void EncodeTo(base::ByteWriter& w) const;
  friend bool operator==(const CueSheet&, const CueSheet&) = default;
};

}  // namespace mmc

#endif  // MKIMG_MMC_CUE_SHEET_H_
