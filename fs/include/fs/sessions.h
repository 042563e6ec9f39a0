// Multisession images: where the sessions of a plain image are, and an image seen at one
// of its sessions (specs/readers.md, "Sessions").
//
// A reader of a physical disc reads the volume descriptors of the last session, at the
// session's start + 16 (ECMA-119 6.2.1 counted from the session's first block; the LBAs
// those descriptors hold are absolute). A reader of a plain file looks at block 16 only.
// SessionView gives the readers of fs/ (and `mkimg emu export`) the disc as the former
// sees it: the chosen session's volume descriptors in place of blocks 16..., every other
// block unchanged, as growisofs copies them on overwritable media.
#ifndef MKIMG_FS_SESSIONS_H_
#define MKIMG_FS_SESSIONS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"

namespace fs {

struct SessionInfo {
  std::uint32_t number = 0;  // 1-based
  std::uint32_t start = 0;   // LBA of the session's first block (its descriptors at +16)
  std::uint32_t blocks = 0;  // from `start` to the end of the session's volume space
  friend bool operator==(const SessionInfo&, const SessionInfo&) = default;
};

// The ISO 9660 sessions a multisession writer (mkisofs -C, xorriso, growisofs -M on
// write-once media) left in a plain image kept at its disc's LBAs: session 1's primary
// volume descriptor is at block 16; each session's volume space size ends it, and the next
// session is the first block
// X at or after that end, within the gap a CD's lead-out and lead-in leave, whose block
// X + 16 is a primary volume descriptor of a volume that ends after it and whose root
// directory lies inside it. An appended session's volume space size counts from the
// session's start as libisofs and genisoimage write it (from LBA 0 as ECMA-119 8.4.8 has
// it when that does not fit in the image). Empty when block 16 holds no ISO 9660 volume. Bounded:
// at most 256 sessions, each searched for in 65,536 blocks.
base::Expected<std::vector<SessionInfo>> FindImageSessions(const base::BlockDevice& device);

// `device` seen at the session starting at `start` and ending at block `end`: blocks 16 to
// 16 + n - 1 read blocks start + 16 to start + 16 + n - 1, where n counts the session's
// volume descriptor set (ECMA-119 8.1-8.3, through its terminator) and the ECMA-167 2/9.1
// volume recognition sequence right after it, with the volume space size of its primary
// and supplementary descriptors set to `end` (writers record an appended session's own
// size; a reader of block 16 takes it as counted from LBA 0, as growisofs sets it when it
// copies them); every other block, and the size, are the device's. `start` 0 returns
// `device` itself. kCorruptImage when block start + 16 is no volume descriptor.
base::Expected<std::unique_ptr<base::BlockDevice>> SessionView(
    std::unique_ptr<base::BlockDevice> device, std::uint32_t start, std::uint32_t end);

}  // namespace fs

#endif  // MKIMG_FS_SESSIONS_H_
