// The one seam between everything that speaks MMC: a Transport executes one CDB and
// returns the SCSI status with sense data. Implementations: the Linux SG_IO transport (real
// recorders), the in-process virtual recorder (emulator::Drive), and the emulator server's
// client side. The burn engine and the emulator meet only here, at the wire: CDB bytes in,
// data and sense bytes out (LevelDB's Env idea).
#ifndef MKIMG_MMC_TRANSPORT_H_
#define MKIMG_MMC_TRANSPORT_H_

#include <cstdint>
#include <span>
#include <vector>

namespace mmc {

enum class DataDirection : std::uint8_t {
  kNone,
  kToDevice,    // data-out (WRITE, MODE SELECT, SEND CUE SHEET, ...)
  kFromDevice,  // data-in (READ, INQUIRY, GET CONFIGURATION, ...)
};

// SAM-5 status codes that recorders return.
enum class ScsiStatus : std::uint8_t {
  kGood = 0x00,
  kCheckCondition = 0x02,
  kBusy = 0x08,
  kReservationConflict = 0x18,
};

struct CommandResult {
  ScsiStatus status = ScsiStatus::kGood;
  // Bytes actually transferred (data-in: bytes placed in the buffer; data-out: consumed).
  std::uint32_t transferred = 0;
  // Sense data (fixed or descriptor format) when status is CHECK CONDITION; else empty.
  std::vector<std::uint8_t> sense;
  // The transport itself failed (host_status / driver_status on Linux, a dropped
  // connection to the emulator server): the command may not have reached the device.
  bool transport_error = false;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Executes one command. `data` is the data-out buffer (kToDevice) or the data-in buffer
  // (kFromDevice, its size is the allocation/transfer length); empty for kNone.
  // `timeout_ms` bounds the wait (0 = the implementation's default).
  virtual CommandResult Execute(std::span<const std::uint8_t> cdb, DataDirection direction,
                                std::span<std::uint8_t> data, std::uint32_t timeout_ms) = 0;
};

}  // namespace mmc

#endif  // MKIMG_MMC_TRANSPORT_H_
