// On-disc structures of the El Torito Bootable CD-ROM Format Specification 1.0 (1995)
// that El Torito readers and writers share: the boot record volume descriptor (2.0) and
// the 32-byte boot catalog entries (2.1-2.5). Structs made only of byte-array field types
// with codec/fixed_codec.h's Parse/EncodeTo/==; each field with its offset as the
// specification gives it. specs/eltorito.md lists them and the tests that prove them.
#ifndef MKIMG_FS_ELTORITO_ELTORITO_FORMAT_H_
#define MKIMG_FS_ELTORITO_ELTORITO_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "codec/fixed_codec.h"

namespace fs::eltorito {

inline constexpr std::string_view kBootSystemIdentifier = "EL TORITO SPECIFICATION";  // 2.0
inline constexpr std::size_t kEntrySize = 32;  // every boot catalog entry (2.1-2.5)

// El Torito 1.0 2.1 / 2.3: platform IDs (0xEF: UEFI, UEFI 2.10 13.3.2.1).
enum PlatformId : std::uint8_t {
  kPlatformX86 = 0x00,
  kPlatformPowerPc = 0x01,
  kPlatformMac = 0x02,
  kPlatformEfi = 0xEF,
};
// 2.1 header ID; 2.3 header indicators; 2.2 / 2.4 boot indicators; 2.5 extension indicator.
inline constexpr std::uint8_t kValidationHeaderId = 0x01;
inline constexpr std::uint8_t kSectionHeaderMore = 0x90;
inline constexpr std::uint8_t kSectionHeaderFinal = 0x91;
inline constexpr std::uint8_t kBootable = 0x88;
inline constexpr std::uint8_t kNotBootable = 0x00;
inline constexpr std::uint8_t kExtensionIndicator = 0x44;
inline constexpr std::uint8_t kKeyByte55 = 0x55, kKeyByteAA = 0xAA;  // 2.1 offsets 1E, 1F
// 2.2 boot media type bits 0-3.
enum Emulation : std::uint8_t {
  kNoEmulation = 0,
  kFloppy12 = 1,
  kFloppy144 = 2,
  kFloppy288 = 3,
  kHardDisk = 4,
};
// 2.5 offset 1, bit 5: another extension entry follows.
inline constexpr std::uint8_t kExtensionMoreFollows = 0x20;

// El Torito 1.0 2.0: the boot record volume descriptor (ECMA-119 8.2 with the El Torito
// boot system identifier), at sector 17.
struct BootRecordVolumeDescriptor : codec::Fixed<BootRecordVolumeDescriptor> {
  static constexpr std::string_view kName = "El Torito boot record volume descriptor";
  std::uint8_t boot_record_indicator;      // offset 0x00 = 0
  base::Bytes<5> iso9660_identifier;       // 0x01-0x05 "CD001"
  std::uint8_t version;                    // 0x06 = 1
  base::Bytes<32> boot_system_identifier;  // 0x07-0x26 "EL TORITO SPECIFICATION", zeros
  base::Bytes<32> unused1;                 // 0x27-0x46
  base::Le32 boot_catalog_pointer;         // 0x47-0x4A: absolute sector of the catalog
  base::Bytes<1973> unused2;               // 0x4B-0x7FF
  // A descriptor pointing at the catalog in sector `catalog_lba`.
  static BootRecordVolumeDescriptor Make(std::uint32_t catalog_lba);
  bool IsElTorito() const;
};
static_assert(sizeof(BootRecordVolumeDescriptor) == 2048);
static_assert(offsetof(BootRecordVolumeDescriptor, boot_system_identifier) == 0x07);  // 2.0
static_assert(offsetof(BootRecordVolumeDescriptor, boot_catalog_pointer) == 0x47);    // 2.0

// El Torito 1.0 2.1: the validation entry, first in the catalog. Its 16 little-endian
// words sum to zero (the checksum word makes them).
struct ValidationEntry : codec::Fixed<ValidationEntry> {
  static constexpr std::string_view kName = "El Torito validation entry";
  std::uint8_t header_id;     // 0x00 = 1
  std::uint8_t platform_id;   // 0x01
  base::Bytes<2> reserved;    // 0x02-0x03
  base::Bytes<24> id_string;  // 0x04-0x1B: manufacturer/developer
  base::Le16 checksum;        // 0x1C-0x1D
  std::uint8_t key_55;        // 0x1E = 0x55
  std::uint8_t key_aa;        // 0x1F = 0xAA
  // The sum of the entry's 16 words (0 when the checksum is right).
  std::uint16_t WordSum() const;
  // Sets header ID and key bytes, then the checksum so that the words sum to zero.
  void Finish();
  static ValidationEntry Make(std::uint8_t platform, std::string_view id_string);
};
static_assert(sizeof(ValidationEntry) == kEntrySize);
static_assert(offsetof(ValidationEntry, id_string) == 0x04);  // 2.1 offset 04
static_assert(offsetof(ValidationEntry, checksum) == 0x1C);   // 2.1 offset 1C
static_assert(offsetof(ValidationEntry, key_55) == 0x1E);     // 2.1 offset 1E

// El Torito 1.0 2.2: the initial/default entry, second in the catalog.
struct InitialEntry : codec::Fixed<InitialEntry> {
  static constexpr std::string_view kName = "El Torito initial/default entry";
  std::uint8_t boot_indicator;   // 0x00: 0x88 bootable, 0x00 not
  std::uint8_t boot_media_type;  // 0x01: bits 0-3 emulation (Emulation)
  base::Le16 load_segment;       // 0x02-0x03 (0: the traditional 7C0)
  std::uint8_t system_type;      // 0x04: partition type of the emulated disk
  std::uint8_t unused1;          // 0x05
  base::Le16 sector_count;       // 0x06-0x07: 512-byte virtual sectors loaded
  base::Le32 load_rba;           // 0x08-0x0B: start of the image (2048-byte sectors)
  base::Bytes<20> unused2;       // 0x0C-0x1F
};
static_assert(sizeof(InitialEntry) == kEntrySize);
static_assert(offsetof(InitialEntry, load_segment) == 0x02);  // 2.2 offset 02
static_assert(offsetof(InitialEntry, sector_count) == 0x06);  // 2.2 offset 06
static_assert(offsetof(InitialEntry, load_rba) == 0x08);      // 2.2 offset 08

// El Torito 1.0 2.3: section header entry.
struct SectionHeader : codec::Fixed<SectionHeader> {
  static constexpr std::string_view kName = "El Torito section header";
  std::uint8_t header_indicator;         // 0x00: 0x90 more headers follow, 0x91 final
  std::uint8_t platform_id;              // 0x01
  base::Le16 number_of_section_entries;  // 0x02-0x03
  base::Bytes<28> id_string;             // 0x04-0x1F
};
static_assert(sizeof(SectionHeader) == kEntrySize);
static_assert(offsetof(SectionHeader, number_of_section_entries) == 0x02);  // 2.3 offset 02
static_assert(offsetof(SectionHeader, id_string) == 0x04);                  // 2.3 offset 04

// El Torito 1.0 2.4: section entry.
struct SectionEntry : codec::Fixed<SectionEntry> {
  static constexpr std::string_view kName = "El Torito section entry";
  std::uint8_t boot_indicator;           // 0x00: 0x88 bootable, 0x00 not
  std::uint8_t boot_media_type;          // 0x01: bits 0-3 emulation, bit 5 continuation
  base::Le16 load_segment;               // 0x02-0x03
  std::uint8_t system_type;              // 0x04
  std::uint8_t unused1;                  // 0x05
  base::Le16 sector_count;               // 0x06-0x07
  base::Le32 load_rba;                   // 0x08-0x0B
  std::uint8_t selection_criteria_type;  // 0x0C
  base::Bytes<19> selection_criteria;    // 0x0D-0x1F: vendor unique
};
static_assert(sizeof(SectionEntry) == kEntrySize);
static_assert(offsetof(SectionEntry, load_rba) == 0x08);                 // 2.4 offset 08
static_assert(offsetof(SectionEntry, selection_criteria_type) == 0x0C);  // 2.4 offset 0C
static_assert(offsetof(SectionEntry, selection_criteria) == 0x0D);       // 2.4 offset 0D

// El Torito 1.0 2.5: section entry extension.
struct SectionEntryExtension : codec::Fixed<SectionEntryExtension> {
  static constexpr std::string_view kName = "El Torito section entry extension";
  std::uint8_t extension_indicator;    // 0x00 = 0x44
  std::uint8_t flags;                  // 0x01: bit 5, another extension follows
  base::Bytes<30> selection_criteria;  // 0x02-0x1F: vendor unique
};
static_assert(sizeof(SectionEntryExtension) == kEntrySize);
static_assert(offsetof(SectionEntryExtension, selection_criteria) == 0x02);  // 2.5 offset 02

}  // namespace fs::eltorito

#endif  // MKIMG_FS_ELTORITO_ELTORITO_FORMAT_H_
