// Encoders for ECMA-119 dates, directory records, path table records and volume
// descriptors (sections 8.3, 8.4, 8.5, 9.1, 9.4 of ECMA-119 4th edition).
#include "iso9660/encode.h"

#include <algorithm>
#include <cstring>

#include "base/block_sink.h"
#include "base/civil_time.h"
#include "base/error.h"

namespace fs::iso9660 {
namespace {

template <std::size_t N>
void PutDigits(base::Bytes<N>* field, std::int64_t value) {
  for (std::size_t i = N; i-- > 0;) {
    field->b[i] = static_cast<std::uint8_t>('0' + value % 10);
    value /= 10;
  }
}

template <std::size_t N>
void PutIdentifier(base::Bytes<N>* field, std::string_view s, bool ucs2) {
  std::size_t k = std::min(s.size(), N);
  if (ucs2) k -= k % 2;
  std::memcpy(field->b, s.data(), k);
  for (std::size_t i = k; i < N; ++i) {
    // U+0020 in UCS-2 big-endian is 00 20 (libisofs ucsncpy_pad does the same).
    field->b[i] = ucs2 ? static_cast<std::uint8_t>((i - k) % 2 == 0 ? 0x00 : 0x20) : ' ';
  }
}

}  // namespace

CivilTime ToCivilTime(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  CivilTime t;
  const base::CivilDate date = base::CivilFromDays(days);
  t.year = date.year;
  t.month = static_cast<int>(date.month);
  t.day = static_cast<int>(date.day);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem / 60 % 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

DecDateTime EncodeDecDateTime(const Timestamp& ts) {
  CivilTime t = ToCivilTime(ts.seconds);
  std::int64_t hundredths = ts.nanoseconds / 10000000;
  if (t.year < 1) t = CivilTime{1, 1, 1, 0, 0, 0}, hundredths = 0;
  if (t.year > 9999) t = CivilTime{9999, 12, 31, 23, 59, 59}, hundredths = 99;
  DecDateTime d{};
  PutDigits(&d.year, t.year);
  PutDigits(&d.month, t.month);
  PutDigits(&d.day, t.day);
  PutDigits(&d.hour, t.hour);
  PutDigits(&d.minute, t.minute);
  PutDigits(&d.second, t.second);
  PutDigits(&d.hundredths, hundredths);
  d.gmt_offset = 0;
  return d;
}

DecDateTime UnsetDecDateTime() {
  DecDateTime d{};
  std::memset(&d, '0', 16);
  d.gmt_offset = 0;
  return d;
}

std::array<std::uint8_t, 7> EncodeRecordingDate(const Timestamp& ts) {
  CivilTime t = ToCivilTime(ts.seconds);
  if (t.year < 1900) t = CivilTime{1900, 1, 1, 0, 0, 0};
  if (t.year > 2155) t = CivilTime{2155, 12, 31, 23, 59, 59};
  return {static_cast<std::uint8_t>(t.year - 1900),
          static_cast<std::uint8_t>(t.month),
          static_cast<std::uint8_t>(t.day),
          static_cast<std::uint8_t>(t.hour),
          static_cast<std::uint8_t>(t.minute),
          static_cast<std::uint8_t>(t.second),
          0};
}

void AppendDirectoryRecord(const DirectoryRecordFields& fields,
                           std::span<const std::uint8_t> identifier,
                           std::span<const std::uint8_t> system_use,
                           std::vector<std::uint8_t>* out) {
  const std::size_t length = DirectoryRecordLength(identifier.size(), system_use.size());
  CHECK(length <= kDirectoryRecordMaxLength && !identifier.empty());
  DirectoryRecordHeader h{};
  h.length = static_cast<std::uint8_t>(length);
  h.extended_attribute_length = 0;
  h.extent_location.set(fields.extent_location);
  h.data_length.set(fields.data_length);
  std::array<std::uint8_t, 7> date = EncodeRecordingDate(fields.recording_date);
  std::memcpy(h.recording_date.b, date.data(), date.size());
  h.file_flags = fields.file_flags;
  h.file_unit_size = 0;
  h.interleave_gap_size = 0;
  h.volume_sequence_number.set(1);
  h.file_identifier_length = static_cast<std::uint8_t>(identifier.size());
  const std::size_t start = out->size();
  out->resize(start + length, 0);
  std::uint8_t* p = out->data() + start;
  std::memcpy(p, &h, sizeof h);
  std::memcpy(p + sizeof h, identifier.data(), identifier.size());
  if (!system_use.empty()) {
    std::memcpy(p + DirectoryRecordBaseLength(identifier.size()), system_use.data(),
                system_use.size());
  }
}

void AppendPathTableRecord(PathTableType type, std::uint32_t extent_location,
                           std::uint16_t parent_directory_number,
                           std::span<const std::uint8_t> identifier,
                           std::vector<std::uint8_t>* out) {
  CHECK(!identifier.empty() && identifier.size() <= 255);
  PathTableRecordHeader h{};
  h.directory_identifier_length = static_cast<std::uint8_t>(identifier.size());
  h.extended_attribute_length = 0;
  if (type == PathTableType::kL) {
    base::StoreLe32(h.extent_location.b, extent_location);
    base::StoreLe16(h.parent_directory_number.b, parent_directory_number);
  } else {
    base::StoreBe32(h.extent_location.b, extent_location);
    base::StoreBe16(h.parent_directory_number.b, parent_directory_number);
  }
  const std::size_t start = out->size();
  out->resize(start + PathTableRecordLength(identifier.size()), 0);
  std::memcpy(out->data() + start, &h, sizeof h);
  std::memcpy(out->data() + start + sizeof h, identifier.data(), identifier.size());
}

std::array<std::uint8_t, base::kBlockSize> EncodeVolumeDescriptor(const VolumeDescriptorFields& f) {
  VolumeDescriptor d{};
  d.type = static_cast<std::uint8_t>(f.type);
  std::memcpy(d.standard_identifier.b, kStandardIdentifier, 5);
  d.version = 1;
  PutIdentifier(&d.system_identifier, f.system_identifier, f.ucs2);
  PutIdentifier(&d.volume_identifier, f.volume_identifier, f.ucs2);
  d.volume_space_size.set(f.volume_space_size);
  CHECK(f.escape_sequences.size() <= sizeof d.escape_sequences);
  std::memcpy(d.escape_sequences.b, f.escape_sequences.data(), f.escape_sequences.size());
  d.volume_set_size.set(1);
  d.volume_sequence_number.set(1);
  d.logical_block_size.set(static_cast<std::uint16_t>(base::kBlockSize));
  d.path_table_size.set(f.path_table_size);
  d.type_l_path_table.set(f.type_l_path_table);
  d.type_m_path_table.set(f.type_m_path_table);
  std::memcpy(d.root_directory_record.b, f.root_directory_record.data(), kRootRecordLength);
  PutIdentifier(&d.volume_set_identifier, f.volume_set_identifier, f.ucs2);
  PutIdentifier(&d.publisher_identifier, f.publisher_identifier, f.ucs2);
  PutIdentifier(&d.data_preparer_identifier, f.data_preparer_identifier, f.ucs2);
  PutIdentifier(&d.application_identifier, f.application_identifier, f.ucs2);
  PutIdentifier(&d.copyright_file_identifier, "", f.ucs2);
  PutIdentifier(&d.abstract_file_identifier, "", f.ucs2);
  PutIdentifier(&d.bibliographic_file_identifier, "", f.ucs2);
  d.creation = EncodeDecDateTime(f.time);
  d.modification = EncodeDecDateTime(f.time);
  d.expiration = UnsetDecDateTime();
  d.effective = UnsetDecDateTime();
  d.file_structure_version = 1;
  std::array<std::uint8_t, base::kBlockSize> out{};
  std::memcpy(out.data(), &d, sizeof d);
  return out;
}

std::array<std::uint8_t, base::kBlockSize> EncodeTerminator() {
  std::array<std::uint8_t, base::kBlockSize> out{};
  out[0] = static_cast<std::uint8_t>(VolumeDescriptorType::kTerminator);
  std::memcpy(out.data() + 1, kStandardIdentifier, 5);
  out[6] = 1;
  return out;
}

bool IsDCharacter(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

std::string ToACharacters(std::string_view s, std::size_t max_length) {
  static constexpr std::string_view kOther = " !\"%&'()*+,-./:;<=>?";
  std::string out;
  for (char c : s) {
    if (out.size() == max_length) break;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!IsDCharacter(c) && kOther.find(c) == std::string_view::npos) c = '_';
    out.push_back(c);
  }
  return out;
}

}  // namespace fs::iso9660
