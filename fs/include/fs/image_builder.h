// Plan, then emit (specs/architecture.md): Plan() lays out every structure of every requested file
// system into an immutable Layout whose total size is known before the first byte is
// written; Emit() writes the Layout in strict LBA order into a base::BlockSink, checking that
// each section writes exactly the blocks it planned and that host files have not changed.
#ifndef MKIMG_FS_IMAGE_BUILDER_H_
#define MKIMG_FS_IMAGE_BUILDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "fs/image_spec.h"

namespace fs {

// Recoverable oddities reported while planning (e.g. a name that Joliet cannot hold and
// was mapped). The CLI prints them as "mkimg: WHERE: warning: WHAT".
struct Diagnostic {
  std::string where;
  std::string what;
};
using DiagnosticSink = std::function<void(const Diagnostic&)>;

// One planned region of the image.
struct SectionInfo {
  std::string name;       // e.g. "primary volume descriptor", "iso9660 directories"
  std::uint64_t lba = 0;  // first 2048-byte block
  std::uint64_t blocks = 0;
};

class Layout {
 public:
  virtual ~Layout() = default;
  virtual std::uint64_t total_blocks() const = 0;
  std::uint64_t total_bytes() const { return total_blocks() * base::kBlockSize; }
  // Zero blocks added to align file data (ImageSpec::align_data).
  virtual std::uint64_t alignment_padding_blocks() const { return 0; }
  virtual std::vector<SectionInfo> sections() const = 0;
};

// Plans an image. Takes the spec by value: the layout keeps the tree.
// Returns kInvalidInput errors for what the user must change (names that collide after
// mapping, a tree too deep without Rock Ridge, an image too big for `media`, ...).
base::Expected<std::unique_ptr<Layout>> Plan(ImageSpec spec, const DiagnosticSink& diagnostics);

// Progress callback: bytes written so far, of total. Return false to cancel.
using ProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total)>;

// Writes the whole image. REQUIRES: `layout` came from Plan(). The sink's position must be
// 0. Fails with kIo on sink errors, kInvalidInput if a host file changed since planning.
base::Status Emit(const Layout& layout, base::BlockSink& sink, const ProgressFn& progress = {});

}  // namespace fs

#endif  // MKIMG_FS_IMAGE_BUILDER_H_
