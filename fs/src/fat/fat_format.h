// On-disc structures of the FAT file system (Microsoft, "FAT: General Overview of On-Disk
// Format", version 1.03, 2000 — cited below as "FAT 1.03" with its section names) that the
// EFI system partition builder writes (UEFI 2.10 13.3: the ESP is FAT12, FAT16 or FAT32):
// the boot sector with its BIOS parameter block, the FAT32 FSInfo sector, 8.3 directory
// entries and long-name (VFAT) entries, and the name and date rules around them.
// Structs follow codec/fixed_codec.h; specs/fat.md lists what is written.
#ifndef MKIMG_FS_FAT_FAT_FORMAT_H_
#define MKIMG_FS_FAT_FAT_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "codec/fixed_codec.h"

namespace fs::fat {

inline constexpr std::uint32_t kSectorSize = 512;
inline constexpr std::uint32_t kDirEntrySize = 32;
// FAT 1.03 "FAT Type Determination": the type is decided by the count of data clusters.
inline constexpr std::uint32_t kMaxFat12Clusters = 4084;
inline constexpr std::uint32_t kMaxFat16Clusters = 65524;
inline constexpr std::uint32_t kMaxFat32Clusters = 0x0FFFFFF4;  // below the reserved values
inline constexpr std::uint8_t kMediaFixed = 0xF8;               // BPB_Media, "fixed" media

// Directory entry attributes (FAT 1.03 "FAT Directory Structure").
inline constexpr std::uint8_t kAttrVolumeId = 0x08;
inline constexpr std::uint8_t kAttrDirectory = 0x10;
inline constexpr std::uint8_t kAttrArchive = 0x20;
inline constexpr std::uint8_t kAttrLongName = 0x0F;  // READ_ONLY|HIDDEN|SYSTEM|VOLUME_ID

// FAT 1.03 "Boot Sector and BPB Structure": the fields common to every FAT type,
// bytes 0-35.
struct BiosParameterBlock : codec::Fixed<BiosParameterBlock> {
  static constexpr std::string_view kName = "FAT boot sector";
  base::Bytes<3> jump_boot;          // 0: EB xx 90
  base::Bytes<8> oem_name;           // 3
  base::Le16 bytes_per_sector;       // 11
  std::uint8_t sectors_per_cluster;  // 13
  base::Le16 reserved_sectors;       // 14
  std::uint8_t num_fats;             // 16
  base::Le16 root_entry_count;       // 17: 0 on FAT32
  base::Le16 total_sectors_16;       // 19: 0 when TotSec32 is used
  std::uint8_t media;                // 21
  base::Le16 fat_size_16;            // 22: 0 on FAT32
  base::Le16 sectors_per_track;      // 24
  base::Le16 num_heads;              // 26
  base::Le32 hidden_sectors;         // 28
  base::Le32 total_sectors_32;       // 32
};
static_assert(sizeof(BiosParameterBlock) == 36);
static_assert(offsetof(BiosParameterBlock, sectors_per_cluster) == 13);  // FAT 1.03 BPB_SecPerClus
static_assert(offsetof(BiosParameterBlock, total_sectors_32) == 32);     // FAT 1.03 BPB_TotSec32

// FAT 1.03 "Fat12 and Fat16 Structure Starting at Offset 36".
struct Fat16Extension : codec::Fixed<Fat16Extension> {
  static constexpr std::string_view kName = "FAT12/16 extended BPB";
  std::uint8_t drive_number;     // 36
  std::uint8_t reserved1;        // 37
  std::uint8_t boot_signature;   // 38: 0x29, the next three fields present
  base::Le32 volume_id;          // 39
  base::Bytes<11> volume_label;  // 43
  base::Bytes<8> fs_type;        // 54: "FAT12   " / "FAT16   " (informational)
};
static_assert(sizeof(Fat16Extension) == 26);  // ends at byte 62, where boot code begins

// FAT 1.03 "FAT32 Structure Starting at Offset 36".
struct Fat32Extension : codec::Fixed<Fat32Extension> {
  static constexpr std::string_view kName = "FAT32 extended BPB";
  base::Le32 fat_size_32;         // 36
  base::Le16 ext_flags;           // 40: 0, the FATs mirrored
  base::Le16 fs_version;          // 42: 0.0
  base::Le32 root_cluster;        // 44
  base::Le16 fs_info_sector;      // 48
  base::Le16 backup_boot_sector;  // 50
  base::Bytes<12> reserved;       // 52
  std::uint8_t drive_number;      // 64
  std::uint8_t reserved1;         // 65
  std::uint8_t boot_signature;    // 66: 0x29
  base::Le32 volume_id;           // 67
  base::Bytes<11> volume_label;   // 71
  base::Bytes<8> fs_type;         // 82: "FAT32   "
};
static_assert(sizeof(Fat32Extension) == 54);  // ends at byte 90, where boot code begins

// FAT 1.03 "FAT32 FSInfo Sector Structure and Backup Boot Sector".
struct FsInfo : codec::Fixed<FsInfo> {
  static constexpr std::string_view kName = "FAT32 FSInfo";
  base::Le32 lead_signature;    // 0: 0x41615252
  base::Bytes<480> reserved1;   // 4
  base::Le32 struct_signature;  // 484: 0x61417272
  base::Le32 free_count;        // 488
  base::Le32 next_free;         // 492
  base::Bytes<12> reserved2;    // 496
  base::Le32 trail_signature;   // 508: 0xAA550000
};
static_assert(sizeof(FsInfo) == kSectorSize);

// FAT 1.03 "FAT Directory Structure": a short (8.3) directory entry.
struct DirEntry : codec::Fixed<DirEntry> {
  static constexpr std::string_view kName = "FAT directory entry";
  base::Bytes<11> name;            // 0: 8 + 3, space padded
  std::uint8_t attributes;         // 11
  std::uint8_t nt_reserved;        // 12
  std::uint8_t create_time_tenth;  // 13: 0-199, the 10 ms units past the 2-second time
  base::Le16 create_time;          // 14
  base::Le16 create_date;          // 16
  base::Le16 access_date;          // 18
  base::Le16 first_cluster_high;   // 20: 0 on FAT12/16
  base::Le16 write_time;           // 22
  base::Le16 write_date;           // 24
  base::Le16 first_cluster_low;    // 26
  base::Le32 file_size;            // 28
};
static_assert(sizeof(DirEntry) == kDirEntrySize);
static_assert(offsetof(DirEntry, first_cluster_low) == 26);  // FAT 1.03 DIR_FstClusLO

// FAT 1.03 "FAT Long Directory Entries": 13 UTF-16 code units of a long name.
struct LongNameEntry : codec::Fixed<LongNameEntry> {
  static constexpr std::string_view kName = "FAT long name entry";
  std::uint8_t order;            // 0: 1-20, 0x40 on the last (first stored) entry
  base::Bytes<10> name1;         // 1: characters 1-5
  std::uint8_t attributes;       // 11: kAttrLongName
  std::uint8_t type;             // 12: 0
  std::uint8_t checksum;         // 13: of the short name
  base::Bytes<12> name2;         // 14: characters 6-11
  base::Le16 first_cluster_low;  // 26: 0
  base::Bytes<4> name3;          // 28: characters 12-13
};
static_assert(sizeof(LongNameEntry) == kDirEntrySize);
inline constexpr std::size_t kLongNameCharsPerEntry = 13;
inline constexpr std::size_t kMaxLongNameChars = 255;

using ShortName = std::array<std::uint8_t, 11>;

// FAT 1.03 "FAT Long Directory Entries", ChkSum(): the checksum of a short name that
// every long-name entry of it carries.
std::uint8_t ShortNameChecksum(const ShortName& name);

// The DOS date and time of FAT 1.03 "Date and Time Formats" for seconds since the epoch
// (UTC), clamped to the representable 1980-01-01 .. 2107-12-31 23:59:58.
struct DosTime {
  std::uint16_t date;
  std::uint16_t time;
  std::uint8_t tenth;  // the odd second, in units of 10 ms (0 or 100)
};
DosTime ToDosTime(std::int64_t unix_seconds);

// Whether a (UTF-16) long name may be stored: 1-255 code units, none of the characters
// FAT 1.03 forbids in long names (controls below 0x20, " * / : < > ? \ |), not "." or
// "..", and not ending in a space or a period (Windows strips those). Returns the reason,
// or empty when valid.
std::string LongNameProblem(std::u16string_view name);

// The basis name of FAT 1.03 "The Basis-Name Generation Algorithm": upper-cased ASCII,
// characters not allowed in short names replaced by '_', spaces and leading periods
// dropped, 8 + 3 characters around the last period. `lossy` says whether the conversion
// lost anything beyond case, in which case a numeric tail is required.
struct BasisName {
  ShortName name;
  bool lossy;
};
BasisName MakeBasisName(std::u16string_view long_name);

// The basis name with the numeric tail "~N" (FAT 1.03 "Numeric-Tail Generation
// Algorithm"), the primary part cut to leave room. REQUIRES: 1 <= n <= 999999.
ShortName WithNumericTail(const ShortName& basis, std::uint32_t n);

// Whether the long name is exactly what the short name shows (an upper-case 8.3 name),
// so that no long-name entries are needed.
bool ShortNameMatches(const ShortName& name, std::u16string_view long_name);

}  // namespace fs::fat

#endif  // MKIMG_FS_FAT_FAT_FORMAT_H_
