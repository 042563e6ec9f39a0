// What `mkimg extract` reads, without the host side: every recorded byte of every file of
// a tree, extent by extent, in 64 KiB reads; unrecorded (sparse) extents cost nothing, as
// in extraction. A field that claims more than the image records must be cut by the
// reader, so the work here is bounded by the image (times the files sharing an extent),
// never by a claimed length: with libFuzzer's -timeout, a hang of that kind is a finding.
#ifndef MKIMG_FUZZ_READ_ALL_H_
#define MKIMG_FUZZ_READ_ALL_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "base/block_device.h"
#include "fs/image_reader.h"

namespace fuzz {

inline void ReadEveryRecordedByte(const base::BlockDevice& device, const fs::ImageTree& tree) {
  std::vector<std::uint8_t> buffer(64 * 1024);
  for (fs::NodeId id = 0; id < tree.tree.size(); ++id) {
    if (tree.tree.node(id).type != fs::NodeType::kFile) continue;
    const std::uint64_t size = tree.tree.content(id).size;
    std::uint64_t pos = 0;
    for (const fs::FileExtent& x : tree.FileExtents(id)) {
      if (pos >= size) break;
      const std::uint64_t length = std::min(x.length, size - pos);
      for (std::uint64_t done = 0; !x.sparse && done < length;) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - done));
        if (!device.Read(x.location + done, std::span(buffer.data(), n))) break;
        done += n;
      }
      pos += length;
    }
  }
}

}  // namespace fuzz

#endif  // MKIMG_FUZZ_READ_ALL_H_
