// The recorders the burn commands name with --drive: a Linux device (/dev/srN, /dev/sgN:
// mmc::SgTransport, the code path of real hardware, which `mkimg emu run` serves from a
// virtual disc through the preload library) or `emu:FILE`, a virtual disc driven in
// process (emulator::Drive is itself an mmc::Transport). burn/ never sees the emulator:
// this adapter lives in the CLI (specs/burn.md).
#ifndef MKIMG_MKIMG_DRIVE_OPEN_H_
#define MKIMG_MKIMG_DRIVE_OPEN_H_

#include <memory>
#include <string>

#include "base/error.h"
#include "burn/drive_lock.h"
#include "mmc/device.h"
#include "mmc/transport.h"

namespace mkimg {

struct OpenedDrive {
  std::string name;  // as given on the command line
  std::unique_ptr<burn::DriveLock> lock;
  std::unique_ptr<mmc::Transport> transport;
  std::unique_ptr<mmc::Device> device;
  bool virtual_disc = false;
  // Makes a virtual disc's state durable (a no-op for real drives); the drive is released
  // when the object is destroyed.
  base::Status Close();
  ~OpenedDrive();
};

// Opens DRIVE ("/dev/sr0", "emu:disc.emu"). With `exclusive`, takes the drive's lock
// (burn::DriveLock) first: a drive another writer holds is refused naming it.
base::Expected<std::unique_ptr<OpenedDrive>> OpenDrive(const std::string& spec, bool exclusive);

// The lock key of `mkimg emu run`'s virtual disc FILE, the same as OpenDrive's for
// emu:FILE, so that the two refuse each other.
std::string VirtualDiscLockKey(const std::string& file);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_DRIVE_OPEN_H_
