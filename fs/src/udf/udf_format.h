// On-disc structures of ECMA-167 3rd edition (parts 1-4) and OSTA UDF 2.60 that UDF
// readers and writers share, in the style of iso9660/iso9660_format.h: structs made only
// of byte-array field types (alignment 1, no padding), each field with its section and byte
// position (BP, 0-based as in ECMA-167). Each fixed structure has
// Parse/EncodeTo/== from codec/fixed_codec.h (length-checked copies, never a cast of
// the input; Parse(Encode(x)) == x). Descriptor tags are finished and checked by FinishTag/CheckTag
// (ECMA-167 3/7.2). This header holds the basic types of parts 1, 3 and 4 and the volume
// structures of parts 2 and 3; the file structures of part 4 and the VAT are in
// udf_file_format.h. specs/udf.md lists the structures and the tests that prove them.
#ifndef MKIMG_FS_UDF_UDF_FORMAT_H_
#define MKIMG_FS_UDF_UDF_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "codec/fixed_codec.h"

namespace fs::udf {

using codec::AsBytes;
using codec::AsWritableBytes;
using codec::Encode;
using codec::Zeroed;
template <typename Derived>
using Codec = codec::Fixed<Derived>;

// ECMA-167 3/7.2.1 and 4/7.2.1: tag identifiers.
enum TagId : std::uint16_t {
  kPrimaryVolumeDescriptor = 1,
  kAnchorVolumeDescriptorPointer = 2,
  kVolumeDescriptorPointer = 3,
  kImplementationUseVolumeDescriptor = 4,
  kPartitionDescriptor = 5,
  kLogicalVolumeDescriptor = 6,
  kUnallocatedSpaceDescriptor = 7,
  kTerminatingDescriptor = 8,
  kLogicalVolumeIntegrityDescriptor = 9,
  kFileSetDescriptor = 256,
  kFileIdentifierDescriptor = 257,
  kAllocationExtentDescriptor = 258,
  kIndirectEntry = 259,
  kTerminalEntry = 260,
  kFileEntry = 261,
  kExtendedAttributeHeaderDescriptor = 262,
  kUnallocatedSpaceEntry = 263,
  kSpaceBitmapDescriptor = 264,
  kPartitionIntegrityEntry = 265,
  kExtendedFileEntry = 266,
};

// ECMA-167 4/14.6.6: file types (UDF 2.60 2.3.5.2 adds 248-250).
enum FileType : std::uint8_t {
  kFileTypeUnspecified = 0,
  kFileTypeDirectory = 4,
  kFileTypeBytes = 5,
  kFileTypeBlockDevice = 6,      // 4/14.6.6: block special device
  kFileTypeCharacterDevice = 7,  // character special device
  kFileTypeFifo = 9,             // FIFO
  kFileTypeSocket = 10,          // C_ISSOCK
  kFileTypeSymlink = 12,
  kFileTypeVat = 248,  // OSTA UDF 2.2.11 (2.00 and later)
  kFileTypeRealTime = 249,
  kFileTypeMetadata = 250,
  kFileTypeMetadataMirror = 251,
};

// ECMA-167 4/14.6.8: ICB tag flags bits 0-2, the allocation descriptor type.
enum AdType : std::uint16_t {
  kShortAds = 0,
  kLongAds = 1,
  kExtAds = 2,
  kEmbedded = 3,
};
inline constexpr std::uint16_t kIcbFlagSetuid = 0x40;   // 4/14.6.8 bit 6
inline constexpr std::uint16_t kIcbFlagSetgid = 0x80;   // bit 7
inline constexpr std::uint16_t kIcbFlagSticky = 0x100;  // bit 8

// ECMA-167 4/14.4.3: file characteristics of a file identifier descriptor.
enum FileCharacteristics : std::uint8_t {
  kFidHidden = 0x01,
  kFidDirectory = 0x02,
  kFidDeleted = 0x04,
  kFidParent = 0x08,
  kFidMetadata = 0x10,
};

// ECMA-167 4/14.14.1.1: the extent length's top two bits.
inline constexpr std::uint32_t kExtentLengthMask = 0x3FFFFFFF;
enum ExtentType : std::uint32_t {
  kRecorded = 0,
  kAllocatedNotRecorded = 1,
  kNotAllocated = 2,
  kNextExtent = 3,  // the extent holds further allocation descriptors (4/14.5)
};
inline constexpr std::uint32_t ExtentLength(std::uint32_t raw) { return raw & kExtentLengthMask; }
inline constexpr std::uint32_t ExtentKind(std::uint32_t raw) { return raw >> 30; }
inline constexpr std::uint32_t PackExtentLength(std::uint32_t length, std::uint32_t type) {
  return (length & kExtentLengthMask) | (type << 30);
}

// ECMA-167 3/7.2: the descriptor tag.
struct Tag : Codec<Tag> {
  static constexpr std::string_view kName = "UDF descriptor tag";
  base::Le16 identifier;          // 3/7.2.1, BP 0
  base::Le16 descriptor_version;  // 3/7.2.2, BP 2
  std::uint8_t checksum;          // 3/7.2.3, BP 4
  std::uint8_t reserved;          // 3/7.2.4, BP 5
  base::Le16 serial_number;       // 3/7.2.5, BP 6
  base::Le16 crc;                 // 3/7.2.6, BP 8
  base::Le16 crc_length;          // 3/7.2.7, BP 10
  base::Le32 location;            // 3/7.2.8, BP 12
};
static_assert(sizeof(Tag) == 16);
static_assert(offsetof(Tag, checksum) == 4);     // ECMA-167 3/7.2.3, BP 4
static_assert(offsetof(Tag, crc) == 8);          // 3/7.2.6, BP 8
static_assert(offsetof(Tag, crc_length) == 10);  // 3/7.2.7, BP 10
static_assert(offsetof(Tag, location) == 12);    // 3/7.2.8, BP 12

// ECMA-167 3/7.2.3: the sum modulo 256 of tag bytes 0-3 and 5-15.
std::uint8_t TagChecksum(std::span<const std::uint8_t, 16> tag);
// Writes the tag at the front of `descriptor`: identifier, version, serial number, the CRC
// of the `crc_length` bytes after the tag (3/7.2.6, CRC-ITU) and then the checksum.
// REQUIRES: descriptor.size() >= 16 + crc_length.
void FinishTag(std::span<std::uint8_t> descriptor, std::uint16_t identifier, std::uint32_t location,
               std::size_t crc_length, std::uint16_t version = 3, std::uint16_t serial_number = 0);
// The same for a descriptor struct, its CRC covering the rest of the struct (or
// `crc_length` bytes when given; REQUIRES it does not exceed sizeof(T) - 16).
template <typename T>
void FinishTag(T& descriptor, std::uint16_t identifier, std::uint32_t location) {
  FinishTag(AsWritableBytes(descriptor), identifier, location, sizeof(T) - sizeof(Tag));
}

// Checks the descriptor tag at the front of `block` (ECMA-167 3/7.2): checksum, that the
// tag location equals `location`, and the CRC over CRC length bytes. Returns the tag
// identifier. kCorruptImage naming the descriptor and `where` otherwise; a CRC mismatch
// (or a CRC length past the block) is appended to *crc_warnings instead when that is
// non-null (the descriptor is still usable).
base::Expected<std::uint16_t> CheckTag(std::span<const std::uint8_t> block, std::uint32_t location,
                                       const std::string& where,
                                       std::vector<std::string>* crc_warnings);

// ECMA-167 1/7.2.1: character set specification (UDF 2.60 2.1.2: CS0, "OSTA Compressed
// Unicode").
struct Charspec : Codec<Charspec> {
  static constexpr std::string_view kName = "UDF charspec";
  std::uint8_t character_set_type;            // 1/7.2.1.1, BP 0
  base::Bytes<63> character_set_information;  // 1/7.2.1.2, BP 1
  // UDF 2.60 2.1.2: type 0, "OSTA Compressed Unicode".
  static Charspec OstaCompressedUnicode();
};
static_assert(sizeof(Charspec) == 64);
static_assert(offsetof(Charspec, character_set_information) == 1);  // 1/7.2.1.2, BP 1

// ECMA-167 1/7.3: timestamp.
struct Timestamp : Codec<Timestamp> {
  static constexpr std::string_view kName = "UDF timestamp";
  base::Le16 type_and_timezone;           // 1/7.3.1, BP 0 (type in bits 12-15)
  base::Le16 year;                        // 1/7.3.2, BP 2
  std::uint8_t month;                     // 1/7.3.3, BP 4
  std::uint8_t day;                       // 1/7.3.4, BP 5
  std::uint8_t hour;                      // 1/7.3.5, BP 6
  std::uint8_t minute;                    // 1/7.3.6, BP 7
  std::uint8_t second;                    // 1/7.3.7, BP 8
  std::uint8_t centiseconds;              // 1/7.3.8, BP 9
  std::uint8_t hundreds_of_microseconds;  // 1/7.3.9, BP 10
  std::uint8_t microseconds;              // 1/7.3.10, BP 11
};
static_assert(sizeof(Timestamp) == 12);
static_assert(offsetof(Timestamp, month) == 4);          // 1/7.3.3, BP 4
static_assert(offsetof(Timestamp, microseconds) == 11);  // 1/7.3.10, BP 11

// ECMA-167 1/7.4: entity identifier (regid). UDF 2.60 2.1.5: the suffix holds the UDF
// revision (domain IDs) or an OS class and identifier (implementation IDs).
struct Regid : Codec<Regid> {
  static constexpr std::string_view kName = "UDF regid";
  std::uint8_t flags;                // 1/7.4.1, BP 0
  base::Bytes<23> identifier;        // 1/7.4.2, BP 1
  base::Bytes<8> identifier_suffix;  // 1/7.4.3, BP 24
  // An identifier such as "*OSTA UDF Compliant" (cut to 23 bytes) with the first two
  // suffix bytes holding `revision` (UDF 2.1.5.3: BCD, e.g. 0x0260), the rest zero.
  static Regid Make(std::string_view identifier, std::uint16_t revision = 0);
  std::uint16_t SuffixRevision() const { return base::LoadLe16(identifier_suffix.b); }
};
static_assert(sizeof(Regid) == 32);
static_assert(offsetof(Regid, identifier_suffix) == 24);  // 1/7.4.3, BP 24

// ECMA-167 3/7.1: extent descriptor (extent_ad).
struct ExtentAd : Codec<ExtentAd> {
  static constexpr std::string_view kName = "UDF extent_ad";
  base::Le32 length;    // 3/7.1.1, BP 0
  base::Le32 location;  // 3/7.1.2, BP 4
};
static_assert(sizeof(ExtentAd) == 8);
static_assert(offsetof(ExtentAd, location) == 4);  // 3/7.1.2, BP 4

// ECMA-167 4/7.1: recorded address (lb_addr).
struct LbAddr : Codec<LbAddr> {
  static constexpr std::string_view kName = "UDF lb_addr";
  base::Le32 logical_block_number;        // 4/7.1.1, BP 0
  base::Le16 partition_reference_number;  // 4/7.1.2, BP 4
};
static_assert(sizeof(LbAddr) == 6);
static_assert(offsetof(LbAddr, partition_reference_number) == 4);  // 4/7.1.2, BP 4

// ECMA-167 4/14.14.1: short allocation descriptor.
struct ShortAd : Codec<ShortAd> {
  static constexpr std::string_view kName = "UDF short_ad";
  base::Le32 extent_length;    // 4/14.14.1.1, BP 0 (type in bits 30-31)
  base::Le32 extent_position;  // 4/14.14.1.2, BP 4
};
static_assert(sizeof(ShortAd) == 8);
static_assert(offsetof(ShortAd, extent_position) == 4);  // 4/14.14.1.2, BP 4

// ECMA-167 4/14.14.2: long allocation descriptor.
struct LongAd : Codec<LongAd> {
  static constexpr std::string_view kName = "UDF long_ad";
  base::Le32 extent_length;           // 4/14.14.2.1, BP 0
  LbAddr extent_location;             // 4/14.14.2.2, BP 4
  base::Bytes<6> implementation_use;  // 4/14.14.2.3, BP 10
  static LongAd Make(std::uint32_t length, std::uint32_t lbn, std::uint16_t partition_ref);
};
static_assert(sizeof(LongAd) == 16);
static_assert(offsetof(LongAd, extent_location) == 4);      // 4/14.14.2.2, BP 4
static_assert(offsetof(LongAd, implementation_use) == 10);  // 4/14.14.2.3, BP 10

// ECMA-167 4/14.14.3: extended allocation descriptor.
struct ExtAd : Codec<ExtAd> {
  static constexpr std::string_view kName = "UDF ext_ad";
  base::Le32 extent_length;           // 4/14.14.3.1, BP 0
  base::Le32 recorded_length;         // 4/14.14.3.2, BP 4
  base::Le32 information_length;      // 4/14.14.3.3, BP 8
  LbAddr extent_location;             // 4/14.14.3.4, BP 12
  base::Bytes<2> implementation_use;  // 4/14.14.3.5, BP 18
};
static_assert(sizeof(ExtAd) == 20);
static_assert(offsetof(ExtAd, extent_location) == 12);     // 4/14.14.3.4, BP 12
static_assert(offsetof(ExtAd, implementation_use) == 18);  // 4/14.14.3.5, BP 18

// ECMA-167 2/9.1: volume structure descriptor of the volume recognition sequence
// ("BEA01", "NSR02"/"NSR03", "TEA01").
struct VolumeStructureDescriptor : Codec<VolumeStructureDescriptor> {
  static constexpr std::string_view kName = "UDF volume structure descriptor";
  std::uint8_t structure_type;         // 2/9.1.1, BP 0
  base::Bytes<5> standard_identifier;  // 2/9.1.2, BP 1
  std::uint8_t structure_version;      // 2/9.1.3, BP 6
  base::Bytes<2041> structure_data;    // 2/9.1.4, BP 7
  static VolumeStructureDescriptor Make(std::string_view identifier);
};
static_assert(sizeof(VolumeStructureDescriptor) == 2048);
static_assert(offsetof(VolumeStructureDescriptor, structure_version) == 6);  // 2/9.1.3, BP 6

// ECMA-167 3/10.2: anchor volume descriptor pointer (at sector 256, N-256 or N: 3/8.4.2.1).
struct AnchorVolumeDescriptorPointer : Codec<AnchorVolumeDescriptorPointer> {
  static constexpr std::string_view kName = "UDF anchor volume descriptor pointer";
  Tag tag;                    // 3/10.2.1, BP 0
  ExtentAd main_vds;          // 3/10.2.2, BP 16
  ExtentAd reserve_vds;       // 3/10.2.3, BP 24
  base::Bytes<480> reserved;  // 3/10.2.4, BP 32
};
static_assert(sizeof(AnchorVolumeDescriptorPointer) == 512);
static_assert(offsetof(AnchorVolumeDescriptorPointer, main_vds) == 16);     // 3/10.2.2, BP 16
static_assert(offsetof(AnchorVolumeDescriptorPointer, reserve_vds) == 24);  // 3/10.2.3, BP 24

// ECMA-167 3/10.3: volume descriptor pointer (continues a sequence elsewhere).
struct VolumeDescriptorPointer : Codec<VolumeDescriptorPointer> {
  static constexpr std::string_view kName = "UDF volume descriptor pointer";
  Tag tag;                                       // 3/10.3.1, BP 0
  base::Le32 volume_descriptor_sequence_number;  // 3/10.3.2, BP 16
  ExtentAd next_vds;                             // 3/10.3.3, BP 20
  base::Bytes<484> reserved;                     // 3/10.3.4, BP 28
};
static_assert(sizeof(VolumeDescriptorPointer) == 512);
static_assert(offsetof(VolumeDescriptorPointer, next_vds) == 20);  // 3/10.3.3, BP 20

// ECMA-167 3/10.1: primary volume descriptor.
struct PrimaryVolumeDescriptor : Codec<PrimaryVolumeDescriptor> {
  static constexpr std::string_view kName = "UDF primary volume descriptor";
  Tag tag;                                       // 3/10.1.1,  BP 0
  base::Le32 volume_descriptor_sequence_number;  // 3/10.1.2,  BP 16
  base::Le32 primary_volume_descriptor_number;   // 3/10.1.3,  BP 20
  base::Bytes<32> volume_identifier;             // 3/10.1.4,  BP 24 (dstring)
  base::Le16 volume_sequence_number;             // 3/10.1.5,  BP 56
  base::Le16 maximum_volume_sequence_number;     // 3/10.1.6,  BP 58
  base::Le16 interchange_level;                  // 3/10.1.7,  BP 60
  base::Le16 maximum_interchange_level;          // 3/10.1.8,  BP 62
  base::Le32 character_set_list;                 // 3/10.1.9,  BP 64
  base::Le32 maximum_character_set_list;         // 3/10.1.10, BP 68
  base::Bytes<128> volume_set_identifier;        // 3/10.1.11, BP 72 (dstring)
  Charspec descriptor_character_set;             // 3/10.1.12, BP 200
  Charspec explanatory_character_set;            // 3/10.1.13, BP 264
  ExtentAd volume_abstract;                      // 3/10.1.14, BP 328
  ExtentAd volume_copyright_notice;              // 3/10.1.15, BP 336
  Regid application_identifier;                  // 3/10.1.16, BP 344
  Timestamp recording_date_and_time;             // 3/10.1.17, BP 376
  Regid implementation_identifier;               // 3/10.1.18, BP 388
  base::Bytes<64> implementation_use;            // 3/10.1.19, BP 420
  base::Le32 predecessor_vds_location;           // 3/10.1.20, BP 484
  base::Le16 flags;                              // 3/10.1.21, BP 488
  base::Bytes<22> reserved;                      // 3/10.1.22, BP 490
};
static_assert(sizeof(PrimaryVolumeDescriptor) == 512);
static_assert(offsetof(PrimaryVolumeDescriptor, volume_identifier) == 24);           // 3/10.1.4
static_assert(offsetof(PrimaryVolumeDescriptor, volume_sequence_number) == 56);      // 3/10.1.5
static_assert(offsetof(PrimaryVolumeDescriptor, character_set_list) == 64);          // 3/10.1.9
static_assert(offsetof(PrimaryVolumeDescriptor, volume_set_identifier) == 72);       // 3/10.1.11
static_assert(offsetof(PrimaryVolumeDescriptor, descriptor_character_set) == 200);   // 3/10.1.12
static_assert(offsetof(PrimaryVolumeDescriptor, explanatory_character_set) == 264);  // 3/10.1.13
static_assert(offsetof(PrimaryVolumeDescriptor, volume_abstract) == 328);            // 3/10.1.14
static_assert(offsetof(PrimaryVolumeDescriptor, application_identifier) == 344);     // 3/10.1.16
static_assert(offsetof(PrimaryVolumeDescriptor, recording_date_and_time) == 376);    // 3/10.1.17
static_assert(offsetof(PrimaryVolumeDescriptor, implementation_identifier) == 388);  // 3/10.1.18
static_assert(offsetof(PrimaryVolumeDescriptor, implementation_use) == 420);         // 3/10.1.19
static_assert(offsetof(PrimaryVolumeDescriptor, predecessor_vds_location) == 484);   // 3/10.1.20
static_assert(offsetof(PrimaryVolumeDescriptor, flags) == 488);                      // 3/10.1.21

// OSTA UDF 2.60 2.2.7.2: LVInfo, the implementation use of the "*UDF LV Info" IUVD.
struct LvInfo : Codec<LvInfo> {
  static constexpr std::string_view kName = "UDF LVInfo";
  Charspec lvi_charset;                        // 2.2.7.2.1, BP 0
  base::Bytes<128> logical_volume_identifier;  // 2.2.7.2.2, BP 64 (dstring)
  base::Bytes<36> lv_info1;                    // 2.2.7.2.3, BP 192
  base::Bytes<36> lv_info2;                    // BP 228
  base::Bytes<36> lv_info3;                    // BP 264
  Regid implementation_id;                     // 2.2.7.2.4, BP 300
  base::Bytes<128> implementation_use;         // 2.2.7.2.5, BP 332
};
static_assert(sizeof(LvInfo) == 460);
static_assert(offsetof(LvInfo, logical_volume_identifier) == 64);  // UDF 2.2.7.2.2, BP 64
static_assert(offsetof(LvInfo, implementation_id) == 300);         // UDF 2.2.7.2.4, BP 300

// ECMA-167 3/10.4 with OSTA UDF 2.60 2.2.7: implementation use volume descriptor.
struct ImplementationUseVolumeDescriptor : Codec<ImplementationUseVolumeDescriptor> {
  static constexpr std::string_view kName = "UDF implementation use volume descriptor";
  Tag tag;                                       // 3/10.4.1, BP 0
  base::Le32 volume_descriptor_sequence_number;  // 3/10.4.2, BP 16
  Regid implementation_identifier;               // 3/10.4.3, BP 20 ("*UDF LV Info")
  LvInfo implementation_use;                     // 3/10.4.4, BP 52
};
static_assert(sizeof(ImplementationUseVolumeDescriptor) == 512);
static_assert(offsetof(ImplementationUseVolumeDescriptor, implementation_identifier) == 20);
static_assert(offsetof(ImplementationUseVolumeDescriptor, implementation_use) == 52);  // BP 52

// ECMA-167 3/10.5: partition descriptor.
struct PartitionDescriptor : Codec<PartitionDescriptor> {
  static constexpr std::string_view kName = "UDF partition descriptor";
  Tag tag;                                       // 3/10.5.1,  BP 0
  base::Le32 volume_descriptor_sequence_number;  // 3/10.5.2,  BP 16
  base::Le16 partition_flags;                    // 3/10.5.3,  BP 20
  base::Le16 partition_number;                   // 3/10.5.4,  BP 22
  Regid partition_contents;                      // 3/10.5.5,  BP 24 ("+NSR02"/"+NSR03")
  base::Bytes<128> partition_contents_use;       // 3/10.5.6,  BP 56
  base::Le32 access_type;                        // 3/10.5.7,  BP 184
  base::Le32 partition_starting_location;        // 3/10.5.8,  BP 188
  base::Le32 partition_length;                   // 3/10.5.9,  BP 192
  Regid implementation_identifier;               // 3/10.5.10, BP 196
  base::Bytes<128> implementation_use;           // 3/10.5.11, BP 228
  base::Bytes<156> reserved;                     // 3/10.5.12, BP 356
};
static_assert(sizeof(PartitionDescriptor) == 512);
static_assert(offsetof(PartitionDescriptor, partition_number) == 22);    // 3/10.5.4, BP 22
static_assert(offsetof(PartitionDescriptor, partition_contents) == 24);  // 3/10.5.5, BP 24
static_assert(offsetof(PartitionDescriptor, access_type) == 184);        // 3/10.5.7, BP 184
static_assert(offsetof(PartitionDescriptor, partition_starting_location) == 188);  // 3/10.5.8
static_assert(offsetof(PartitionDescriptor, partition_length) == 192);    // 3/10.5.9, BP 192
static_assert(offsetof(PartitionDescriptor, implementation_use) == 228);  // 3/10.5.11

// ECMA-167 3/10.6: logical volume descriptor, its fixed part; the partition maps
// (3/10.7) follow at BP 440, map_table_length bytes of them.
struct LogicalVolumeDescriptor : Codec<LogicalVolumeDescriptor> {
  static constexpr std::string_view kName = "UDF logical volume descriptor";
  Tag tag;                                       // 3/10.6.1,  BP 0
  base::Le32 volume_descriptor_sequence_number;  // 3/10.6.2,  BP 16
  Charspec descriptor_character_set;             // 3/10.6.3,  BP 20
  base::Bytes<128> logical_volume_identifier;    // 3/10.6.4,  BP 84 (dstring)
  base::Le32 logical_block_size;                 // 3/10.6.5,  BP 212
  Regid domain_identifier;                       // 3/10.6.6,  BP 216 ("*OSTA UDF Compliant")
  LongAd file_set_descriptor_location;           // 3/10.6.7,  BP 248 (UDF 2.2.4.4: long_ad)
  base::Le32 map_table_length;                   // 3/10.6.8,  BP 264
  base::Le32 number_of_partition_maps;           // 3/10.6.9,  BP 268
  Regid implementation_identifier;               // 3/10.6.10, BP 272
  base::Bytes<128> implementation_use;           // 3/10.6.11, BP 304
  ExtentAd integrity_sequence_extent;            // 3/10.6.12, BP 432
};
static_assert(sizeof(LogicalVolumeDescriptor) == 440);
static_assert(offsetof(LogicalVolumeDescriptor, logical_volume_identifier) == 84);      // 3/10.6.4
static_assert(offsetof(LogicalVolumeDescriptor, logical_block_size) == 212);            // 3/10.6.5
static_assert(offsetof(LogicalVolumeDescriptor, domain_identifier) == 216);             // 3/10.6.6
static_assert(offsetof(LogicalVolumeDescriptor, file_set_descriptor_location) == 248);  // 3/10.6.7
static_assert(offsetof(LogicalVolumeDescriptor, map_table_length) == 264);              // 3/10.6.8
static_assert(offsetof(LogicalVolumeDescriptor, number_of_partition_maps) == 268);      // 3/10.6.9
static_assert(offsetof(LogicalVolumeDescriptor, implementation_identifier) == 272);     // 3/10.6.10
static_assert(offsetof(LogicalVolumeDescriptor, integrity_sequence_extent) == 432);     // 3/10.6.12
inline constexpr std::size_t kPartitionMapsOffset = 440;  // 3/10.6.13, BP 440

// ECMA-167 3/10.7.1: the header every partition map starts with.
struct PartitionMapHeader : Codec<PartitionMapHeader> {
  static constexpr std::string_view kName = "UDF partition map";
  std::uint8_t partition_map_type;    // 3/10.7.1.1, BP 0 (1 or 2)
  std::uint8_t partition_map_length;  // 3/10.7.1.2, BP 1
};
static_assert(sizeof(PartitionMapHeader) == 2);

// ECMA-167 3/10.7.2: type 1 partition map.
struct Type1PartitionMap : Codec<Type1PartitionMap> {
  static constexpr std::string_view kName = "UDF type 1 partition map";
  std::uint8_t partition_map_type;    // 3/10.7.2.1, BP 0 = 1
  std::uint8_t partition_map_length;  // 3/10.7.2.2, BP 1 = 6
  base::Le16 volume_sequence_number;  // 3/10.7.2.3, BP 2
  base::Le16 partition_number;        // 3/10.7.2.4, BP 4
  static Type1PartitionMap Make(std::uint16_t partition_number);
};
static_assert(sizeof(Type1PartitionMap) == 6);
static_assert(offsetof(Type1PartitionMap, partition_number) == 4);  // 3/10.7.2.4, BP 4

// ECMA-167 3/10.7.3 as OSTA UDF 2.60 2.2.8-2.2.10 lay it out: type 2 partition map whose
// partition type identifier names the kind; the last 24 bytes depend on it.
inline constexpr std::string_view kVirtualPartitionId = "*UDF Virtual Partition";    // 2.2.8
inline constexpr std::string_view kSparablePartitionId = "*UDF Sparable Partition";  // 2.2.9
inline constexpr std::string_view kMetadataPartitionId = "*UDF Metadata Partition";  // 2.2.10
struct Type2PartitionMap : Codec<Type2PartitionMap> {
  static constexpr std::string_view kName = "UDF type 2 partition map";
  std::uint8_t partition_map_type;    // 3/10.7.3.1, BP 0 = 2
  std::uint8_t partition_map_length;  // 3/10.7.3.2, BP 1 = 64
  base::Bytes<2> reserved1;           // UDF 2.2.8, BP 2
  Regid partition_type_identifier;    // UDF 2.2.8, BP 4
  base::Le16 volume_sequence_number;  // UDF 2.2.8, BP 36
  base::Le16 partition_number;        // UDF 2.2.8, BP 38
  base::Bytes<24> type_specific;      // UDF 2.2.8 (reserved), 2.2.9, 2.2.10: BP 40
};
static_assert(sizeof(Type2PartitionMap) == 64);
static_assert(offsetof(Type2PartitionMap, partition_type_identifier) == 4);  // UDF 2.2.8, BP 4
static_assert(offsetof(Type2PartitionMap, partition_number) == 38);          // UDF 2.2.8, BP 38
static_assert(offsetof(Type2PartitionMap, type_specific) == 40);             // UDF 2.2.8, BP 40
// The bytes of a type 2 map a reader needs before it knows the kind: up to the partition
// number (UDF 2.2.8, BP 0-39).
inline constexpr std::size_t kType2PartitionMapCommonLength = 40;

// OSTA UDF 2.60 2.2.8: virtual partition map.
struct VirtualPartitionMap : Codec<VirtualPartitionMap> {
  static constexpr std::string_view kName = "UDF virtual partition map";
  std::uint8_t partition_map_type;    // BP 0 = 2
  std::uint8_t partition_map_length;  // BP 1 = 64
  base::Bytes<2> reserved1;           // BP 2
  Regid partition_type_identifier;    // BP 4 "*UDF Virtual Partition"
  base::Le16 volume_sequence_number;  // BP 36
  base::Le16 partition_number;        // BP 38
  base::Bytes<24> reserved2;          // BP 40
  static VirtualPartitionMap Make(std::uint16_t partition_number, std::uint16_t udf_revision);
};
static_assert(sizeof(VirtualPartitionMap) == 64);
static_assert(offsetof(VirtualPartitionMap, partition_number) == 38);  // UDF 2.2.8, BP 38

// OSTA UDF 2.60 2.2.9: sparable partition map.
struct SparablePartitionMap : Codec<SparablePartitionMap> {
  static constexpr std::string_view kName = "UDF sparable partition map";
  std::uint8_t partition_map_type;            // BP 0 = 2
  std::uint8_t partition_map_length;          // BP 1 = 64
  base::Bytes<2> reserved1;                   // BP 2
  Regid partition_type_identifier;            // BP 4 "*UDF Sparable Partition"
  base::Le16 volume_sequence_number;          // BP 36
  base::Le16 partition_number;                // BP 38
  base::Le16 packet_length;                   // BP 40 (32 blocks)
  std::uint8_t number_of_sparing_tables;      // BP 42
  std::uint8_t reserved2;                     // BP 43
  base::Le32 size_of_each_sparing_table;      // BP 44
  base::Le32 locations_of_sparing_tables[4];  // BP 48
};
static_assert(sizeof(SparablePartitionMap) == 64);
static_assert(offsetof(SparablePartitionMap, packet_length) == 40);  // UDF 2.2.9, BP 40
static_assert(offsetof(SparablePartitionMap, size_of_each_sparing_table) == 44);   // BP 44
static_assert(offsetof(SparablePartitionMap, locations_of_sparing_tables) == 48);  // BP 48

// OSTA UDF 2.60 2.2.10: metadata partition map.
struct MetadataPartitionMap : Codec<MetadataPartitionMap> {
  static constexpr std::string_view kName = "UDF metadata partition map";
  std::uint8_t partition_map_type;           // BP 0 = 2
  std::uint8_t partition_map_length;         // BP 1 = 64
  base::Bytes<2> reserved1;                  // BP 2
  Regid partition_type_identifier;           // BP 4 "*UDF Metadata Partition"
  base::Le16 volume_sequence_number;         // BP 36
  base::Le16 partition_number;               // BP 38
  base::Le32 metadata_file_location;         // BP 40
  base::Le32 metadata_mirror_file_location;  // BP 44
  base::Le32 metadata_bitmap_file_location;  // BP 48
  base::Le32 allocation_unit_size;           // BP 52
  base::Le16 alignment_unit_size;            // BP 56
  std::uint8_t flags;                        // BP 58 (bit 0: duplicate metadata)
  base::Bytes<5> reserved2;                  // BP 59
};
static_assert(sizeof(MetadataPartitionMap) == 64);
static_assert(offsetof(MetadataPartitionMap, metadata_file_location) == 40);         // UDF 2.2.10
static_assert(offsetof(MetadataPartitionMap, metadata_mirror_file_location) == 44);  // BP 44
static_assert(offsetof(MetadataPartitionMap, metadata_bitmap_file_location) == 48);  // BP 48
static_assert(offsetof(MetadataPartitionMap, alignment_unit_size) == 56);            // BP 56
static_assert(offsetof(MetadataPartitionMap, flags) == 58);                          // BP 58
// The bytes a reader needs of a metadata map: through the mirror file location (BP 0-51
// as the reader has always required; the bitmap location ends at BP 51).
inline constexpr std::size_t kMetadataPartitionMapMinLength = 52;

// ECMA-167 3/10.8: unallocated space descriptor, its fixed part; extent_ads follow.
struct UnallocatedSpaceDescriptor : Codec<UnallocatedSpaceDescriptor> {
  static constexpr std::string_view kName = "UDF unallocated space descriptor";
  Tag tag;                                       // 3/10.8.1, BP 0
  base::Le32 volume_descriptor_sequence_number;  // 3/10.8.2, BP 16
  base::Le32 number_of_allocation_descriptors;   // 3/10.8.3, BP 20
};
static_assert(sizeof(UnallocatedSpaceDescriptor) == 24);
static_assert(offsetof(UnallocatedSpaceDescriptor, number_of_allocation_descriptors) == 20);

// ECMA-167 3/10.9: terminating descriptor.
struct TerminatingDescriptor : Codec<TerminatingDescriptor> {
  static constexpr std::string_view kName = "UDF terminating descriptor";
  Tag tag;                    // 3/10.9.1, BP 0
  base::Bytes<496> reserved;  // 3/10.9.2, BP 16
};
static_assert(sizeof(TerminatingDescriptor) == 512);

// ECMA-167 3/10.10: logical volume integrity descriptor, its fixed part; then the free
// space table and size table (number_of_partitions Le32 each) and the implementation use.
inline constexpr std::uint32_t kIntegrityOpen = 0;  // 3/10.10.3
inline constexpr std::uint32_t kIntegrityClose = 1;
struct LogicalVolumeIntegrityDescriptor : Codec<LogicalVolumeIntegrityDescriptor> {
  static constexpr std::string_view kName = "UDF logical volume integrity descriptor";
  Tag tag;                                      // 3/10.10.1, BP 0
  Timestamp recording_date_and_time;            // 3/10.10.2, BP 16
  base::Le32 integrity_type;                    // 3/10.10.3, BP 28
  ExtentAd next_integrity_extent;               // 3/10.10.4, BP 32
  base::Bytes<32> logical_volume_contents_use;  // 3/10.10.5, BP 40 (UDF 2.2.6.3)
  base::Le32 number_of_partitions;              // 3/10.10.6, BP 72
  base::Le32 length_of_implementation_use;      // 3/10.10.7, BP 76
};
static_assert(sizeof(LogicalVolumeIntegrityDescriptor) == 80);
static_assert(offsetof(LogicalVolumeIntegrityDescriptor, integrity_type) == 28);  // 3/10.10.3
static_assert(offsetof(LogicalVolumeIntegrityDescriptor, logical_volume_contents_use) == 40);
static_assert(offsetof(LogicalVolumeIntegrityDescriptor, number_of_partitions) == 72);  // BP 72
static_assert(offsetof(LogicalVolumeIntegrityDescriptor, length_of_implementation_use) == 76);
inline constexpr std::size_t kLvidTablesOffset = 80;  // 3/10.10.8, BP 80

// OSTA UDF 2.60 2.2.6.4: the LVID's implementation use, its fixed part.
struct LvidImplementationUse : Codec<LvidImplementationUse> {
  static constexpr std::string_view kName = "UDF LVID implementation use";
  Regid implementation_id;                // BP 0
  base::Le32 number_of_files;             // BP 32
  base::Le32 number_of_directories;       // BP 36
  base::Le16 minimum_udf_read_revision;   // BP 40
  base::Le16 minimum_udf_write_revision;  // BP 42
  base::Le16 maximum_udf_write_revision;  // BP 44
};
static_assert(sizeof(LvidImplementationUse) == 46);
static_assert(offsetof(LvidImplementationUse, number_of_files) == 32);            // UDF 2.2.6.4
static_assert(offsetof(LvidImplementationUse, number_of_directories) == 36);      // BP 36
static_assert(offsetof(LvidImplementationUse, minimum_udf_read_revision) == 40);  // BP 40
// The bytes of it a reader needs for the counts (BP 0-39).
inline constexpr std::size_t kLvidImplementationUseCountsLength = 40;

// ECMA-167 1/7.2.12: a dstring field of N bytes holding `text` as 8-bit CS0 (compression
// ID 8), its used length in the last byte. REQUIRES: text.size() < N - 1.
template <std::size_t N>
base::Bytes<N> Dstring8(std::string_view text) {
  base::Bytes<N> out{};
  out.b[0] = 8;
  std::memcpy(out.b + 1, text.data(), text.size());
  out.b[N - 1] = static_cast<std::uint8_t>(text.size() + 1);
  return out;
}

}  // namespace fs::udf

#endif  // MKIMG_FS_UDF_UDF_FORMAT_H_
