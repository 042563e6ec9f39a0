// The virtual MMC recorder: an mmc::Transport that executes CDBs against a VirtualDisc the
// way an MMC-6 (T10/1836-D rev. 2g; section numbers of the MMC-5 r03c draft, as in
// specs/mmc.md) multi-format recorder does, answering with data, or
// with CHECK CONDITION and fixed-format sense data (SPC-4 4.5.3). It decodes CDBs itself
// (no mmc/ codec), and models identity (INQUIRY, SPC-4 6.4), features and profiles
// (GET CONFIGURATION, MMC-5 5.3 / 6.6), mode pages 01h, 05h and 2Ah (MMC-5 7.3–7.5, page 2Ah MMC-3
// r10g 5.5.10), the tray, the buffer, speeds and unit attention. specs/emulator.md lists every
// command.
//
// Thread safety: every public member takes an internal mutex, so Execute, Load and Eject
// may be called from any thread; commands are executed one at a time, as a real drive
// does. The emulator server uses one thread per drive; that is not required.
#ifndef MKIMG_EMULATOR_DRIVE_H_
#define MKIMG_EMULATOR_DRIVE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "emulator/virtual_disc.h"
#include "mmc/transport.h"

namespace emulator {

// What the drive says about itself. Defaults describe a CD/DVD/BD recorder that writes
// every medium base/media.h knows.
struct DriveIdentity {
  std::string vendor = "MKIMG";             // INQUIRY bytes 8-15
  std::string product = "VirtualRecorder";  // INQUIRY bytes 16-31
  std::string revision = "0100";            // INQUIRY bytes 32-35
  std::uint32_t buffer_kib = 4096;          // page 2Ah buffer size, READ BUFFER CAPACITY
  // How long an operation started with IMMED reads as in progress to status polls
  // (specs/emulator.md "Immediate operations"): a program that polls at once sees it
  // progress and end; one that polls later finds it over, as it is.
  std::uint32_t immed_busy_ms = 100;
};

class DriveState;

class Drive : public mmc::Transport {
 public:
  // A drive with an empty, closed tray.
  explicit Drive(DriveIdentity identity = DriveIdentity());
  // A drive with `disc` already loaded at power-on (no unit attention is pending).
  Drive(std::unique_ptr<VirtualDisc> disc, DriveIdentity identity = DriveIdentity());
  ~Drive() override;
  Drive(const Drive&) = delete;
  Drive& operator=(const Drive&) = delete;

  // Executes one CDB (6, 10, 12 or 16 bytes). Never throws. A command that fails answers
  // CHECK CONDITION with 18 bytes of fixed-format sense; `transferred` counts the bytes
  // moved. After an injected power loss every command reports transport_error.
  mmc::CommandResult Execute(std::span<const std::uint8_t> cdb, mmc::DataDirection direction,
                             std::span<std::uint8_t> data, std::uint32_t timeout_ms) override;

  // Puts `disc` in the tray (closing it). The next command gets UNIT ATTENTION 06/28/00.
  // A disc already in the drive is committed and returned.
  std::unique_ptr<VirtualDisc> Load(std::unique_ptr<VirtualDisc> disc);
  // Removes the disc (committing it first, unless power was lost) and leaves the tray
  // open; returns nullptr when the tray was empty.
  std::unique_ptr<VirtualDisc> Eject();
  bool has_medium() const;
  // Makes the loaded disc's state durable (as SYNCHRONIZE CACHE does).
  base::Status Commit();
  // True once an injected power loss has happened.
  bool powered_off() const;
  // Runs `f` on the loaded disc (nullptr when empty) under the drive's lock.
  template <typename F>
  auto WithDisc(F&& f) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return f(static_cast<const VirtualDisc*>(DiscLocked()));
  }

 private:
  const VirtualDisc* DiscLocked() const;
  mutable std::mutex mutex_;
  std::unique_ptr<DriveState> state_;
};

}  // namespace emulator

#endif  // MKIMG_EMULATOR_DRIVE_H_
