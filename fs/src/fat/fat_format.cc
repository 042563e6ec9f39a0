// FAT name, checksum and date rules (fat_format.h; FAT 1.03 sections as cited there).
#include "fat/fat_format.h"

#include "base/civil_time.h"

namespace fs::fat {
namespace {

// FAT 1.03 "FAT Long Directory Entries": the printable characters no name may hold.
constexpr std::u16string_view kForbiddenInLongNames = u"\"*/:<>?\\|";
// FAT 1.03 "FAT Directory Structure", DIR_Name: short names refuse these too, besides
// controls (lower-case letters are upper-cased).
constexpr std::u16string_view kForbiddenInShortNamesOnly = u"+,;=[]. ";

bool ForbiddenInShortName(char16_t c) {
  return c < 0x20 || c == 0x7F || kForbiddenInLongNames.find(c) != std::u16string_view::npos ||
         kForbiddenInShortNamesOnly.find(c) != std::u16string_view::npos;
}

// The short-name character for one long-name code unit: upper-case ASCII, or '_' with
// `lossy` set (non-ASCII characters have no OEM code page here: specs/fat.md).
char ShortChar(char16_t c, bool* lossy) {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if (c >= 0x80 || ForbiddenInShortName(c)) {
    *lossy = true;
    return '_';
  }
  return static_cast<char>(c);
}

}  // namespace

std::uint8_t ShortNameChecksum(const ShortName& name) {
  std::uint8_t sum = 0;
  for (std::uint8_t c : name) {
    sum = static_cast<std::uint8_t>(((sum & 1) ? 0x80 : 0) + (sum >> 1) + c);
  }
  return sum;
}

DosTime ToDosTime(std::int64_t unix_seconds) {
  const std::int64_t min = base::DaysFromCivil(1980, 1, 1) * 86400;
  const std::int64_t max = base::DaysFromCivil(2107, 12, 31) * 86400 + 86399;
  if (unix_seconds < min) unix_seconds = min;
  if (unix_seconds > max) unix_seconds = max;
  const std::int64_t days = unix_seconds / 86400;
  const std::int64_t secs = unix_seconds % 86400;
  const base::CivilDate d = base::CivilFromDays(days);
  DosTime t;
  t.date = static_cast<std::uint16_t>(((d.year - 1980) << 9) | (d.month << 5) | d.day);
  const int hour = static_cast<int>(secs / 3600);
  const int minute = static_cast<int>(secs / 60 % 60);
  const int second = static_cast<int>(secs % 60);
  t.time = static_cast<std::uint16_t>((hour << 11) | (minute << 5) | (second / 2));
  t.tenth = static_cast<std::uint8_t>((second % 2) * 100);
  return t;
}

std::string LongNameProblem(std::u16string_view name) {
  if (name.empty()) return "an empty name";
  if (name.size() > kMaxLongNameChars) {
    return "a name of " + std::to_string(name.size()) + " UTF-16 units, FAT allows " +
           std::to_string(kMaxLongNameChars);
  }
  if (name == u"." || name == u"..") return "a name FAT reserves";
  for (char16_t c : name) {
    if (c < 0x20) return "a control character, which FAT names cannot hold";
    if (kForbiddenInLongNames.find(c) != std::u16string_view::npos) {
      return std::string("the character '") + static_cast<char>(c) +
             "', which FAT names cannot hold";
    }
  }
  if (name.back() == u' ' || name.back() == u'.') {
    return "a name ending in a space or a period, which FAT readers drop";
  }
  return "";
}

BasisName MakeBasisName(std::u16string_view long_name) {
  BasisName out;
  out.name.fill(' ');
  out.lossy = false;
  // Leading periods and all spaces are dropped (FAT 1.03 basis-name steps 2-3): not lossy
  // in itself, but the long name no longer matches, which ShortNameMatches finds.
  std::size_t begin = 0;
  while (begin < long_name.size() && long_name[begin] == u'.') ++begin;
  const std::size_t last_dot = long_name.rfind(u'.');
  const bool has_ext = last_dot != std::u16string_view::npos && last_dot >= begin;
  const std::size_t primary_end = has_ext ? last_dot : long_name.size();
  std::size_t n = 0;
  for (std::size_t i = begin; i < primary_end; ++i) {
    const char16_t c = long_name[i];
    if (c == u' ') continue;
    if (c == u'.') {  // an embedded period is dropped from the primary part
      out.lossy = true;
      continue;
    }
    if (n == 8) {
      out.lossy = true;
      break;
    }
    out.name[n++] = static_cast<std::uint8_t>(ShortChar(c, &out.lossy));
  }
  if (n == 0) {  // nothing usable before the extension: a name the tail makes unique
    out.name[0] = '_';
    out.lossy = true;
  }
  if (has_ext) {
    std::size_t e = 0;
    for (std::size_t i = last_dot + 1; i < long_name.size(); ++i) {
      const char16_t c = long_name[i];
      if (c == u' ') continue;
      if (e == 3) {
        out.lossy = true;
        break;
      }
      out.name[8 + e++] = static_cast<std::uint8_t>(ShortChar(c, &out.lossy));
    }
  }
  return out;
}

ShortName WithNumericTail(const ShortName& basis, std::uint32_t n) {
  const std::string tail = "~" + std::to_string(n);
  std::size_t primary = 0;
  while (primary < 8 && basis[primary] != ' ') ++primary;
  const std::size_t keep = primary + tail.size() <= 8 ? primary : 8 - tail.size();
  ShortName out = basis;
  for (std::size_t i = keep; i < 8; ++i) out[i] = ' ';
  for (std::size_t i = 0; i < tail.size(); ++i) out[keep + i] = static_cast<std::uint8_t>(tail[i]);
  return out;
}

bool ShortNameMatches(const ShortName& name, std::u16string_view long_name) {
  std::u16string shown;
  for (std::size_t i = 0; i < 8 && name[i] != ' '; ++i) shown.push_back(name[i]);
  if (name[8] != ' ') {
    shown.push_back(u'.');
    for (std::size_t i = 8; i < 11 && name[i] != ' '; ++i) shown.push_back(name[i]);
  }
  return shown == long_name;
}

}  // namespace fs::fat
