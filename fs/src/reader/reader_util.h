// Helpers shared by the image readers: zero-copy access to an image's bytes through a
// base::BlockDevice, the ECMA-119 date formats (9.1.5 seven-byte recording dates and 8.4.26.1
// seventeen-byte volume dates), the ECMA-167 1/7.3 timestamp, civil-date arithmetic,
// and the text cleanup used for identifiers (a- and d-characters padded with spaces).
#ifndef MKIMG_FS_READER_READER_UTIL_H_
#define MKIMG_FS_READER_READER_UTIL_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "fs/image_reader.h"
#include "fs/tree.h"

namespace fs::reader {

// Returns [offset, offset + length) of the device: a view when it has one, else the bytes
// read into *buffer. kCorruptImage "LBA n: WHAT extends beyond the end of the image" when
// the range is not inside the device.
base::Expected<std::span<const std::uint8_t>> Bytes(const base::BlockDevice& device,
                                                    std::uint64_t offset, std::uint64_t length,
                                                    std::string_view what,
                                                    std::vector<std::uint8_t>* buffer);

using base::LbaWhere;  // "LBA n"

// ECMA-119 9.1.5: years since 1900, month, day, hour, minute, second, GMT offset in
// 15-minute units. nullopt when the fields are out of range.
std::optional<Timestamp> DecodeRecordingTime(std::span<const std::uint8_t> seven);
// ECMA-119 8.4.26.1: "YYYYMMDDHHMMSScc" digits and a GMT offset. nullopt when unset
// (all zeros) or malformed.
std::optional<Timestamp> DecodeVolumeTime(std::span<const std::uint8_t> seventeen);
// ECMA-167 1/7.3 (udf::Timestamp): type and time zone, year, month, day, hour, minute, second,
// centiseconds, hundreds of microseconds, microseconds.
std::optional<Timestamp> DecodeUdfTime(std::span<const std::uint8_t> twelve);

// "2026-01-01T00:00:00Z".
std::string FormatIso8601(const Timestamp& t);
// "2026-01-01 00:00" (UTC), as ls -l prints it.
void AppendListingTime(const Timestamp& t, std::string* out);

// Bytes with trailing spaces and NULs removed; control characters shown as '?'.
std::string TrimIdentifier(std::span<const std::uint8_t> field);
// UCS-2 big-endian (Joliet) to UTF-8, trailing spaces/NULs removed; unpaired surrogates
// become U+FFFD.
std::string Ucs2BeToUtf8(std::span<const std::uint8_t> field, bool trim);

// The components of a path in an image ("/a//./b/" -> "a", "b"): empty and "." parts
// dropped. ".." is kept as a name (readers never produce it, so it is never found).
std::vector<std::string_view> SplitImagePath(std::string_view path);

// True when `name` can be a file name in a tree: not empty, not "." or "..", no '/' and
// no NUL.
bool IsSafeName(std::string_view name);

}  // namespace fs::reader

#endif  // MKIMG_FS_READER_READER_UTIL_H_
