// The file data section: one extent per file (shared by the ISO 9660, Rock Ridge and
// Joliet records that name it, and by every hard link to it), in the order the planner
// chose (specs/layout.md), each padded with zeros to a whole 2048-byte block (ECMA-119
// 6.4.5). Host files are opened only now, with openat() on a cached folder descriptor, and
// compared with what the planner saw; small files are read straight into a large batch
// buffer (one open, fstat, read, close each), large ones copied with the sink's CopyFrom
// (copy_file_range), runs of zeros written as holes. Extents of an open image are read
// through its BlockDevice; generated content (fs/content_source.h) writes itself, knowing
// where everything was placed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <unordered_map>

#include "base/error.h"
#include "fs/content_source.h"
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
          RETURN_IF_ERROR(FlushBatch());
          RETURN_IF_ERROR(WriteImageExtent(plan_.extents[extent], c, padded));
          break;
        case ContentKind::kGenerated:
          RETURN_IF_ERROR(FlushBatch());
          RETURN_IF_ERROR(WriteGenerated(plan_.extents[extent], c, padded));
          break;
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
  // Where things were placed, for generated content.
  class Placed final : public PlacedImage {
   public:
    explicit Placed(const ImagePlan& plan) : plan_(plan) {}
    std::uint32_t start_lba() const override { return plan_.start_lba; }
    std::uint64_t total_blocks() const override { return plan_.total_blocks; }
    std::optional<std::uint32_t> DataLba(NodeId file) const override {
      if (file >= plan_.nodes.size() || plan_.nodes[file].extent == kNoExtent) return std::nullopt;
      const DataExtent& e = plan_.extent_of(file);
      if (plan_.content_of(e).size == 0) return std::nullopt;
      return e.lba;
    }

   private:
    const ImagePlan& plan_;
  };

  // The bytes of an extent of an open image (multisession import), in steps.
  base::Status WriteImageExtent(const DataExtent& e, const Content& c, std::uint64_t padded) {
    const base::BlockDevice* device = tree_.image_device(c);
    if (device == nullptr) {
      return base::Unsupported(tree_.Path(e.owner),
                               "its bytes are in an image that is not open for writing");
    }
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(std::min(c.size, kCopyStep / 16)));
    for (std::uint64_t done = 0; done < c.size;) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), c.size - done));
      RETURN_IF_ERROR(device->Read(c.location + done, std::span(buffer.data(), n)));
      RETURN_IF_ERROR(context_.sink().Write(std::span<const std::uint8_t>(buffer.data(), n)));
      done += n;
    }
    return context_.sink().WriteZeros(padded - c.size);
  }

  // Generated content: it must write exactly the size it promised when planned.
  base::Status WriteGenerated(const DataExtent& e, const Content& c, std::uint64_t padded) {
    const ContentSource& source = tree_.source(c);
    const std::uint64_t before = context_.sink().position();
    RETURN_IF_ERROR(source.WriteTo(placed_, e.lba, context_.sink()));
    CHECK(context_.sink().position() - before == c.size);
    return context_.sink().WriteZeros(padded - c.size);
  }

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

  // After a file's bytes are copied: its size, modification and change times (ns) must be
  // what they were when it was opened, or the copy may mix old and new bytes (a file
  // appended to or rewritten in place mid-copy). specs/layout.md, "Sources that change".
  base::Status UnchangedSinceOpen(const Content& c, int fd, const struct stat& before) {
    struct stat after {};
    if (::fstat(fd, &after) != 0) return base::ErrnoError(tree_.HostPath(c), errno);
    if (after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
        after.st_ctim.tv_sec != before.st_ctim.tv_sec ||
        after.st_ctim.tv_nsec != before.st_ctim.tv_nsec) {
      return Changed(c);
    }
    return base::Ok();
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
      return UnchangedSinceOpen(c, fd.get(), st);
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
    RETURN_IF_ERROR(UnchangedSinceOpen(c, fd.get(), st));
    if (padded > c.size) {
      std::uint8_t* p = Reserve(static_cast<std::size_t>(padded - c.size));
      std::fill(p, p + (padded - c.size), 0);
    }
    return base::Ok();
  }

  const ImagePlan& plan_;
  Placed placed_{plan_};
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
