// On-disc structures of the partition tables a hybrid image carries, shared by readers
// and writers: the legacy MBR and its partition records (UEFI 2.10 5.2.1), the GPT header
// (5.3.2) and GPT partition entries (5.3.3), with GUIDs in the mixed-endian form of UEFI
// 2.10 appendix A. Structs made only of byte-array field types with codec/fixed_codec.h's
// Parse/EncodeTo/==; each field with its byte offset from the UEFI tables. CRC-32 is
// base::Crc32. specs/partition.md lists them and the tests that prove them.
#ifndef MKIMG_FS_PARTITION_PARTITION_FORMAT_H_
#define MKIMG_FS_PARTITION_PARTITION_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "codec/fixed_codec.h"

namespace fs::partition {

inline constexpr std::uint32_t kSectorSize = 512;         // the 512-byte LBA of MBR and GPT here
inline constexpr std::uint8_t kMbrBootable = 0x80;        // 5.2.1 table 5-2, BootIndicator
inline constexpr std::uint8_t kMbrProtectiveType = 0xEE;  // 5.2.3 GPT protective MBR
inline constexpr std::string_view kGptSignature = "EFI PART";  // 5.3.2
inline constexpr std::uint32_t kGptRevision = 0x00010000;      // 5.3.2, revision 1.0

// UEFI 2.10 appendix A: a GUID; the first three fields are little-endian.
struct Guid : codec::Fixed<Guid> {
  static constexpr std::string_view kName = "GUID";
  base::Le32 data1;      // bytes 0-3
  base::Le16 data2;      // 4-5
  base::Le16 data3;      // 6-7
  base::Bytes<8> data4;  // 8-15, in order
  // "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" (upper case).
  std::string ToString() const;
  bool IsZero() const;
};
static_assert(sizeof(Guid) == 16);
static_assert(offsetof(Guid, data4) == 8);  // UEFI 2.10 appendix A

// UEFI 2.10 5.2.1 table 5-2: legacy MBR partition record.
struct MbrPartitionRecord : codec::Fixed<MbrPartitionRecord> {
  static constexpr std::string_view kName = "MBR partition record";
  std::uint8_t boot_indicator;  // byte 0: 0x80 bootable, 0x00 not
  base::Bytes<3> starting_chs;  // 1-3
  std::uint8_t os_type;         // 4: 0 unused, 0xEE GPT protective
  base::Bytes<3> ending_chs;    // 5-7
  base::Le32 starting_lba;      // 8-11
  base::Le32 size_in_lba;       // 12-15
};
static_assert(sizeof(MbrPartitionRecord) == 16);
static_assert(offsetof(MbrPartitionRecord, os_type) == 4);       // 5.2.1, byte 4
static_assert(offsetof(MbrPartitionRecord, starting_lba) == 8);  // 5.2.1, byte 8
static_assert(offsetof(MbrPartitionRecord, size_in_lba) == 12);  // 5.2.1, byte 12

// UEFI 2.10 5.2.1 table 5-1: legacy master boot record, sector 0.
struct MasterBootRecord : codec::Fixed<MasterBootRecord> {
  static constexpr std::string_view kName = "MBR";
  base::Bytes<440> boot_code;              // bytes 0-439
  base::Le32 unique_mbr_disk_signature;    // 440-443
  base::Bytes<2> unknown;                  // 444-445
  MbrPartitionRecord partition_record[4];  // 446-509
  std::uint8_t signature_55;               // 510 = 0x55
  std::uint8_t signature_aa;               // 511 = 0xAA
  bool HasSignature() const { return signature_55 == 0x55 && signature_aa == 0xAA; }
};
static_assert(sizeof(MasterBootRecord) == kSectorSize);
static_assert(offsetof(MasterBootRecord, unique_mbr_disk_signature) == 440);  // 5.2.1 table 5-1
static_assert(offsetof(MasterBootRecord, partition_record) == 446);           // 5.2.1 table 5-1
static_assert(offsetof(MasterBootRecord, signature_55) == 510);               // 5.2.1 table 5-1

// UEFI 2.10 5.3.2 table 5-5: GPT header, its defined part (HeaderSize is at least 92; the
// rest of the block is reserved and zero).
struct GptHeader : codec::Fixed<GptHeader> {
  static constexpr std::string_view kName = "GPT header";
  base::Bytes<8> signature;                // 0: "EFI PART"
  base::Le32 revision;                     // 8
  base::Le32 header_size;                  // 12
  base::Le32 header_crc32;                 // 16
  base::Le32 reserved;                     // 20
  base::Le64 my_lba;                       // 24
  base::Le64 alternate_lba;                // 32
  base::Le64 first_usable_lba;             // 40
  base::Le64 last_usable_lba;              // 48
  Guid disk_guid;                          // 56
  base::Le64 partition_entry_lba;          // 72
  base::Le32 number_of_partition_entries;  // 80
  base::Le32 size_of_partition_entry;      // 84
  base::Le32 partition_entry_array_crc32;  // 88
  bool HasSignature() const;
};
static_assert(sizeof(GptHeader) == 92);
static_assert(offsetof(GptHeader, header_crc32) == 16);                 // 5.3.2 table 5-5
static_assert(offsetof(GptHeader, my_lba) == 24);                       // 5.3.2 table 5-5
static_assert(offsetof(GptHeader, disk_guid) == 56);                    // 5.3.2 table 5-5
static_assert(offsetof(GptHeader, partition_entry_lba) == 72);          // 5.3.2 table 5-5
static_assert(offsetof(GptHeader, number_of_partition_entries) == 80);  // 5.3.2 table 5-5
static_assert(offsetof(GptHeader, size_of_partition_entry) == 84);      // 5.3.2 table 5-5
static_assert(offsetof(GptHeader, partition_entry_array_crc32) == 88);  // 5.3.2 table 5-5
inline constexpr std::size_t kGptHeaderMinSize = sizeof(GptHeader);

// UEFI 2.10 5.3.2: the CRC-32 of the first `header_size` bytes of `header` with the
// HeaderCRC32 field taken as zero. REQUIRES: sizeof(GptHeader) <= header_size <=
// header.size().
std::uint32_t GptHeaderCrc32(std::span<const std::uint8_t> header, std::uint32_t header_size);

// UEFI 2.10 5.3.3 table 5-6: GPT partition entry (SizeOfPartitionEntry may be larger; the
// rest is reserved).
struct GptPartitionEntry : codec::Fixed<GptPartitionEntry> {
  static constexpr std::string_view kName = "GPT partition entry";
  Guid partition_type_guid;        // 0 (all zero: unused entry)
  Guid unique_partition_guid;      // 16
  base::Le64 starting_lba;         // 32
  base::Le64 ending_lba;           // 40 (inclusive)
  base::Le64 attributes;           // 48
  base::Bytes<72> partition_name;  // 56: 36 UTF-16LE code units, NUL-terminated if shorter
  // The name up to its first NUL, as UTF-8 (unpaired surrogates as U+FFFD).
  std::string Name() const;
};
static_assert(sizeof(GptPartitionEntry) == 128);
static_assert(offsetof(GptPartitionEntry, unique_partition_guid) == 16);  // 5.3.3 table 5-6
static_assert(offsetof(GptPartitionEntry, starting_lba) == 32);           // 5.3.3 table 5-6
static_assert(offsetof(GptPartitionEntry, ending_lba) == 40);             // 5.3.3 table 5-6
static_assert(offsetof(GptPartitionEntry, attributes) == 48);             // 5.3.3 table 5-6
static_assert(offsetof(GptPartitionEntry, partition_name) == 56);         // 5.3.3 table 5-6

}  // namespace fs::partition

#endif  // MKIMG_FS_PARTITION_PARTITION_FORMAT_H_
