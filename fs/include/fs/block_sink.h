// Where an image's bytes go: a file (written atomically: a temporary file renamed into
// place on Commit), standard output, a recorder, or memory in tests. Writes are strictly
// sequential; a sink that knows the planned size refuses to go past it.
#ifndef MKIMG_FS_BLOCK_SINK_H_
#define MKIMG_FS_BLOCK_SINK_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"

namespace fs {

class BlockSink {
 public:
  virtual ~BlockSink() = default;

  // Appends bytes.
  virtual base::Status Write(std::span<const std::uint8_t> data) = 0;
  // Appends n zero bytes; a file sink leaves a hole where it can.
  virtual base::Status WriteZeros(std::uint64_t n);
  // Appends n bytes read from `fd` at `offset`. A file sink may use copy_file_range.
  // Returns an error naming `where` if the source ends early.
  virtual base::Status CopyFrom(int fd, std::uint64_t offset, std::uint64_t n,
                                const std::string& where);
  // Bytes appended so far.
  virtual std::uint64_t position() const = 0;
  // Makes everything written durable and visible (a file sink renames its temporary file).
  virtual base::Status Commit() { return base::Ok(); }
};

// A sink that writes to `path` through a temporary file in the same folder, renamed over
// `path` on Commit(). If the sink is destroyed (or the process is interrupted by SIGINT,
// SIGTERM or SIGHUP) before Commit, the temporary file is removed and `path` is untouched.
// `expected_size` (0 = unknown) is preallocated as the file size, so zero runs stay holes.
base::Expected<std::unique_ptr<BlockSink>> OpenFileSink(const std::string& path,
                                                        std::uint64_t expected_size);

// A sink writing to an already open descriptor (e.g. standard output); no atomicity.
std::unique_ptr<BlockSink> MakeFdSink(int fd, std::string name);

// A sink that appends to a vector, for tests and fuzzers.
class MemorySink : public BlockSink {
 public:
  explicit MemorySink(std::vector<std::uint8_t>* out) : out_(out) {}
  base::Status Write(std::span<const std::uint8_t> data) override {
    out_->insert(out_->end(), data.begin(), data.end());
    return base::Ok();
  }
  std::uint64_t position() const override { return out_->size(); }

 private:
  std::vector<std::uint8_t>* out_;
};

}  // namespace fs

#endif  // MKIMG_FS_BLOCK_SINK_H_
