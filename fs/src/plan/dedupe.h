// Duplicate content stored once (the manifest's "dedupe", as oscdimg -o does;
// specs/layout.md): files of equal size whose bytes hash alike (xxh3) and then compare
// equal byte for byte share the data extent of the first of them in the data order, in
// every file system. Zero runs (`size`) of one size are equal without reading.
#ifndef MKIMG_FS_PLAN_DEDUPE_H_
#define MKIMG_FS_PLAN_DEDUPE_H_

#include <cstdint>
#include <vector>

#include "base/error.h"
#include "fs/tree.h"

namespace fs::plan {

struct DedupeSaving {
  std::uint64_t files = 0;  // files that now share another's extent
  std::uint64_t bytes = 0;  // the bytes they no longer take
};

// `order` holds the files in data order and owner[i] the file whose extent order[i] takes
// (itself, or the first of its hard links). Points owner[i] of each duplicate at the first
// file of equal content that owns its extent. Host files are read to hash and compare;
// one that cannot be read is an error naming it.
base::Expected<DedupeSaving> ShareDuplicateContent(const Tree& tree,
                                                   const std::vector<NodeId>& order,
                                                   std::vector<NodeId>* owner);

}  // namespace fs::plan

#endif  // MKIMG_FS_PLAN_DEDUPE_H_
