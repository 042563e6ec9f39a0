// The virtual recorder's contract for one command (emulator/drive.h), as the fuzz targets
// that drive it check it: the command ends in GOOD or CHECK CONDITION with 18 bytes of
// fixed-format sense (response code 70h, a sense key below 10h), never in a transport
// error when no fault is injected, and never moves more bytes than the buffer holds.
// Anything else is reported on stderr, naming the target and the command, and aborts.
#ifndef MKIMG_FUZZ_DRIVE_CONTRACT_H_
#define MKIMG_FUZZ_DRIVE_CONTRACT_H_

#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "mmc/transport.h"

namespace fuzz {

[[noreturn]] inline void DriveContractBroken(const char* target, std::size_t command,
                                             const char* what) {
  std::fprintf(stderr, "%s: command %zu: %s\n", target, command, what);
  std::abort();
}

inline void CheckDriveAnswer(const char* target, std::size_t command, const mmc::CommandResult& r,
                             std::size_t buffer_bytes) {
  if (r.transport_error) {
    DriveContractBroken(target, command, "transport error without an injected fault");
  }
  if (r.status == mmc::ScsiStatus::kCheckCondition) {
    if (r.sense.size() != 18 || r.sense[0] != 0x70 || (r.sense[2] & 0x0F) >= 0x10) {
      DriveContractBroken(target, command, "malformed sense data");
    }
  } else if (r.status != mmc::ScsiStatus::kGood) {
    DriveContractBroken(target, command, "a status other than GOOD or CHECK CONDITION");
  }
  if (r.transferred > buffer_bytes) {
    DriveContractBroken(target, command, "more bytes moved than the buffer holds");
  }
}

}  // namespace fuzz

#endif  // MKIMG_FUZZ_DRIVE_CONTRACT_H_
