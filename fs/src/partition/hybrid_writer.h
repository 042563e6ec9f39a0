// The hybrid MBR/GPT writer (specs/partition.md "The writer"): makes an El Torito image a
// disk as well. The system area section at block 0 holds the MBR (the boot code of a
// template such as isolinux's isohdpfx.bin or GRUB's boot_hybrid.img, patched with the
// 512-byte sector of the x86 boot image; partition records) and, with `gpt`, the primary
// GPT header and partition entry array (UEFI 2.10 5.2.3, 5.3). A trailer after the file
// data pads the image to a whole MiB and ends it with the backup GPT. Partitions: the ISO
// 9660 data, and the EFI system partition on the image of the first UEFI boot entry.
#ifndef MKIMG_FS_PARTITION_HYBRID_WRITER_H_
#define MKIMG_FS_PARTITION_HYBRID_WRITER_H_

#include <memory>

#include "base/error.h"
#include "eltorito/eltorito_writer.h"
#include "plan/placement.h"

namespace fs::partition {

// Checks spec.boot.hybrid (an x86 entry to boot from, a template of a size that fits).
base::Status CheckHybrid(const plan::ImagePlan& plan, const eltorito::BootWriter& boot);

// Adds the system area (fixed at block 0) and the trailer (after the file data).
void AddHybridSections(std::shared_ptr<const eltorito::BootWriter> boot,
                       plan::Placement& placement);

}  // namespace fs::partition

#endif  // MKIMG_FS_PARTITION_HYBRID_WRITER_H_
