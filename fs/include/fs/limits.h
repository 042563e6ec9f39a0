// The limits mkimg's builder and readers share, so that what one writes the other reads
// (specs/layout.md, "Limits"): a tree the builder accepts never trips a reader's limit,
// and a reader refuses only what the builder would refuse too. The readers take them as
// the defaults of fs::ReadOptions; the planner checks them before placing anything.
#ifndef MKIMG_FS_LIMITS_H_
#define MKIMG_FS_LIMITS_H_

#include <cstdint>

namespace fs {

// Directory nesting: the root is level 0, its subdirectories level 1. Deeper trees are
// refused when planning and when reading (ISO 9660 after Rock Ridge relocation, Joliet,
// UDF alike).
inline constexpr int kMaxTreeDepth = 1024;
// Nodes in one tree (files, directories, links, the root included).
inline constexpr std::uint64_t kMaxTreeEntries = 50000000;
// The recorded size of one directory (its records, or FIDs on UDF).
inline constexpr std::uint32_t kMaxDirectoryBytes = 256u << 20;
// One name, in bytes of UTF-8 (Rock Ridge NM, the tree), as POSIX NAME_MAX.
inline constexpr std::uint32_t kMaxNameBytes = 255;

}  // namespace fs

#endif  // MKIMG_FS_LIMITS_H_
