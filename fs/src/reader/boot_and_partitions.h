// Parsers of the boot structures outside the file systems: the El Torito 1.0 boot
// catalog (validation entry 2.1, initial/default entry 2.2, section headers 2.3 and
// section entries 2.4, with extension entries skipped), the MBR partition table (UEFI 2.10
// 5.2.1) and the GPT header and partition entry array (UEFI 2.10 5.3.2-5.3.3, with CRC32
// checks). Each takes bytes, so fuzzers drive them directly.
#ifndef MKIMG_FS_READER_BOOT_AND_PARTITIONS_H_
#define MKIMG_FS_READER_BOOT_AND_PARTITIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "fs/image_reader.h"

namespace fs::reader {

// Parses a boot catalog read at `lba` (`catalog` holds its first sectors). kCorruptImage
// "LBA n: El Torito boot catalog: ..." for a bad validation entry.
base::Expected<BootCatalogInfo> ParseBootCatalog(std::span<const std::uint8_t> catalog,
                                                 std::uint32_t lba);

// Parses the MBR in sector 0 and a GPT at 512-byte sector 1 of `head` (the first 512-byte
// sectors of the image, at least 34 of them when present). Appends to info->partitions
// and sets the disk identifiers; oddities (CRC mismatches) go to info->warnings.
void ParsePartitionTables(std::span<const std::uint8_t> head, std::uint64_t image_size,
                          ImageInfo* info);

}  // namespace fs::reader

#endif  // MKIMG_FS_READER_BOOT_AND_PARTITIONS_H_
