// Exclusive drive access (burn/drive_lock.h).
#include "burn/drive_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace burn {

namespace {

// "/usr/bin/xorriso -outdev /dev/sr0 ..." from /proc/PID/cmdline, "" when gone.
std::string CommandLine(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  if (raw.size() > 200) raw = raw.substr(0, 200) + "...";
  return raw;
}

}  // namespace

std::string DriveLock::LockPath(const std::string& key) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/tmp/mkimg-drive-%016llx.lock",
                static_cast<unsigned long long>(XXH3_64bits(key.data(), key.size())));
  return buf;
}

base::Expected<std::unique_ptr<DriveLock>> DriveLock::Acquire(const std::string& key,
                                                              const std::string& display) {
  const std::string path = LockPath(key);
  // Readable and writable by everyone whatever the umask: other users' burns lock it too.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return base::ErrnoError(path, errno);
  (void)::fchmod(fd, 0666);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &lock) == 0) {
    // For people looking at the lock file: who holds it.
    std::string text = std::to_string(::getpid()) + " " + key + "\n";
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, text.data(), text.size(), 0);
    return std::unique_ptr<DriveLock>(new DriveLock(fd));
  }
  const int err = errno;
  struct flock owner {};
  owner.l_type = F_WRLCK;
  owner.l_whence = SEEK_SET;
  const bool known = ::fcntl(fd, F_GETLK, &owner) == 0 && owner.l_type != F_UNLCK;
  ::close(fd);
  if (err != EACCES && err != EAGAIN) return base::ErrnoError(path, err);
  std::string who = "another process";
  if (known) {
    who = "pid " + std::to_string(owner.l_pid);
    const std::string cmd = CommandLine(owner.l_pid);
    if (!cmd.empty()) who += " (" + cmd + ")";
  }
  return base::Error(base::ErrorCode::kDevice, display,
                     "the drive is in use by " + who + "; try again when it has finished");
}

DriveLock::~DriveLock() { ::close(fd_); }

}  // namespace burn
