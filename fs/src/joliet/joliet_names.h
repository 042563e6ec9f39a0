// Joliet names (Joliet Specification, Microsoft, 1995, sections 3 and 4): UCS-2
// big-endian identifiers of at most 64 characters (103 with the widely read "long names"
// extension of mkisofs -joliet-long), without the characters * / : ; ? \ . The mapping from
// UTF-8 is predictable: every character outside the Basic Multilingual Plane, every
// forbidden character and every control character becomes '_', and a name that is too long
// is cut keeping its extension. Identifiers are recorded without a version (";1"), as
// xorriso and genisoimage record them (specs/joliet.md "Readers").
#ifndef MKIMG_FS_JOLIET_JOLIET_NAMES_H_
#define MKIMG_FS_JOLIET_JOLIET_NAMES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace fs::joliet {

inline constexpr std::size_t kMaxNameLength = 64;       // Joliet 3.1 (in characters)
inline constexpr std::size_t kMaxLongNameLength = 103;  // mkisofs -joliet-long, libisofs
// Joliet 2.1 / ECMA-119 8.5.6: escape sequence of UCS-2 level 3.
inline constexpr char kEscapeSequenceLevel3[] = "%/E";

// Maps a UTF-8 name to at most `max_length` UCS-2 code units (see the file comment). For
// files the extension (after the last '.', not at the start) is kept when a name is cut,
// as long as it is not longer than half of `max_length`.
std::u16string MapName(std::string_view name, bool is_file, std::size_t max_length);

// `name` with `digits` decimal digits inserted before its extension (files) or at its end
// (directories), cut so that the result has at most `max_length` characters.
// REQUIRES: number < 10^digits <= 10^max_length.
std::u16string NumberedName(std::u16string_view name, bool is_file, std::size_t max_length,
                            std::uint32_t number, int digits);

// The name as readers compare names in one folder (specs/joliet.md "Readers"): Linux,
// Windows and 7-Zip drop the trailing dots of a Joliet name (keeping its first character),
// so "apache" and "apache." are one name to them; with `fold_case`, letters are compared
// by their simple upper case, as Windows opens files.
std::u16string CollisionKey(std::u16string_view name, bool fold_case);

// The UCS-2 big-endian bytes of a name (Joliet 2.2), optionally followed by ";1".
std::string EncodeUcs2Be(std::u16string_view name, bool with_version);
// UTF-8 of a BMP-only UCS-2 name, for messages.
std::string ToUtf8(std::u16string_view name);

}  // namespace fs::joliet

#endif  // MKIMG_FS_JOLIET_JOLIET_NAMES_H_
