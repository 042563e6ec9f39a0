// The file structures of ECMA-167 3rd edition part 4 and the OSTA UDF 2.60 virtual
// allocation table, in the style of udf_format.h (which has the basic types they are made
// of): file set descriptor, ICB tag, file entry and extended file entry, file identifier
// descriptor, allocation extent descriptor, symbolic link path components, the VAT header
// and the UDF 1.50 VAT trailer. specs/udf.md lists them and the tests that prove them.
#ifndef MKIMG_FS_UDF_UDF_FILE_FORMAT_H_
#define MKIMG_FS_UDF_UDF_FILE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "udf/udf_format.h"

namespace fs::udf {

// ECMA-167 4/14.1: file set descriptor.
struct FileSetDescriptor : Codec<FileSetDescriptor> {
  static constexpr std::string_view kName = "UDF file set descriptor";
  Tag tag;                                           // 4/14.1.1,  BP 0
  Timestamp recording_date_and_time;                 // 4/14.1.2,  BP 16
  base::Le16 interchange_level;                      // 4/14.1.3,  BP 28
  base::Le16 maximum_interchange_level;              // 4/14.1.4,  BP 30
  base::Le32 character_set_list;                     // 4/14.1.5,  BP 32
  base::Le32 maximum_character_set_list;             // 4/14.1.6,  BP 36
  base::Le32 file_set_number;                        // 4/14.1.7,  BP 40
  base::Le32 file_set_descriptor_number;             // 4/14.1.8,  BP 44
  Charspec logical_volume_identifier_character_set;  // 4/14.1.9, BP 48
  base::Bytes<128> logical_volume_identifier;        // 4/14.1.10, BP 112 (dstring)
  Charspec file_set_character_set;                   // 4/14.1.11, BP 240
  base::Bytes<32> file_set_identifier;               // 4/14.1.12, BP 304 (dstring)
  base::Bytes<32> copyright_file_identifier;         // 4/14.1.13, BP 336
  base::Bytes<32> abstract_file_identifier;          // 4/14.1.14, BP 368
  LongAd root_directory_icb;                         // 4/14.1.15, BP 400
  Regid domain_identifier;                           // 4/14.1.16, BP 416
  LongAd next_extent;                                // 4/14.1.17, BP 448
  LongAd system_stream_directory_icb;                // 4/14.1.18, BP 464
  base::Bytes<32> reserved;                          // 4/14.1.19, BP 480
};
static_assert(sizeof(FileSetDescriptor) == 512);
static_assert(offsetof(FileSetDescriptor, interchange_level) == 28);  // 4/14.1.3
static_assert(offsetof(FileSetDescriptor, logical_volume_identifier_character_set) == 48);
static_assert(offsetof(FileSetDescriptor, logical_volume_identifier) == 112);    // 4/14.1.10
static_assert(offsetof(FileSetDescriptor, file_set_character_set) == 240);       // 4/14.1.11
static_assert(offsetof(FileSetDescriptor, file_set_identifier) == 304);          // 4/14.1.12
static_assert(offsetof(FileSetDescriptor, root_directory_icb) == 400);           // 4/14.1.15
static_assert(offsetof(FileSetDescriptor, domain_identifier) == 416);            // 4/14.1.16
static_assert(offsetof(FileSetDescriptor, next_extent) == 448);                  // 4/14.1.17
static_assert(offsetof(FileSetDescriptor, system_stream_directory_icb) == 464);  // 4/14.1.18

// ECMA-167 4/14.6: ICB tag.
struct IcbTag : Codec<IcbTag> {
  static constexpr std::string_view kName = "UDF ICB tag";
  base::Le32 prior_recorded_number_of_direct_entries;  // 4/14.6.1, BP 0
  base::Le16 strategy_type;                            // 4/14.6.2, BP 4
  base::Bytes<2> strategy_parameter;                   // 4/14.6.3, BP 6
  base::Le16 maximum_number_of_entries;                // 4/14.6.4, BP 8
  std::uint8_t reserved;                               // 4/14.6.5, BP 10
  std::uint8_t file_type;                              // 4/14.6.6, BP 11
  LbAddr parent_icb_location;                          // 4/14.6.7, BP 12
  base::Le16 flags;                                    // 4/14.6.8, BP 18
  AdType ad_type() const { return static_cast<AdType>(flags.get() & 7); }
};
static_assert(sizeof(IcbTag) == 20);
static_assert(offsetof(IcbTag, strategy_type) == 4);         // 4/14.6.2, BP 4
static_assert(offsetof(IcbTag, file_type) == 11);            // 4/14.6.6, BP 11
static_assert(offsetof(IcbTag, parent_icb_location) == 12);  // 4/14.6.7, BP 12
static_assert(offsetof(IcbTag, flags) == 18);                // 4/14.6.8, BP 18

// ECMA-167 4/14.9: file entry, its fixed part; extended attributes (L_EA bytes) and then
// allocation descriptors (L_AD bytes) follow at BP 176.
struct FileEntry : Codec<FileEntry> {
  static constexpr std::string_view kName = "UDF file entry";
  Tag tag;                                      // 4/14.9.1,  BP 0
  IcbTag icb_tag;                               // 4/14.9.2,  BP 16
  base::Le32 uid;                               // 4/14.9.3,  BP 36
  base::Le32 gid;                               // 4/14.9.4,  BP 40
  base::Le32 permissions;                       // 4/14.9.5,  BP 44
  base::Le16 file_link_count;                   // 4/14.9.6,  BP 48
  std::uint8_t record_format;                   // 4/14.9.7,  BP 50
  std::uint8_t record_display_attributes;       // 4/14.9.8,  BP 51
  base::Le32 record_length;                     // 4/14.9.9,  BP 52
  base::Le64 information_length;                // 4/14.9.10, BP 56
  base::Le64 logical_blocks_recorded;           // 4/14.9.11, BP 64
  Timestamp access_date_and_time;               // 4/14.9.12, BP 72
  Timestamp modification_date_and_time;         // 4/14.9.13, BP 84
  Timestamp attribute_date_and_time;            // 4/14.9.14, BP 96
  base::Le32 checkpoint;                        // 4/14.9.15, BP 108
  LongAd extended_attribute_icb;                // 4/14.9.16, BP 112
  Regid implementation_identifier;              // 4/14.9.17, BP 128
  base::Le64 unique_id;                         // 4/14.9.18, BP 160
  base::Le32 length_of_extended_attributes;     // 4/14.9.19, BP 168
  base::Le32 length_of_allocation_descriptors;  // 4/14.9.20, BP 172
};
static_assert(sizeof(FileEntry) == 176);
static_assert(offsetof(FileEntry, icb_tag) == 16);                            // 4/14.9.2
static_assert(offsetof(FileEntry, uid) == 36);                                // 4/14.9.3
static_assert(offsetof(FileEntry, permissions) == 44);                        // 4/14.9.5
static_assert(offsetof(FileEntry, file_link_count) == 48);                    // 4/14.9.6
static_assert(offsetof(FileEntry, information_length) == 56);                 // 4/14.9.10
static_assert(offsetof(FileEntry, modification_date_and_time) == 84);         // 4/14.9.13
static_assert(offsetof(FileEntry, extended_attribute_icb) == 112);            // 4/14.9.16
static_assert(offsetof(FileEntry, unique_id) == 160);                         // 4/14.9.18
static_assert(offsetof(FileEntry, length_of_extended_attributes) == 168);     // 4/14.9.19
static_assert(offsetof(FileEntry, length_of_allocation_descriptors) == 172);  // 4/14.9.20

// ECMA-167 4/14.17: extended file entry, its fixed part; EAs and ADs follow at BP 216.
struct ExtendedFileEntry : Codec<ExtendedFileEntry> {
  static constexpr std::string_view kName = "UDF extended file entry";
  Tag tag;                                      // 4/14.17.1,  BP 0
  IcbTag icb_tag;                               // 4/14.17.2,  BP 16
  base::Le32 uid;                               // 4/14.17.3,  BP 36
  base::Le32 gid;                               // 4/14.17.4,  BP 40
  base::Le32 permissions;                       // 4/14.17.5,  BP 44
  base::Le16 file_link_count;                   // 4/14.17.6,  BP 48
  std::uint8_t record_format;                   // 4/14.17.7,  BP 50
  std::uint8_t record_display_attributes;       // 4/14.17.8,  BP 51
  base::Le32 record_length;                     // 4/14.17.9,  BP 52
  base::Le64 information_length;                // 4/14.17.10, BP 56
  base::Le64 object_size;                       // 4/14.17.11, BP 64
  base::Le64 logical_blocks_recorded;           // 4/14.17.12, BP 72
  Timestamp access_date_and_time;               // 4/14.17.13, BP 80
  Timestamp modification_date_and_time;         // 4/14.17.14, BP 92
  Timestamp creation_date_and_time;             // 4/14.17.15, BP 104
  Timestamp attribute_date_and_time;            // 4/14.17.16, BP 116
  base::Le32 checkpoint;                        // 4/14.17.17, BP 128
  base::Le32 reserved;                          // 4/14.17.18, BP 132
  LongAd extended_attribute_icb;                // 4/14.17.19, BP 136
  LongAd stream_directory_icb;                  // 4/14.17.20, BP 152
  Regid implementation_identifier;              // 4/14.17.21, BP 168
  base::Le64 unique_id;                         // 4/14.17.22, BP 200
  base::Le32 length_of_extended_attributes;     // 4/14.17.23, BP 208
  base::Le32 length_of_allocation_descriptors;  // 4/14.17.24, BP 212
};
static_assert(sizeof(ExtendedFileEntry) == 216);
static_assert(offsetof(ExtendedFileEntry, information_length) == 56);                 // 4/14.17.10
static_assert(offsetof(ExtendedFileEntry, object_size) == 64);                        // 4/14.17.11
static_assert(offsetof(ExtendedFileEntry, modification_date_and_time) == 92);         // 4/14.17.14
static_assert(offsetof(ExtendedFileEntry, creation_date_and_time) == 104);            // 4/14.17.15
static_assert(offsetof(ExtendedFileEntry, stream_directory_icb) == 152);              // 4/14.17.20
static_assert(offsetof(ExtendedFileEntry, implementation_identifier) == 168);         // 4/14.17.21
static_assert(offsetof(ExtendedFileEntry, length_of_extended_attributes) == 208);     // 4/14.17.23
static_assert(offsetof(ExtendedFileEntry, length_of_allocation_descriptors) == 212);  // 4/14.17.24

// The fields a reader takes from either kind of file entry (4/14.9 or 4/14.17).
struct FileEntryFields {
  IcbTag icb_tag;
  std::uint32_t uid = 0, gid = 0, permissions = 0;
  std::uint16_t file_link_count = 0;
  std::uint64_t information_length = 0;
  Timestamp modification_date_and_time;
  std::uint64_t unique_id = 0;
  std::uint32_t length_of_extended_attributes = 0;
  std::uint32_t length_of_allocation_descriptors = 0;
  std::size_t header_length = 0;  // 176 or 216: where the extended attributes start
};
// Reads a file entry (tag identifier 261) or extended file entry (266) from `block`;
// kCorruptImage (from Parse) when it is shorter than the fixed part.
base::Expected<FileEntryFields> ParseFileEntryFields(std::span<const std::uint8_t> block,
                                                     std::uint16_t tag_identifier);

// ECMA-167 4/14.4: file identifier descriptor, its fixed part; the implementation use
// (L_IU bytes), the file identifier (L_FI bytes) and padding to a multiple of 4 follow.
struct FileIdentifierDescriptor : Codec<FileIdentifierDescriptor> {
  static constexpr std::string_view kName = "UDF file identifier descriptor";
  Tag tag;                                  // 4/14.4.1, BP 0
  base::Le16 file_version_number;           // 4/14.4.2, BP 16
  std::uint8_t file_characteristics;        // 4/14.4.3, BP 18
  std::uint8_t length_of_file_identifier;   // 4/14.4.4, BP 19
  LongAd icb;                               // 4/14.4.5, BP 20
  base::Le16 length_of_implementation_use;  // 4/14.4.6, BP 36
  // 4/14.4: the whole descriptor's length, padded to a multiple of 4 (4/14.4.9).
  std::size_t PaddedLength() const {
    return (sizeof(FileIdentifierDescriptor) + length_of_implementation_use.get() +
            length_of_file_identifier + 3u) &
           ~std::size_t{3};
  }
};
static_assert(sizeof(FileIdentifierDescriptor) == 38);
static_assert(offsetof(FileIdentifierDescriptor, file_characteristics) == 18);          // 4/14.4.3
static_assert(offsetof(FileIdentifierDescriptor, length_of_file_identifier) == 19);     // 4/14.4.4
static_assert(offsetof(FileIdentifierDescriptor, icb) == 20);                           // 4/14.4.5
static_assert(offsetof(FileIdentifierDescriptor, length_of_implementation_use) == 36);  // 4/14.4.6

// ECMA-167 4/14.5: allocation extent descriptor, its fixed part; ADs follow at BP 24.
struct AllocationExtentDescriptor : Codec<AllocationExtentDescriptor> {
  static constexpr std::string_view kName = "UDF allocation extent descriptor";
  Tag tag;                                         // 4/14.5.1, BP 0
  base::Le32 previous_allocation_extent_location;  // 4/14.5.2, BP 16
  base::Le32 length_of_allocation_descriptors;     // 4/14.5.3, BP 20
};
static_assert(sizeof(AllocationExtentDescriptor) == 24);
static_assert(offsetof(AllocationExtentDescriptor, length_of_allocation_descriptors) == 20);

// ECMA-167 4/14.10.1: extended attribute header descriptor, first in a file entry's
// extended attributes space (L_EA bytes at BP 176 or 216).
struct ExtendedAttributeHeaderDescriptor : Codec<ExtendedAttributeHeaderDescriptor> {
  static constexpr std::string_view kName = "UDF extended attribute header descriptor";
  Tag tag;                                        // 4/14.10.1.1, BP 0 (identifier 262)
  base::Le32 implementation_attributes_location;  // 4/14.10.1.2, BP 16
  base::Le32 application_attributes_location;     // 4/14.10.1.3, BP 20
};
static_assert(sizeof(ExtendedAttributeHeaderDescriptor) == 24);
static_assert(offsetof(ExtendedAttributeHeaderDescriptor, application_attributes_location) == 20);

// ECMA-167 4/14.10.7: device specification extended attribute (type 12, subtype 1), which
// UDF 3.3.4.4 requires for block and character special files; implementation use follows.
struct DeviceSpecificationAttribute : Codec<DeviceSpecificationAttribute> {
  static constexpr std::string_view kName = "UDF device specification extended attribute";
  base::Le32 attribute_type;               // 4/14.10.7.1, BP 0: 12
  std::uint8_t attribute_subtype;          // 4/14.10.7.2, BP 4: 1
  base::Bytes<3> reserved;                 // 4/14.10.7.3, BP 5
  base::Le32 attribute_length;             // 4/14.10.7.4, BP 8: 24 + IU_L
  base::Le32 implementation_use_length;    // 4/14.10.7.5, BP 12
  base::Le32 major_device_identification;  // 4/14.10.7.6, BP 16
  base::Le32 minor_device_identification;  // 4/14.10.7.7, BP 20
};
static_assert(sizeof(DeviceSpecificationAttribute) == 24);
static_assert(offsetof(DeviceSpecificationAttribute, attribute_length) == 8);
static_assert(offsetof(DeviceSpecificationAttribute, major_device_identification) == 16);
inline constexpr std::uint32_t kDeviceSpecificationType = 12;

// ECMA-167 4/14.16.1: a path component of a symbolic link; the identifier follows.
struct PathComponent : Codec<PathComponent> {
  static constexpr std::string_view kName = "UDF path component";
  std::uint8_t component_type;                  // 4/14.16.1.1, BP 0
  std::uint8_t length_of_component_identifier;  // 4/14.16.1.2, BP 1
  base::Le16 component_file_version_number;     // 4/14.16.1.3, BP 2
};
static_assert(sizeof(PathComponent) == 4);

// OSTA UDF 2.60 2.2.11: the virtual allocation table's header (2.00 and later); the
// implementation use and then the Le32 entries follow.
struct VatHeader : Codec<VatHeader> {
  static constexpr std::string_view kName = "UDF virtual allocation table header";
  base::Le16 length_of_header;                 // BP 0
  base::Le16 length_of_implementation_use;     // BP 2
  base::Bytes<128> logical_volume_identifier;  // BP 4 (dstring)
  base::Le32 previous_vat_icb_location;        // BP 132
  base::Le32 number_of_files;                  // BP 136
  base::Le32 number_of_directories;            // BP 140
  base::Le16 minimum_udf_read_revision;        // BP 144
  base::Le16 minimum_udf_write_revision;       // BP 146
  base::Le16 maximum_udf_write_revision;       // BP 148
  base::Bytes<2> reserved;                     // BP 150
};
static_assert(sizeof(VatHeader) == 152);
static_assert(offsetof(VatHeader, previous_vat_icb_location) == 132);  // UDF 2.2.11, BP 132
static_assert(offsetof(VatHeader, number_of_files) == 136);            // BP 136
static_assert(offsetof(VatHeader, number_of_directories) == 140);      // BP 140
static_assert(offsetof(VatHeader, minimum_udf_read_revision) == 144);  // BP 144

// OSTA UDF 1.50 2.2.10: the trailer after a 1.50 VAT's entries.
inline constexpr std::string_view kVat150Id = "*UDF Virtual Alloc Tbl";
struct Vat150Trailer : Codec<Vat150Trailer> {
  static constexpr std::string_view kName = "UDF 1.50 virtual allocation table trailer";
  Regid vat_identifier;                  // BP 0 "*UDF Virtual Alloc Tbl"
  base::Le32 previous_vat_icb_location;  // BP 32
};
static_assert(sizeof(Vat150Trailer) == 36);
static_assert(offsetof(Vat150Trailer, previous_vat_icb_location) == 32);  // UDF 1.50 2.2.10

}  // namespace fs::udf

#endif  // MKIMG_FS_UDF_UDF_FILE_FORMAT_H_
