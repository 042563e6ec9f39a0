// Where an image's bytes go: a file (written atomically: a temporary file renamed into
// place on Commit), standard output, a recorder (mmc/ provides a drive as a sink), or
// memory in tests. Writes are strictly sequential; a sink that knows the planned size
// refuses to go past it. In base/ so that fs/ can emit into a sink that mmc/ provides
// without either knowing the other (specs/architecture.md).
#ifndef MKIMG_BASE_BLOCK_SINK_H_
#define MKIMG_BASE_BLOCK_SINK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"

namespace base {

// The user-data block of every medium mkimg writes or reads: ECMA-119 6.1.2's logical
// sector and logical block, ECMA-167's sector on CD/DVD/BD, MMC's block of a data track.
inline constexpr std::uint32_t kBlockSize = 2048;

// Blocks of kBlockSize covering n bytes.
constexpr std::uint64_t BlocksFor(std::uint64_t n) { return (n + kBlockSize - 1) / kBlockSize; }

// A sequential writer. Writes only append; once set_limit() gives the planned size, a write
// that would pass it is refused whole (nothing of it is written) with kIo.
class BlockSink {
 public:
  virtual ~BlockSink() = default;

  // Appends bytes.
  base::Status Write(std::span<const std::uint8_t> data) {
    RETURN_IF_ERROR(Admit(data.size()));
    return DoWrite(data);
  }
  // Appends n zero bytes; a file sink leaves a hole where it can.
  base::Status WriteZeros(std::uint64_t n) {
    RETURN_IF_ERROR(Admit(n));
    return DoWriteZeros(n);
  }
  // Appends n bytes read from `fd` at `offset`. A file sink may use copy_file_range.
  // Returns an error naming `where` if the source ends early.
  base::Status CopyFrom(int fd, std::uint64_t offset, std::uint64_t n, const std::string& where) {
    RETURN_IF_ERROR(Admit(n));
    return DoCopyFrom(fd, offset, n, where);
  }
  // Bytes appended so far.
  virtual std::uint64_t position() const = 0;
  // Makes everything written durable and visible (a file sink renames its temporary file).
  virtual base::Status Commit() { return base::Ok(); }

  // The planned size in bytes; 0 (the default) is unbounded.
  void set_limit(std::uint64_t bytes) { limit_ = bytes; }
  std::uint64_t limit() const { return limit_; }

 protected:
  virtual base::Status DoWrite(std::span<const std::uint8_t> data) = 0;
  // Defaults: DoWrite of a zero buffer; pread() into DoWrite.
  virtual base::Status DoWriteZeros(std::uint64_t n);
  virtual base::Status DoCopyFrom(int fd, std::uint64_t offset, std::uint64_t n,
                                  const std::string& where);

 private:
  base::Status Admit(std::uint64_t n) const;
  std::uint64_t limit_ = 0;
};

// A file an operation reads (a manifest, a source file, an image, a virtual disc): its
// device and inode, and what to call it in an error.
struct InputFile {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::string what;  // "the manifest", "source /a/b", ...
};

// The identity of the host file at `path` (links followed) as an InputFile named `what`;
// nullopt when it cannot be stat()ed.
std::optional<InputFile> IdentifyInput(const std::string& path, std::string what);

// kInvalidInput "PATH: is WHAT; an output never replaces its input" when `path` exists
// (links followed) and is the same file (device and inode, so hard and symbolic links
// too) as one of `inputs`.
Status CheckOutputIsNotInput(const std::string& path, std::span<const InputFile> inputs);

// A sink that writes to `path` through a temporary file in the same folder, renamed over
// `path` on Commit(). If the sink is destroyed (or the process is interrupted by SIGINT,
// SIGTERM or SIGHUP) before Commit, the temporary file is removed and `path` is untouched.
// `expected_size` (0 = unknown) is preallocated as the file size, so zero runs stay holes,
// and becomes the sink's limit. `path` must not be one of `inputs` (CheckOutputIsNotInput).
Expected<std::unique_ptr<BlockSink>> OpenFileSink(const std::string& path,
                                                  std::uint64_t expected_size,
                                                  std::span<const InputFile> inputs = {});

// A sink writing to an already open descriptor (e.g. standard output); no atomicity.
std::unique_ptr<BlockSink> MakeFdSink(int fd, std::string name);

// A sink that appends to a vector, for tests and fuzzers.
class MemorySink : public BlockSink {
 public:
  explicit MemorySink(std::vector<std::uint8_t>* out) : out_(out) {}
  std::uint64_t position() const override { return out_->size(); }

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> data) override {
    out_->insert(out_->end(), data.begin(), data.end());
    return base::Ok();
  }

 private:
  std::vector<std::uint8_t>* out_;
};

}  // namespace base

#endif  // MKIMG_BASE_BLOCK_SINK_H_
