// The file data section: one extent per file (shared by the ISO 9660, Rock Ridge and
// Joliet records that name it, and by every hard link to it), in the order the planner
// chose (specs/layout.md), each padded with zeros to a whole 2048-byte block (ECMA-119
// 6.4.5). Host files are opened only now, with openat() on a cached folder descriptor, and
// compared with what the planner saw; small files are read straight into a large batch
// buffer (one open, fstat, read, close each), large ones copied with the sink's CopyFrom
// (copy_file_range), runs of zeros written as holes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <unordered_map>

#include "base/error.h"
#include "plan/image_layout.h"
#include "plan/section.h"

namespace fs::plan {
namespace {

constexpr std::uint64_t kBlock = base::kBlockSize;
constexpr std::size_t kBatchSize = 4 << 20;
// Files at least this big go through CopyFrom instead of the batch buffer.
constexpr std::uint64_t kCopyThreshold = 1 << 20;
// CopyFrom is called in steps of this size so that progress and cancellation stay live.
constexpr std::uint64_t kCopyStep = 64ull << 20;
constexpr std::size_t kMaxOpenDirectories = 64;

class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class FileDataWriter {
 public:
  FileDataWriter(const ImagePlan& plan, EmitContext& context)
      : plan_(plan), tree_(plan.tree()), context_(context) {
    batch_.reserve(kBatchSize);
  }
  ~FileDataWriter() {
    for (auto& [dir, fd] : directories_) ::close(fd);
  }
  FileDataWriter(const FileDataWriter&) = delete;
  FileDataWriter& operator=(const FileDataWriter&) = delete;

  base::Status WriteAll() {
    for (std::uint32_t extent : plan_.data_order) {
      const Content& c = plan_.content_of(plan_.extents[extent]);
      const std::uint64_t padded = base::BlocksFor(c.size) * kBlock;
      switch (c.kind) {
        case ContentKind::kZeros:
          RETURN_IF_ERROR(FlushBatch());
          RETURN_IF_ERROR(context_.sink().WriteZeros(padded));
          break;
        case ContentKind::kInline: {
          std::string_view bytes = tree_.inline_bytes(c);
          CHECK(bytes.size() == c.size);
          std::uint8_t* p = Reserve(static_cast<std::size_t>(padded));
          std::copy(bytes.begin(), bytes.end(), p);
          std::fill(p + bytes.size(), p + padded, 0);
          break;
        }
        case ContentKind::kHostFile:
          RETURN_IF_ERROR(WriteHostFile(c, padded));
          break;
        case ContentKind::kImageExtent:
          return base::Unsupported(tree_.Path(plan_.extents[extent].owner),
                                   "files taken from an existing image cannot be written yet");
      }
      if (++files_since_progress_ >= 256 || padded >= kCopyThreshold) {
        files_since_progress_ = 0;
        RETURN_IF_ERROR(FlushBatch());
        RETURN_IF_ERROR(context_.Progress());
      }
    }
    RETURN_IF_ERROR(FlushBatch());
    return context_.Progress();
  }

 private:
  // Room for n bytes at the end of the batch (flushing it first if needed). Requests
  // larger than the batch are never made (such files use CopyFrom).
  std::uint8_t* Reserve(std::size_t n) {
    if (batch_.size() + n > kBatchSize) {
      pending_ = FlushBatch();
    }
    std::size_t at = batch_.size();
    batch_.resize(at + n);
    return batch_.data() + at;
  }

  base::Status FlushBatch() {
    if (!pending_) return std::move(pending_);
    if (batch_.empty()) return base::Ok();
    base::Status s = context_.sink().Write(batch_);
    batch_.clear();
    return s;
  }

  base::Expected<int> DirectoryFd(std::uint32_t host_dir) {
    auto it = directories_.find(host_dir);
    if (it != directories_.end()) return it->second;
    if (directories_.size() >= kMaxOpenDirectories) {
      for (auto& [dir, fd] : directories_) ::close(fd);
      directories_.clear();
    }
    std::string path = tree_.HostDirectoryPath(host_dir);
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return base::ErrnoError(path, errno);
    directories_.emplace(host_dir, fd);
    return fd;
  }

  base::Error Changed(const Content& c) {
    return base::InvalidInput(tree_.HostPath(c), "changed while the image was being built");
  }

  base::Status WriteHostFile(const Content& c, std::uint64_t padded) {
    ASSIGN_OR_RETURN(int dir_fd, DirectoryFd(c.host_dir));
    name_.assign(tree_.HostName(c));
    // O_NONBLOCK: a file replaced by a FIFO must not hang the build (it fails the S_ISREG
    // check below); reads of regular files ignore the flag.
    ScopedFd fd(::openat(dir_fd, name_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
      int e = errno;
      if (e == ENOENT) return Changed(c);
      return base::ErrnoError(tree_.HostPath(c), e);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return base::ErrnoError(tree_.HostPath(c), errno);
    const std::int64_t mtime_ns =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != c.size) {
      return Changed(c);
    }
    if (c.inode != 0 &&
        (static_cast<std::uint64_t>(st.st_ino) != c.inode ||
         static_cast<std::uint64_t>(st.st_dev) != c.device || mtime_ns != c.change_time_ns)) {
      return Changed(c);
    }
    if (c.size < kCopyThreshold) {
      std::uint8_t* p = Reserve(static_cast<std::size_t>(padded));
      std::size_t got = 0;
      while (got < c.size) {
        ssize_t r = ::read(fd.get(), p + got, static_cast<std::size_t>(c.size) - got);
        if (r < 0) {
          if (errno == EINTR) continue;
          return base::ErrnoError(tree_.HostPath(c), errno);
        }
        if (r == 0) return Changed(c);
        got += static_cast<std::size_t>(r);
      }
      std::fill(p + got, p + padded, 0);
      return base::Ok();
    }
    RETURN_IF_ERROR(FlushBatch());
    const std::string where = tree_.HostPath(c);
    for (std::uint64_t offset = 0; offset < c.size; offset += kCopyStep) {
      const std::uint64_t n = std::min(kCopyStep, c.size - offset);
      base::Status s = context_.sink().CopyFrom(fd.get(), offset, n, where);
      if (!s) {
        // The sink reports a short source as kInvalidInput: the file shrank.
        if (s.error().code() == base::ErrorCode::kInvalidInput) return Changed(c);
        return s;
      }
      if (offset + n < c.size) RETURN_IF_ERROR(context_.Progress());
    }
    if (padded > c.size) {
      std::uint8_t* p = Reserve(static_cast<std::size_t>(padded - c.size));
      std::fill(p, p + (padded - c.size), 0);
    }
    return base::Ok();
  }

  const ImagePlan& plan_;
  const Tree& tree_;
  EmitContext& context_;
  std::vector<std::uint8_t> batch_;
  base::Status pending_;
  std::unordered_map<std::uint32_t, int> directories_;
  std::string name_;
  int files_since_progress_ = 0;
};

class FileDataSection final : public Section {
 public:
  FileDataSection() : Section("file data", Region::kFileData) {}

  base::Status Write(const ImagePlan& plan, EmitContext& context) const override {
    FileDataWriter writer(plan, context);
    return writer.WriteAll();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImagePlan& plan, std::uint64_t lba) override {
    std::uint64_t next = lba;
    for (std::uint32_t index : plan.data_order) {
      DataExtent& e = plan.extents[index];
      e.lba = static_cast<std::uint32_t>(next);
      next += base::BlocksFor(plan.content_of(e).size);
      if (next > 0xFFFFFFFFull) {
        return base::InvalidInput(plan.tree().Path(e.owner),
                                  "the image exceeds the 2^32 blocks (8 TiB) ISO 9660 can address");
      }
    }
    return next - lba;
  }
};

}  // namespace

std::unique_ptr<Section> MakeFileDataSection() { return std::make_unique<FileDataSection>(); }

}  // namespace fs::plan
