// Erasing and formatting (IMAPI2's IDiscFormat2Erase, and the formatting IDiscFormat2Data
// does before a first write): BLANK of CD-RW and sequential DVD-RW (MMC-5 6.2), FORMAT UNIT
// of DVD+RW, BD-RE and DVD-RAM (MMC-5 6.5), both sent with IMMED and followed by polling
// TEST UNIT READY / REQUEST SENSE for the drive's progress indication (SPC-4 4.5.4.4).
#ifndef MKIMG_BURN_ERASE_H_
#define MKIMG_BURN_ERASE_H_

#include <string>

#include "base/error.h"
#include "burn/medium.h"
#include "burn/progress.h"
#include "mmc/device.h"

namespace burn {

struct EraseOptions {
  // Full blank (every sector) or full format with certification; otherwise the quick
  // form (minimal blank, quick format).
  bool full = false;
  ProgressFn progress;
  // The drive's name for messages.
  std::string where;
};

// Erases or formats the medium. Errors: kInvalidInput for media that cannot be erased
// (write-once, pressed, no medium), kDevice from the drive.
base::Status Erase(mmc::Device& device, const EraseOptions& options);

// Formats an unformatted DVD+RW, BD-RE or DVD-RAM (`medium` as ProbeMedium found it) for
// the data engine; `full` asks for the full (certified) form. Reports kFormatting.
base::Status FormatForWriting(mmc::Device& device, const MediumInfo& medium, bool full,
                              ProgressReporter& reporter);

}  // namespace burn

#endif  // MKIMG_BURN_ERASE_H_
