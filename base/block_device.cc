// BlockDevice implementations: a read-only memory map of an image file (the fast path
// for `mkimg ls` on large images; pread() for large reads and for files that cannot be
// mapped) and a view over caller-owned bytes (fuzzers, tests). Every read is checked
// against the device size before any byte is touched.
#include "base/block_device.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace base {

std::span<const std::uint8_t> BlockDevice::View(std::uint64_t /*offset*/,
                                                std::uint64_t /*length*/) const {
  return {};
}

Status BlockDevice::ReadBlocks(std::uint32_t lba, std::uint32_t count,
                               std::vector<std::uint8_t>* out) const {
  const std::uint64_t length = std::uint64_t{count} * kBlockSize;
  const std::uint64_t offset = std::uint64_t{lba} * kBlockSize;
  if (offset > size() || length > size() - offset) {
    return CorruptImage(LbaWhere(lba),
                        std::to_string(count) + " blocks extend beyond the end of the image");
  }
  out->resize(length);
  return Read(offset, *out);
}

std::string LbaWhere(std::uint64_t lba) { return "LBA " + std::to_string(lba); }

namespace {

Status RangeError(std::uint64_t offset, std::uint64_t length) {
  return CorruptImage(LbaWhere(offset / kBlockSize),
                      "read of " + std::to_string(length) + " bytes beyond the end of the image");
}

class MemoryDevice : public BlockDevice {
 public:
  explicit MemoryDevice(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > bytes_.size() || out.size() > bytes_.size() - offset)
      return RangeError(offset, out.size());
    if (!out.empty()) std::copy_n(bytes_.data() + offset, out.size(), out.data());
    return Ok();
  }
  std::span<const std::uint8_t> View(std::uint64_t offset, std::uint64_t length) const override {
    if (offset > bytes_.size() || length > bytes_.size() - offset) return {};
    return bytes_.subspan(offset, length);
  }

 private:
  std::span<const std::uint8_t> bytes_;
};

class FileDevice : public BlockDevice {
 public:
  FileDevice(std::string path, int fd, std::uint64_t size, const std::uint8_t* map)
      : path_(std::move(path)), fd_(fd), size_(size), map_(map) {}
  ~FileDevice() override {
    if (map_ != nullptr) munmap(const_cast<std::uint8_t*>(map_), size_);
    close(fd_);
  }
  FileDevice(const FileDevice&) = delete;
  FileDevice& operator=(const FileDevice&) = delete;

  std::uint64_t size() const override { return size_; }
  Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > size_ || out.size() > size_ - offset) return RangeError(offset, out.size());
    // Large reads (file data: extract, verify) go through pread(): pages of a mapping stay
    // in the process's resident set once touched, so reading a multi-GiB file through the
    // map would grow RSS with the image (specs/readers.md, "extract").
    if (map_ != nullptr && out.size() < kPreadFrom) {
      if (!out.empty()) std::copy_n(map_ + offset, out.size(), out.data());
      return Ok();
    }
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError(path_, errno);
      if (n == 0) return IoError(path_, "unexpected end of file (the image shrank while read)");
      done += static_cast<std::size_t>(n);
    }
    return Ok();
  }
  std::span<const std::uint8_t> View(std::uint64_t offset, std::uint64_t length) const override {
    if (map_ == nullptr || offset > size_ || length > size_ - offset) return {};
    return std::span<const std::uint8_t>(map_ + offset, length);
  }

 private:
  static constexpr std::size_t kPreadFrom = 64 * 1024;
  std::string path_;
  int fd_;
  std::uint64_t size_;
  const std::uint8_t* map_;
};

}  // namespace

Expected<std::unique_ptr<BlockDevice>> OpenImageFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO (or a tape, a terminal) must not wait for a writer. Only
  // regular files and block devices are read, so the flag changes nothing for them.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ErrnoError(path, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return ErrnoError(path, e);
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return InvalidInput(path, "is a directory, not an image");
  }
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    close(fd);
    return InvalidInput(path, "not a regular file or block device");
  }
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    int e = errno;
    close(fd);
    return ErrnoError(path, e);
  }
  std::uint64_t size = 0;
  if (S_ISREG(st.st_mode)) {
    size = static_cast<std::uint64_t>(st.st_size);
  } else {
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
      int e = errno;
      close(fd);
      return ErrnoError(path, e);
    }
    size = static_cast<std::uint64_t>(end);
  }
  const std::uint8_t* map = nullptr;
  if (size > 0 && S_ISREG(st.st_mode)) {
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) map = static_cast<const std::uint8_t*>(p);
  }
  return std::unique_ptr<BlockDevice>(new FileDevice(path, fd, size, map));
}

std::unique_ptr<BlockDevice> MemoryBlockDevice(std::span<const std::uint8_t> bytes) {
  return std::make_unique<MemoryDevice>(bytes);
}

}  // namespace base
