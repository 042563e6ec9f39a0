// Encoders for the ECMA-119 structures of iso9660_format.h: dates (8.4.26.1, 9.1.5),
// directory records (9.1), path table records (9.4), volume descriptors (8.4, 8.5, 8.3).
// Each returns or appends bytes; the planner and emitter decide where they go. Joliet
// reuses them with UCS-2 identifiers (its supplementary descriptor has the PVD layout).
#ifndef MKIMG_FS_ISO9660_ENCODE_H_
#define MKIMG_FS_ISO9660_ENCODE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/block_sink.h"
#include "fs/tree.h"
#include "iso9660/iso9660_format.h"

namespace fs::iso9660 {

// A UTC calendar time, from seconds since the epoch (proleptic Gregorian, no time zone).
struct CivilTime {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};
CivilTime ToCivilTime(std::int64_t seconds);

// ECMA-119 8.4.26.1: "YYYYMMDDHHMMSScc" + GMT offset 0. Years outside 1..9999 clamp to it.
DecDateTime EncodeDecDateTime(const Timestamp& t);
// ECMA-119 8.4.26.1: "not specified": sixteen '0' digits and offset 0.
DecDateTime UnsetDecDateTime();
// ECMA-119 9.1.5: years since 1900 (clamped to 1900..2155), month, day, hour, minute,
// second, GMT offset 0.
std::array<std::uint8_t, 7> EncodeRecordingDate(const Timestamp& t);

// ECMA-119 9.1: what a directory record says about its file section.
struct DirectoryRecordFields {
  std::uint32_t extent_location = 0;
  std::uint32_t data_length = 0;
  Timestamp recording_date;
  std::uint8_t file_flags = 0;
};

// Length of a record without its system use area: 33 + identifier + padding (9.1.12).
inline std::size_t DirectoryRecordBaseLength(std::size_t identifier_length) {
  return 33 + identifier_length + (identifier_length % 2 == 0 ? 1 : 0);
}
// Length of a whole record; a final zero byte keeps it even (9.1.1, SUSP 5.3 padding).
inline std::size_t DirectoryRecordLength(std::size_t identifier_length,
                                         std::size_t system_use_length) {
  std::size_t n = DirectoryRecordBaseLength(identifier_length) + system_use_length;
  return n + (n % 2);
}

// Appends one directory record. REQUIRES: the record fits in 255 bytes.
void AppendDirectoryRecord(const DirectoryRecordFields& fields,
                           std::span<const std::uint8_t> identifier,
                           std::span<const std::uint8_t> system_use,
                           std::vector<std::uint8_t>* out);

enum class PathTableType { kL, kM };  // 9.4.3: little-endian (L) or big-endian (M) numbers

// ECMA-119 9.4: length of a path table record with an identifier of n bytes.
inline std::size_t PathTableRecordLength(std::size_t identifier_length) {
  return 8 + identifier_length + (identifier_length % 2);
}
void AppendPathTableRecord(PathTableType type, std::uint32_t extent_location,
                           std::uint16_t parent_directory_number,
                           std::span<const std::uint8_t> identifier,
                           std::vector<std::uint8_t>* out);

// The contents of a primary (8.4) or supplementary (8.5) volume descriptor. Identifier
// fields hold already encoded bytes: a-/d-characters, or UCS-2 big-endian for Joliet.
struct VolumeDescriptorFields {
  VolumeDescriptorType type = VolumeDescriptorType::kPrimary;
  bool ucs2 = false;             // pad identifiers with U+0020 instead of ' '
  std::string escape_sequences;  // 8.5.6, e.g. "%/E" for Joliet UCS-2 level 3
  std::string system_identifier;
  std::string volume_identifier;
  std::string volume_set_identifier;
  std::string publisher_identifier;
  std::string data_preparer_identifier;
  std::string application_identifier;
  std::uint32_t volume_space_size = 0;
  std::uint32_t path_table_size = 0;
  std::uint32_t type_l_path_table = 0;
  std::uint32_t type_m_path_table = 0;
  std::array<std::uint8_t, kRootRecordLength> root_directory_record{};
  Timestamp time;  // creation and modification; expiration and effective are unset
};
std::array<std::uint8_t, base::kBlockSize> EncodeVolumeDescriptor(const VolumeDescriptorFields& f);
// ECMA-119 8.3: the volume descriptor set terminator.
std::array<std::uint8_t, base::kBlockSize> EncodeTerminator();

// a-characters (7.4.1): upper-case letters, digits, '_' and  !"%&'()*+,-./:;<=>?  and
// space. Lower-case letters are upper-cased, anything else becomes '_'.
std::string ToACharacters(std::string_view s, std::size_t max_length);
bool IsDCharacter(char c);  // 7.4.1: A-Z 0-9 _

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_ENCODE_H_
