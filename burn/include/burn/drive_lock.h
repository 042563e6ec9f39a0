// Exclusive use of a recorder while it is written, as IMAPI2's
// IDiscRecorder2::AcquireExclusiveAccess promises: a second writer — another mkimg, or
// `mkimg emu run` serving the same virtual disc to another program — is refused with a
// message naming the owner (its pid and command line), and a crashed owner frees the
// drive at once. The lock is a POSIX record lock (fcntl F_SETLK) on a lock file named
// after the drive, so the kernel drops it when the owner dies and F_GETLK names its pid.
// Real devices are also opened O_EXCL (mmc::SgTransport), which keeps out programs that
// do not know this lock.
#ifndef MKIMG_BURN_DRIVE_LOCK_H_
#define MKIMG_BURN_DRIVE_LOCK_H_

#include <memory>
#include <string>

#include "base/error.h"

namespace burn {

class DriveLock {
 public:
  // Locks the drive known by `key` (a canonical path, unique per drive). Errors:
  // kDevice "DISPLAY: in use by pid N (COMMAND)" when another process holds it; kIo when
  // the lock file cannot be made.
  static base::Expected<std::unique_ptr<DriveLock>> Acquire(const std::string& key,
                                                            const std::string& display);
  ~DriveLock();
  DriveLock(const DriveLock&) = delete;
  DriveLock& operator=(const DriveLock&) = delete;

  // The lock file of `key` (in /tmp, shared by every user of the machine).
  static std::string LockPath(const std::string& key);

 private:
  explicit DriveLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace burn

#endif  // MKIMG_BURN_DRIVE_LOCK_H_
