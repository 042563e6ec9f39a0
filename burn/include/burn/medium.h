// What a recorder and the medium in it are, as the burn engine needs to know them before
// writing (IMAPI2's IDiscRecorder2 / IDiscFormat2::CurrentPhysicalMediaType and
// MediaHeuristicallyBlank): the identity (INQUIRY, SPC-4 6.4), the current profile and the
// profiles the drive offers (GET CONFIGURATION, MMC-5 5.3.1 / 6.6), the disc and its
// invisible track (READ DISC INFORMATION 6.22, READ TRACK INFORMATION 6.27), the formatted
// capacity (READ FORMAT CAPACITIES 6.24), the layer break of a DL disc (READ DISC STRUCTURE
// 6.23, format 20h) and the write speeds (GET PERFORMANCE 6.8, type 03h). specs/burn.md.
#ifndef MKIMG_BURN_MEDIUM_H_
#define MKIMG_BURN_MEDIUM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "mmc/device.h"

namespace burn {

// How the data engine records on a medium (specs/burn.md, "Engines").
enum class MediumKind : std::uint8_t {
  kNone,          // no medium
  kCd,            // CD-R, CD-RW: Track-at-Once or Session-at-Once
  kDvdMinusSeq,   // DVD-R, DVD-R DL, DVD-RW sequential: incremental or DAO
  kDvdMinusRwRo,  // DVD-RW restricted overwrite: random, 16-sector units
  kDvdPlusR,      // DVD+R, DVD+R DL
  kDvdPlusRw,     // DVD+RW (formatted on first use)
  kDvdRam,        // DVD-RAM
  kBdR,           // BD-R SRM (single and dual layer)
  kBdRe,          // BD-RE (formatted on first use)
  kReadOnly,      // pressed media (CD-ROM, DVD-ROM, BD-ROM)
  kUnknown,       // a profile the engine does not write
};

// The state IMAPI2 reports and the engine decides on.
enum class MediumState : std::uint8_t {
  kNone,          // no medium
  kBlank,         // nothing recorded: sequential media, or unformatted rewritables
  kAppendable,    // an open session may be added
  kComplete,      // closed: no more writing without erasing
  kOverwritable,  // random-writable (formatted) media: overwritten from LBA 0
};

const char* MediumKindName(MediumKind kind);
const char* MediumStateName(MediumState state);
// "DVD+R", "BD-RE", ... for a profile number (MMC-5 Table 91); "profile XXXXh" otherwise.
std::string ProfileName(std::uint16_t profile);

struct WriteSpeed {
  std::uint32_t kbps = 0;  // kB/s (1000 bytes)
  std::string multiple;    // "16x" in the medium's unit (CD 176.4, DVD 1385, BD 4496 kB/s)
};

struct MediumInfo {
  std::uint16_t profile = 0;  // current profile (0: no medium)
  MediumKind kind = MediumKind::kNone;
  MediumState state = MediumState::kNone;
  bool erasable = false;                       // disc information byte 2 bit 4
  std::uint16_t sessions = 0;                  // recorded sessions (complete or not)
  std::uint16_t tracks = 0;                    // last track number in the last session
  std::optional<std::uint32_t> next_writable;  // NWA of the invisible track
  std::uint32_t free_blocks = 0;               // writable from NWA (random media: capacity)
  std::uint32_t capacity_blocks = 0;           // recorded + free, or the formatted size
  std::uint32_t recorded_blocks = 0;           // READ CAPACITY + 1 when something is readable
  bool formatted = false;                      // random media: a format is in place
  std::uint8_t background_format = 0;          // 0 none, 1 suspended, 2 running, 3 complete
  std::optional<std::uint32_t> layer_break;    // DL: layer 0 sectors (DVD+R DL)
  bool layer_break_settable = false;           // DVD+R DL not yet recorded
  std::vector<WriteSpeed> speeds;              // fastest first
};

struct DriveDescription {
  std::string vendor;
  std::string product;
  std::string revision;
  std::vector<std::uint16_t> profiles;  // the profile list (feature 0000h)
  bool test_write = false;              // page 2Ah / CD TAO feature: simulation possible
  bool burn_free = false;               // BUFE: buffer underrun protection
  MediumInfo medium;
};

// The medium in the drive (TEST UNIT READY first: "no medium" is state kNone, not an
// error). Errors: kDevice / kIo from the drive.
base::Expected<MediumInfo> ProbeMedium(mmc::Device& device);
// The drive's identity and capabilities, with ProbeMedium's answer.
base::Expected<DriveDescription> DescribeDrive(mmc::Device& device);

// The kB/s of "1x" on the medium (MMC-5 6.37 / 6.8.3: CD 176.4, DVD 1385, BD 4496).
double OneXKbps(const MediumInfo& m);

// "DVD+R, blank, 2295104 blocks free" for messages.
std::string DescribeMedium(const MediumInfo& m);

}  // namespace burn

#endif  // MKIMG_BURN_MEDIUM_H_
