// The raw Disc-at-Once engine (IMAPI2's IDiscFormat2RawCD in its SAO mode): a CD image
// given as a cdrdao-compatible BIN/CUE — one BINARY file of 2352-byte sectors, tracks
// AUDIO or MODE1/2352, INDEX 00/01, CATALOG, ISRC — written Session-at-Once on a blank
// CD-R/RW: a cue sheet (MMC-5 6.33) built from the CUE, the 2 s pre-gap of track 1, then
// every sector of the BIN as it is (MMC-5 4.2.3.4). RAW 96 (P-W sub-channel from the
// host) is not built yet (specs/burn.md).
#ifndef MKIMG_BURN_RAW_WRITER_H_
#define MKIMG_BURN_RAW_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "burn/progress.h"
#include "mmc/device.h"

namespace burn {

struct CueTrack {
  std::uint8_t number = 0;
  bool audio = true;                    // AUDIO; else MODE1/2352
  std::optional<std::uint32_t> index0;  // sector of INDEX 00 in the BIN, when given
  std::uint32_t index1 = 0;             // sector of INDEX 01 in the BIN
  std::string isrc;
};

struct CueImage {
  std::string bin;  // the BINARY file, resolved against the CUE's folder
  std::vector<CueTrack> tracks;
  std::string catalog;
  std::string cdtext;  // CDTEXTFILE (18-byte CD-TEXT packs), resolved like `bin`; "" if none
  std::vector<std::uint8_t> cdtext_packs;  // or the packs themselves (a TOC's CD_TEXT)
};

// Parses a CUE file's text. `folder` resolves FILE names. Errors (kInvalidInput) name
// "CUE:LINE".
base::Expected<CueImage> ParseCue(const std::string& text, const std::string& name,
                                  const std::string& folder);

struct RawBurnOptions {
  bool close = true;
  bool simulate = false;
  ProgressFn progress;
  CancelFlag cancel = nullptr;
  std::string where;
};

// Burns `image` (its BIN open as `bin_fd`, `bin_bytes` long) on the blank CD in `device`.
base::Status BurnRawDao(mmc::Device& device, const CueImage& image, int bin_fd,
                        std::uint64_t bin_bytes, const RawBurnOptions& options);

}  // namespace burn

#endif  // MKIMG_BURN_RAW_WRITER_H_
