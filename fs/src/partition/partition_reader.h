// Reader of the partition tables of an image: the legacy MBR (UEFI 2.10 5.2.1) and the
// GPT header and partition entry array (UEFI 2.10 5.3.2-5.3.3, with CRC-32 checks), on
// the structs of partition_format.h. Takes bytes, so a fuzzer drives it directly.
#ifndef MKIMG_FS_PARTITION_PARTITION_READER_H_
#define MKIMG_FS_PARTITION_PARTITION_READER_H_

#include <cstdint>
#include <span>

#include "base/block_device.h"
#include "fs/image_reader.h"

namespace fs::reader {

// Parses the MBR in sector 0 and a GPT at 512-byte sector 1 of `head` (the first 512-byte
// sectors of the image, at least 34 of them when present). Appends to info->partitions
// and sets the disk identifiers; oddities (CRC mismatches) go to info->warnings.
void ParsePartitionTables(std::span<const std::uint8_t> head, std::uint64_t image_size,
                          ImageInfo* info);

// UEFI 2.10 5.3.2: when the primary GPT header (512-byte sector 1) is valid, reads the
// backup header it points at and its partition entry array: signature, MyLBA, both CRCs
// and the same entries as the primary; each difference goes to info->warnings.
void CheckBackupGpt(const base::BlockDevice& device, ImageInfo* info);

}  // namespace fs::reader

#endif  // MKIMG_FS_PARTITION_PARTITION_READER_H_
