// File and descriptor sinks. The file sink writes through a 1 MiB buffer, turns zero runs
// into holes (lseek past them; the file was sized up front with ftruncate), and hands big
// host-file copies to copy_file_range so the kernel can share or move pages directly.
#include "base/block_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>

namespace base {
namespace {

constexpr std::size_t kBufferSize = 1 << 20;
constexpr std::uint64_t kHoleThreshold = 64 * 1024;

Status WriteAll(int fd, const std::uint8_t* p, std::size_t n, const std::string& where) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(where, errno);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return Ok();
}

// Temporary files to remove if a signal ends the process before Commit. Only async-signal
// safe operations are used in the handler: a fixed array of C strings and unlink().
constexpr int kMaxTempFiles = 16;
char g_temp_paths[kMaxTempFiles][4096];
std::atomic<bool> g_temp_used[kMaxTempFiles];
std::once_flag g_handlers_once;

void OnFatalSignal(int sig) {
  for (int i = 0; i < kMaxTempFiles; ++i) {
    if (g_temp_used[i].load()) ::unlink(g_temp_paths[i]);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

int RegisterTemp(const std::string& path) {
  std::call_once(g_handlers_once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction sa {};
      sa.sa_handler = OnFatalSignal;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
  });
  if (path.size() >= sizeof(g_temp_paths[0])) return -1;
  for (int i = 0; i < kMaxTempFiles; ++i) {
    if (!g_temp_used[i].load()) {
      std::memcpy(g_temp_paths[i], path.c_str(), path.size() + 1);
      g_temp_used[i].store(true);
      return i;
    }
  }
  return -1;
}

void UnregisterTemp(int slot) {
  if (slot >= 0) g_temp_used[slot].store(false);
}

class FdSink : public BlockSink {
 public:
  FdSink(int fd, std::string name, bool owns, bool seekable)
      : fd_(fd), name_(std::move(name)), owns_(owns), seekable_(seekable) {
    buffer_.reserve(kBufferSize);
  }
  ~FdSink() override {
    if (owns_ && fd_ >= 0) ::close(fd_);
  }

  Status DoWrite(std::span<const std::uint8_t> data) override {
    position_ += data.size();
    if (buffer_.size() + data.size() > kBufferSize) {
      RETURN_IF_ERROR(Flush());
      if (data.size() >= kBufferSize) return WriteAll(fd_, data.data(), data.size(), name_);
    }
    buffer_.insert(buffer_.end(), data.begin(), data.end());
    return Ok();
  }

  Status DoWriteZeros(std::uint64_t n) override {
    if (seekable_ && n >= kHoleThreshold) {
      RETURN_IF_ERROR(Flush());
      if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) return ErrnoError(name_, errno);
      position_ += n;
      hole_at_end_ = true;
      return Ok();
    }
    return BlockSink::DoWriteZeros(n);
  }

  // Copies with copy_file_range, and keeps the source's holes as holes: SEEK_DATA and
  // SEEK_HOLE find the allocated ranges, and the output skips over the rest (it was sized
  // up front, or is truncated to its length on Commit).
  Status DoCopyFrom(int fd, std::uint64_t offset, std::uint64_t n,
                    const std::string& where) override {
    if (!seekable_ || n < kBufferSize) return BlockSink::DoCopyFrom(fd, offset, n, where);
    RETURN_IF_ERROR(Flush());
    const std::uint64_t end = offset + n;
    std::uint64_t pos = offset;
    while (pos < end) {
      std::uint64_t data_start = pos;
      std::uint64_t data_end = end;
      off_t d = ::lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
      if (d >= 0) {
        data_start = std::min<std::uint64_t>(static_cast<std::uint64_t>(d), end);
        off_t h = ::lseek(fd, static_cast<off_t>(data_start), SEEK_HOLE);
        if (h >= 0) data_end = std::min<std::uint64_t>(static_cast<std::uint64_t>(h), end);
      } else if (errno == ENXIO) {
        data_start = end;  // nothing but a hole up to the end of the file
      }
      if (data_start > pos) {
        if (::lseek(fd_, static_cast<off_t>(data_start - pos), SEEK_CUR) < 0) {
          return ErrnoError(name_, errno);
        }
        position_ += data_start - pos;
        hole_at_end_ = true;
        pos = data_start;
      }
      if (pos >= end) break;
      if (data_end <= pos) data_end = end;
      RETURN_IF_ERROR(CopyRange(fd, pos, data_end - pos, where));
      pos = data_end;
    }
    // A source shorter than planned shows as a hole past its end: check its size.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < end) {
      return InvalidInput(where, "file shrank while the image was written");
    }
    return Ok();
  }

  Status CopyRange(int fd, std::uint64_t offset, std::uint64_t n, const std::string& where) {
    auto in_off = static_cast<loff_t>(offset);
    std::uint64_t left = n;
    while (left > 0) {
      ssize_t c = ::copy_file_range(fd, &in_off, fd_, nullptr, left, 0);
      if (c < 0) {
        if (errno == EINTR) continue;
        if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
          // Not supported between these files: read and write the rest.
          position_ += n - left;
          RETURN_IF_ERROR(
              BlockSink::DoCopyFrom(fd, static_cast<std::uint64_t>(in_off), left, where));
          return Flush();
        }
        return ErrnoError(where, errno);
      }
      if (c == 0) return InvalidInput(where, "file shrank while the image was written");
      left -= static_cast<std::uint64_t>(c);
    }
    position_ += n;
    hole_at_end_ = false;
    return Ok();
  }

  std::uint64_t position() const override { return position_; }

  Status Flush() {
    if (buffer_.empty()) return Ok();
    RETURN_IF_ERROR(WriteAll(fd_, buffer_.data(), buffer_.size(), name_));
    buffer_.clear();
    hole_at_end_ = false;
    return Ok();
  }

  Status Commit() override {
    RETURN_IF_ERROR(Flush());
    if (hole_at_end_ && seekable_) {
      // The file ends in a hole: make sure its size covers it.
      if (::ftruncate(fd_, static_cast<off_t>(position_)) != 0) return ErrnoError(name_, errno);
    }
    return Ok();
  }

 protected:
  int fd_;
  std::string name_;
  bool owns_;
  bool seekable_;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t position_ = 0;
  bool hole_at_end_ = false;
};

class AtomicFileSink : public FdSink {
 public:
  AtomicFileSink(int fd, std::string temp_path, std::string final_path, int slot)
      : FdSink(fd, final_path, true, true),
        temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)),
        slot_(slot) {}
  ~AtomicFileSink() override {
    if (!committed_) ::unlink(temp_path_.c_str());
    UnregisterTemp(slot_);
  }

  Status Commit() override {
    RETURN_IF_ERROR(FdSink::Commit());
    if (::ftruncate(fd_, static_cast<off_t>(position_)) != 0) return ErrnoError(name_, errno);
    if (::fchmod(fd_, 0644 & ~CurrentUmask()) != 0) return ErrnoError(name_, errno);
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      return ErrnoError(final_path_, errno);
    }
    committed_ = true;
    return Ok();
  }

 private:
  static mode_t CurrentUmask() {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }
  std::string temp_path_;
  std::string final_path_;
  int slot_;
  bool committed_ = false;
};

}  // namespace

Status BlockSink::Admit(std::uint64_t n) const {
  if (limit_ != 0 && (position() > limit_ || n > limit_ - position())) {
    return IoError("", "a write of " + std::to_string(n) + " bytes at byte " +
                           std::to_string(position()) + " passes the planned size of " +
                           std::to_string(limit_) + " bytes");
  }
  return Ok();
}

Status BlockSink::DoWriteZeros(std::uint64_t n) {
  static const std::vector<std::uint8_t> kZeros(kBufferSize, 0);
  while (n > 0) {
    std::size_t k = n < kZeros.size() ? static_cast<std::size_t>(n) : kZeros.size();
    RETURN_IF_ERROR(DoWrite(std::span<const std::uint8_t>(kZeros.data(), k)));
    n -= k;
  }
  return Ok();
}

Status BlockSink::DoCopyFrom(int fd, std::uint64_t offset, std::uint64_t n,
                             const std::string& where) {
  std::vector<std::uint8_t> buf(static_cast<std::size_t>(n < kBufferSize ? n : kBufferSize));
  while (n > 0) {
    std::size_t want = n < buf.size() ? static_cast<std::size_t>(n) : buf.size();
    ssize_t r = ::pread(fd, buf.data(), want, static_cast<off_t>(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(where, errno);
    }
    if (r == 0) return InvalidInput(where, "file shrank while the image was written");
    RETURN_IF_ERROR(
        DoWrite(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(r))));
    offset += static_cast<std::uint64_t>(r);
    n -= static_cast<std::uint64_t>(r);
  }
  return Ok();
}

std::optional<InputFile> IdentifyInput(const std::string& path, std::string what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return InputFile{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                   std::move(what)};
}

Status CheckOutputIsNotInput(const std::string& path, std::span<const InputFile> inputs) {
  if (inputs.empty()) return Ok();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Ok();  // nothing there yet: nothing to replace
  for (const InputFile& in : inputs) {
    if (in.device == static_cast<std::uint64_t>(st.st_dev) &&
        in.inode == static_cast<std::uint64_t>(st.st_ino)) {
      return InvalidInput(path, "is " + in.what + "; an output never replaces its input");
    }
  }
  return Ok();
}

Expected<std::unique_ptr<BlockSink>> OpenFileSink(const std::string& path,
                                                  std::uint64_t expected_size,
                                                  std::span<const InputFile> inputs) {
  RETURN_IF_ERROR(CheckOutputIsNotInput(path, inputs));
  std::string dir = ".";
  std::string base_name = path;
  if (auto slash = path.rfind('/'); slash != std::string::npos) {
    dir = slash == 0 ? "/" : path.substr(0, slash);
    base_name = path.substr(slash + 1);
  }
  if (base_name.empty()) return InvalidInput(path, "output path names a folder");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return InvalidInput(path, "output path is a folder");
  }
  std::random_device rd;
  int fd = -1;
  std::string temp;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".mkimg-%08x.tmp", rd());
    temp = (dir == "/" ? "" : dir) + "/." + base_name + suffix;
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) return ErrnoError(path, errno);
  }
  if (fd < 0) return IoError(path, "cannot create a temporary file beside it");
  int slot = RegisterTemp(temp);
  auto sink = std::make_unique<AtomicFileSink>(fd, temp, path, slot);
  if (expected_size > 0 && ::ftruncate(fd, static_cast<off_t>(expected_size)) != 0) {
    int e = errno;
    return Error(ErrorCode::kIo, path, std::string("cannot size the output: ") + std::strerror(e));
  }
  sink->set_limit(expected_size);
  return std::unique_ptr<BlockSink>(std::move(sink));
}

std::unique_ptr<BlockSink> MakeFdSink(int fd, std::string name) {
  struct stat st {};
  bool seekable = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  return std::make_unique<FdSink>(fd, std::move(name), false, seekable);
}

}  // namespace base
