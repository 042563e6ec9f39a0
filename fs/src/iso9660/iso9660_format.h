// On-disc structures of ECMA-119 (4th edition, 2019; = ISO 9660:1988 + amendments) that the
// writer emits, in BinaryFormat style: constants and structs made only of byte-array field
// types (alignment 1, no padding), each field with its section and byte positions (BP,
// 1-based as in the standard). No code beyond trivial accessors lives here.
#ifndef MKIMG_FS_ISO9660_ISO9660_FORMAT_H_
#define MKIMG_FS_ISO9660_ISO9660_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "base/block_sink.h"
#include "base/bytes.h"

namespace fs::iso9660 {

// ECMA-119 6.1.2: logical sectors and logical blocks are base::kBlockSize (2048) bytes.
inline constexpr std::uint32_t kSystemAreaBlocks = 16;    // ECMA-119 6.2.1
inline constexpr std::uint32_t kFirstDescriptorLba = 16;  // ECMA-119 6.2.1
inline constexpr char kStandardIdentifier[] = "CD001";    // ECMA-119 8.1.2

// ECMA-119 8.1.1: volume descriptor types.
enum class VolumeDescriptorType : std::uint8_t {
  kBootRecord = 0,
  kPrimary = 1,
  kSupplementary = 2,
  kPartition = 3,
  kTerminator = 255,
};

// ECMA-119 9.1.6: file flags of a directory record.
enum FileFlags : std::uint8_t {
  kFlagHidden = 0x01,       // bit 0, Existence
  kFlagDirectory = 0x02,    // bit 1
  kFlagAssociated = 0x04,   // bit 2
  kFlagMultiExtent = 0x80,  // bit 7: not the final directory record of the file
};

// ECMA-119 9.1: the fixed part of a directory record; the file identifier (BP 34..),
// one padding byte if its length is even (9.1.12), then the system use area (9.1.13).
struct DirectoryRecordHeader {
  std::uint8_t length;                     // 9.1.1,  BP 1
  std::uint8_t extended_attribute_length;  // 9.1.2, BP 2
  base::Both32 extent_location;            // 9.1.3,  BP 3-10
  base::Both32 data_length;                // 9.1.4,  BP 11-18
  base::Bytes<7> recording_date;           // 9.1.5,  BP 19-25 (9.1.5 format)
  std::uint8_t file_flags;                 // 9.1.6,  BP 26
  std::uint8_t file_unit_size;             // 9.1.7,  BP 27
  std::uint8_t interleave_gap_size;        // 9.1.8,  BP 28
  base::Both16 volume_sequence_number;     // 9.1.9,  BP 29-32
  std::uint8_t file_identifier_length;     // 9.1.10, BP 33
};
static_assert(sizeof(DirectoryRecordHeader) == 33);
static_assert(offsetof(DirectoryRecordHeader, extent_location) == 2);
static_assert(offsetof(DirectoryRecordHeader, data_length) == 10);
static_assert(offsetof(DirectoryRecordHeader, recording_date) == 18);
static_assert(offsetof(DirectoryRecordHeader, file_flags) == 25);
static_assert(offsetof(DirectoryRecordHeader, volume_sequence_number) == 28);
static_assert(offsetof(DirectoryRecordHeader, file_identifier_length) == 32);

// The fixed part of the directory record at the front of `rec`. REQUIRES: rec.size() >=
// sizeof(DirectoryRecordHeader) (every caller checks the record's length first).
inline DirectoryRecordHeader ParseRecordHeader(std::span<const std::uint8_t> rec) {
  DirectoryRecordHeader h;
  std::memcpy(&h, rec.data(), sizeof h);
  return h;
}

inline constexpr std::size_t kDirectoryRecordMaxLength = 255;  // 9.1.1: one byte
// The largest data length of one extent that is still a whole number of blocks
// (libisofs ISO_EXTENT_SIZE): 0xFFFFF800 bytes.
inline constexpr std::uint64_t kMaxExtentBytes = 0xFFFFF800ull;
// The root's record in a volume descriptor: 33 bytes + 1-byte identifier 0x00 (8.4.18).
inline constexpr std::size_t kRootRecordLength = 34;

// ECMA-119 9.4: the fixed part of a path table record; then the directory identifier and
// a padding byte if its length is odd (9.4.6). Byte order of the LBA and parent number is
// that of the table: little-endian for the L table, big-endian for the M table.
struct PathTableRecordHeader {
  std::uint8_t directory_identifier_length;  // 9.4.1, BP 1
  std::uint8_t extended_attribute_length;    // 9.4.2, BP 2
  base::Bytes<4> extent_location;            // 9.4.3, BP 3-6
  base::Bytes<2> parent_directory_number;    // 9.4.4, BP 7-8
};
static_assert(sizeof(PathTableRecordHeader) == 8);
static_assert(offsetof(PathTableRecordHeader, parent_directory_number) == 6);

// ECMA-119 8.4.26.1: the 17-byte date and time format of volume descriptors.
struct DecDateTime {
  base::Bytes<4> year;        // BP 1-4, "0001".."9999" (digits)
  base::Bytes<2> month;       // BP 5-6
  base::Bytes<2> day;         // BP 7-8
  base::Bytes<2> hour;        // BP 9-10
  base::Bytes<2> minute;      // BP 11-12
  base::Bytes<2> second;      // BP 13-14
  base::Bytes<2> hundredths;  // BP 15-16
  std::uint8_t gmt_offset;    // BP 17, 15-minute intervals from GMT, signed
};
static_assert(sizeof(DecDateTime) == 17);

// ECMA-119 8.4 (primary) and 8.5 (supplementary, used by Joliet): the two share one
// layout; fields that only an SVD uses (volume flags, escape sequences) are zero in a PVD.
struct VolumeDescriptor {
  std::uint8_t type;                                     // 8.4.1,  BP 1
  base::Bytes<5> standard_identifier;                    // 8.4.2,  BP 2-6 "CD001"
  std::uint8_t version;                                  // 8.4.3,  BP 7 = 1
  std::uint8_t volume_flags;                             // 8.5.3,  BP 8 (PVD: unused, 0)
  base::Bytes<32> system_identifier;                     // 8.4.5,  BP 9-40
  base::Bytes<32> volume_identifier;                     // 8.4.6,  BP 41-72
  base::Bytes<8> unused1;                                // 8.4.7,  BP 73-80
  base::Both32 volume_space_size;                        // 8.4.8,  BP 81-88
  base::Bytes<32> escape_sequences;                      // 8.5.6,  BP 89-120 (PVD: unused, 0)
  base::Both16 volume_set_size;                          // 8.4.10, BP 121-124
  base::Both16 volume_sequence_number;                   // 8.4.11, BP 125-128
  base::Both16 logical_block_size;                       // 8.4.12, BP 129-132
  base::Both32 path_table_size;                          // 8.4.13, BP 133-140
  base::Le32 type_l_path_table;                          // 8.4.14, BP 141-144
  base::Le32 optional_type_l_path_table;                 // 8.4.15, BP 145-148
  base::Be32 type_m_path_table;                          // 8.4.16, BP 149-152
  base::Be32 optional_type_m_path_table;                 // 8.4.17, BP 153-156
  base::Bytes<kRootRecordLength> root_directory_record;  // 8.4.18, BP 157-190
  base::Bytes<128> volume_set_identifier;                // 8.4.19, BP 191-318
  base::Bytes<128> publisher_identifier;                 // 8.4.20, BP 319-446
  base::Bytes<128> data_preparer_identifier;             // 8.4.21, BP 447-574
  base::Bytes<128> application_identifier;               // 8.4.22, BP 575-702
  base::Bytes<37> copyright_file_identifier;             // 8.4.23, BP 703-739
  base::Bytes<37> abstract_file_identifier;              // 8.4.24, BP 740-776
  base::Bytes<37> bibliographic_file_identifier;         // 8.4.25, BP 777-813
  DecDateTime creation;                                  // 8.4.26, BP 814-830
  DecDateTime modification;                              // 8.4.27, BP 831-847
  DecDateTime expiration;                                // 8.4.28, BP 848-864
  DecDateTime effective;                                 // 8.4.29, BP 865-881
  std::uint8_t file_structure_version;                   // 8.4.30, BP 882 = 1
  std::uint8_t reserved1;                                // 8.4.31, BP 883
  base::Bytes<512> application_use;                      // 8.4.32, BP 884-1395
  base::Bytes<653> reserved2;                            // 8.4.33, BP 1396-2048
};
static_assert(sizeof(VolumeDescriptor) == base::kBlockSize);
static_assert(offsetof(VolumeDescriptor, system_identifier) == 8);
static_assert(offsetof(VolumeDescriptor, volume_identifier) == 40);
static_assert(offsetof(VolumeDescriptor, volume_space_size) == 80);
static_assert(offsetof(VolumeDescriptor, escape_sequences) == 88);
static_assert(offsetof(VolumeDescriptor, logical_block_size) == 128);
static_assert(offsetof(VolumeDescriptor, path_table_size) == 132);
static_assert(offsetof(VolumeDescriptor, type_l_path_table) == 140);
static_assert(offsetof(VolumeDescriptor, type_m_path_table) == 148);
static_assert(offsetof(VolumeDescriptor, root_directory_record) == 156);
static_assert(offsetof(VolumeDescriptor, volume_set_identifier) == 190);
static_assert(offsetof(VolumeDescriptor, publisher_identifier) == 318);
static_assert(offsetof(VolumeDescriptor, application_identifier) == 574);
static_assert(offsetof(VolumeDescriptor, copyright_file_identifier) == 702);
static_assert(offsetof(VolumeDescriptor, creation) == 813);
static_assert(offsetof(VolumeDescriptor, file_structure_version) == 881);
static_assert(offsetof(VolumeDescriptor, application_use) == 883);

// ECMA-119 6.8.2.1: at most 8 levels of directories; 6.8.2.1 / 7.4 (levels 1, 2): a path
// of at most 255 characters. 9.4.4: directory numbers in a path table are 16-bit.
inline constexpr int kMaxDirectoryLevels = 8;
inline constexpr std::size_t kMaxPathLength = 255;
inline constexpr std::size_t kMaxDirectories = 65535;

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_ISO9660_FORMAT_H_
