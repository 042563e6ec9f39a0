// Patched and stashed content sources and the El Torito boot information table; see
// fs/content_source.h.
#include "fs/content_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/bytes.h"

namespace fs {
namespace {

class PatchedSource final : public ContentSource {
 public:
  PatchedSource(std::string path, std::vector<std::uint8_t> bytes, std::uint64_t size,
                std::string where, std::vector<Patch> patches)
      : path_(std::move(path)),
        bytes_(std::move(bytes)),
        size_(size),
        where_(std::move(where)),
        patches_(std::move(patches)) {}

  std::uint64_t size() const override { return size_; }
  std::string where() const override { return where_; }

  base::Status WriteTo(const PlacedImage& image, std::uint32_t lba,
                       base::BlockSink& sink) const override {
    std::vector<std::uint8_t> bytes;
    if (path_.empty()) {
      bytes = bytes_;
    } else {
      RETURN_IF_ERROR(ReadHostFile(&bytes));
    }
    for (const Patch& patch : patches_) RETURN_IF_ERROR(patch(image, lba, bytes));
    return sink.Write(bytes);
  }

 private:
  base::Status ReadHostFile(std::vector<std::uint8_t>* out) const {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return base::ErrnoError(path_, errno);
    struct stat st {};
    base::Status status;
    if (::fstat(fd, &st) != 0) {
      status = base::ErrnoError(path_, errno);
    } else if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != size_) {
      status = base::InvalidInput(path_, "changed while the image was being built");
    } else {
      out->resize(static_cast<std::size_t>(size_));
      std::size_t got = 0;
      while (status && got < out->size()) {
        const ssize_t r =
            ::pread(fd, out->data() + got, out->size() - got, static_cast<off_t>(got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) status = base::ErrnoError(path_, errno);
        if (r == 0) status = base::InvalidInput(path_, "changed while the image was being built");
        if (r > 0) got += static_cast<std::size_t>(r);
      }
    }
    ::close(fd);
    return status;
  }

  std::string path_;  // empty: bytes_
  std::vector<std::uint8_t> bytes_;
  std::uint64_t size_;
  std::string where_;
  std::vector<Patch> patches_;
};

class StashedSource final : public ContentSource {
 public:
  StashedSource(int fd, std::uint64_t size, std::string where)
      : fd_(fd), size_(size), where_(std::move(where)) {}
  ~StashedSource() override { ::close(fd_); }
  StashedSource(const StashedSource&) = delete;
  StashedSource& operator=(const StashedSource&) = delete;

  std::uint64_t size() const override { return size_; }
  std::string where() const override { return where_; }
  base::Status WriteTo(const PlacedImage&, std::uint32_t, base::BlockSink& sink) const override {
    return sink.CopyFrom(fd_, 0, size_, where_);
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::string where_;
};

}  // namespace

std::shared_ptr<const ContentSource> PatchedHostFile(std::string path, std::uint64_t size,
                                                     std::vector<Patch> patches) {
  std::string where = path;
  return std::make_shared<PatchedSource>(std::move(path), std::vector<std::uint8_t>{}, size,
                                         std::move(where), std::move(patches));
}

std::shared_ptr<const ContentSource> PatchedBytes(std::vector<std::uint8_t> bytes,
                                                  std::string where, std::vector<Patch> patches) {
  const std::uint64_t size = bytes.size();
  return std::make_shared<PatchedSource>("", std::move(bytes), size, std::move(where),
                                         std::move(patches));
}

Patch BootInfoTable() {
  return [](const PlacedImage& image, std::uint32_t lba, std::span<std::uint8_t> bytes) {
    if (bytes.size() < 64) {
      return base::Status(base::InvalidInput(
          "", "a boot image with a boot information table needs at least 64 bytes, not " +
                  std::to_string(bytes.size())));
    }
    if (bytes.size() > 0xFFFFFFFFull) {
      return base::Status(base::InvalidInput("", "boot image larger than 4 GiB"));
    }
    std::memset(bytes.data() + 8, 0, 56);
    std::uint32_t sum = 0;
    for (std::size_t i = 64; i < bytes.size(); i += 4) {
      std::uint8_t word[4] = {0, 0, 0, 0};
      std::memcpy(word, bytes.data() + i, std::min<std::size_t>(4, bytes.size() - i));
      sum += base::LoadLe32(word);
    }
    base::StoreLe32(bytes.data() + 8, image.start_lba() + 16);  // the primary descriptor
    base::StoreLe32(bytes.data() + 12, lba);
    base::StoreLe32(bytes.data() + 16, static_cast<std::uint32_t>(bytes.size()));
    base::StoreLe32(bytes.data() + 20, sum);
    return base::Ok();
  };
}

base::Expected<std::shared_ptr<const ContentSource>> StashStream(int fd, std::string where,
                                                                 const std::string& temp_dir) {
  const int stash = ::open(temp_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (stash < 0) return base::ErrnoError(temp_dir, errno);
  std::vector<std::uint8_t> buffer(1 << 20);
  std::uint64_t size = 0;
  while (true) {
    const ssize_t r = ::read(fd, buffer.data(), buffer.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int e = errno;
      ::close(stash);
      return base::ErrnoError(where, e);
    }
    if (r == 0) break;
    std::size_t done = 0;
    while (done < static_cast<std::size_t>(r)) {
      const ssize_t w = ::write(stash, buffer.data() + done, static_cast<std::size_t>(r) - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        const int e = errno;
        ::close(stash);
        return base::ErrnoError(temp_dir, e);
      }
      done += static_cast<std::size_t>(w);
    }
    size += static_cast<std::uint64_t>(r);
  }
  return std::shared_ptr<const ContentSource>(
      std::make_shared<StashedSource>(stash, size, std::move(where)));
}

}  // namespace fs
