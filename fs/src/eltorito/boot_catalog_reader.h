// Reader of the El Torito 1.0 boot catalog: the validation entry (2.1), the
// initial/default entry (2.2), section headers (2.3) and section entries (2.4), with
// section entry extensions (2.5) skipped; on the structs of eltorito_format.h. Takes
// bytes, so a fuzzer drives it directly.
#ifndef MKIMG_FS_ELTORITO_BOOT_CATALOG_READER_H_
#define MKIMG_FS_ELTORITO_BOOT_CATALOG_READER_H_

#include <cstdint>
#include <span>

#include "base/block_device.h"
#include "base/error.h"
#include "fs/image_reader.h"

namespace fs::reader {

// Parses a boot catalog read at `lba` (`catalog` holds its first sectors). kCorruptImage
// "LBA n: El Torito boot catalog: ..." for a bad validation entry.
base::Expected<BootCatalogInfo> ParseBootCatalog(std::span<const std::uint8_t> catalog,
                                                 std::uint32_t lba);

// Reads each no-emulation boot image's patches back: the boot information table (bytes
// 8-63: primary descriptor LBA 16, the image's LBA and length, the checksum of its 32-bit
// words from byte 64) and GRUB's boot info (bytes 2548-2555: the image's sector * 4 + 5).
void CheckBootImages(const base::BlockDevice& device, BootCatalogInfo* info);

}  // namespace fs::reader

#endif  // MKIMG_FS_ELTORITO_BOOT_CATALOG_READER_H_
