// ISO 9660 file and directory identifiers (ECMA-119 7.4, 7.5, 7.6, 9.3) made from UTF-8
// names: d-character mapping, the 8.3 form of interchange level 1 and the 30/31-character
// form of levels 2 and 3, numbered variants for collision resolution, and the 9.3 order.
// Identifiers here carry no version (";1"): the record encoder appends it to files.
#ifndef MKIMG_FS_ISO9660_NAMES_H_
#define MKIMG_FS_ISO9660_NAMES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace fs::iso9660 {

// Decodes UTF-8 without failing: each malformed byte becomes U+FFFD. Host names need not
// be valid UTF-8 (readdir returns bytes), and every name must still map to something.
std::u32string DecodeNameLenient(std::string_view name);

// Maps a name to a file identifier "BASE.EXT" (7.5.1: the '.' is always present) or a
// directory identifier "BASE" (7.6.1) of d-characters for interchange `level` (1, 2, 3).
// Level 1: base 8 and extension 3 characters, directories 8. Levels 2 and 3: base and
// extension together 30, directories 31. Lower-case letters are upper-cased; every other
// character that is not a d-character becomes '_' (the extension is what follows the last
// '.' not at the start of the name).
std::string MapFileIdentifier(std::string_view name, int level);
std::string MapDirectoryIdentifier(std::string_view name, int level);

// The identifier with a number of `digits` decimal digits appended to its base, the base
// shortened so that the result still fits the level (libisofs style "NAME000.EXT").
// REQUIRES: number < 10^digits.
std::string NumberedIdentifier(std::string_view identifier, bool is_file, int level,
                               std::uint32_t number, int digits);

// ECMA-119 9.3: compares two identifiers (without version) by their file name, padded on
// the right with spaces (0x20), then their extension likewise. Returns <0, 0 or >0. Two
// identifiers that compare equal name the same file for a reader that ignores versions
// (e.g. "A" and "A."), so the planner treats them as a collision.
int CompareIdentifiers(std::string_view a, std::string_view b);

}  // namespace fs::iso9660

#endif  // MKIMG_FS_ISO9660_NAMES_H_
