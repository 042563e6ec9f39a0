// Content whose bytes are made when the image is written, with a size known when it is
// planned (specs/architecture.md, "how to add a content kind"): a boot image patched with
// LBAs known only after placement (El Torito 1.0's boot information table as isolinux
// defines it, GRUB's boot info), a file system image generated from a folder (a FAT EFI
// system partition), or the bytes of a non-seekable input stashed while planning. The
// tree refers to one by ContentKind::kGenerated; the file data section writes it.
// Host files, inline text, zero runs and extents of an open image are the tree's own
// kinds (fs/tree.h) and need none of this.
#ifndef MKIMG_FS_CONTENT_SOURCE_H_
#define MKIMG_FS_CONTENT_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/block_sink.h"
#include "base/error.h"
#include "fs/tree.h"

namespace fs {

// Where things were placed, as generated content may need to know.
class PlacedImage {
 public:
  virtual ~PlacedImage() = default;
  // The session's first block (0 for a first session).
  virtual std::uint32_t start_lba() const = 0;
  // The session's size in blocks.
  virtual std::uint64_t total_blocks() const = 0;
  // The first block of a file's data extent; nullopt if `file` has no data in the image.
  virtual std::optional<std::uint32_t> DataLba(NodeId file) const = 0;
};

class ContentSource {
 public:
  virtual ~ContentSource() = default;
  // Bytes it writes; fixed from planning on.
  virtual std::uint64_t size() const = 0;
  // Appends exactly size() bytes, for content placed at block `lba` of `image`.
  virtual base::Status WriteTo(const PlacedImage& image, std::uint32_t lba,
                               base::BlockSink& sink) const = 0;
  // What messages name: a host path, or a description.
  virtual std::string where() const = 0;
};

// A change to a copy of some bytes once the image is placed: `bytes` is the whole content,
// `lba` its first block.
using Patch = std::function<base::Status(const PlacedImage& image, std::uint32_t lba,
                                         std::span<std::uint8_t> bytes)>;

// The bytes of host file `path` (read whole when written: meant for boot images, a few
// MiB at most) with `patches` applied in order. `size` is the file's size when planned;
// a file that changed size since is an error naming it.
std::shared_ptr<const ContentSource> PatchedHostFile(std::string path, std::uint64_t size,
                                                     std::vector<Patch> patches);
// `bytes` with `patches` applied, for generated boot images and tests.
std::shared_ptr<const ContentSource> PatchedBytes(std::vector<std::uint8_t> bytes,
                                                  std::string where, std::vector<Patch> patches);

// El Torito boot information table (bytes 8-63 of a no-emulation boot image, as isolinux
// and GRUB's eltorito.img expect, the table mkisofs -boot-info-table writes): the primary
// volume descriptor's LBA (the session's block 16), the image's own LBA, its length, and
// the 32-bit little-endian sum of its 32-bit words from byte 64 on; bytes 24-63 zero.
Patch BootInfoTable();

// Reads `fd` to its end (a pipe, a socket, standard input) into an unlinked temporary
// file in `temp_dir`, now, so that its size is known when planning; the bytes are copied
// from there when the image is written. `where` names the input in messages.
base::Expected<std::shared_ptr<const ContentSource>> StashStream(int fd, std::string where,
                                                                 const std::string& temp_dir);

}  // namespace fs

#endif  // MKIMG_FS_CONTENT_SOURCE_H_
