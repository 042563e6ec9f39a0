// Joliet name mapping (Joliet Specification 1995, 3.1 identifier lengths and the
// forbidden characters * / : ; ? \, 2.2 UCS-2 big-endian encoding).
#include "joliet/joliet_names.h"

#include <algorithm>

#include "base/error.h"
#include "base/unicode.h"
#include "iso9660/names.h"

namespace fs::joliet {
namespace {

char16_t MapCharacter(char32_t c) {
  if (c < 0x20 || c > 0xFFFF || c == 0xFFFD) return u'_';
  switch (c) {
    case U'*':
    case U'/':
    case U':':
    case U';':
    case U'?':
    case U'\\':
      return u'_';
    default:
      return static_cast<char16_t>(c);
  }
}

// The position of the extension's '.', or npos when the name has no extension.
std::size_t ExtensionDot(std::u16string_view name) {
  std::size_t dot = name.rfind(u'.');
  return dot == 0 ? std::u16string_view::npos : dot;
}

// Simple upper case of the scripts whose letters come in case pairs in the Basic
// Multilingual Plane's first blocks (Unicode UnicodeData.txt simple mappings): ASCII,
// Latin-1, Latin Extended-A, Greek and Cyrillic. Other characters compare as they are.
char16_t UpperCase(char16_t c) {
  if (c >= u'a' && c <= u'z') return static_cast<char16_t>(c - 0x20);
  if (c < 0xE0) return c;
  if (c <= 0xFE) return c == 0xF7 ? c : static_cast<char16_t>(c - 0x20);
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x137) return static_cast<char16_t>(c & ~1u);
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    return (c & 1u) == 0 ? static_cast<char16_t>(c - 1) : c;
  }
  if (c >= 0x14A && c <= 0x177) return static_cast<char16_t>(c & ~1u);
  if (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) return static_cast<char16_t>(c - 0x20);
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x430 && c <= 0x44F) return static_cast<char16_t>(c - 0x20);
  if (c >= 0x450 && c <= 0x45F) return static_cast<char16_t>(c - 0x50);
  return c;
}

}  // namespace

std::u16string CollisionKey(std::u16string_view name, bool fold_case) {
  std::size_t length = name.size();
  while (length > 1 && name[length - 1] == u'.') --length;
  std::u16string key(name.substr(0, length));
  if (fold_case) {
    for (char16_t& c : key) c = UpperCase(c);
  }
  return key;
}

std::u16string MapName(std::string_view name, bool is_file, std::size_t max_length) {
  std::u32string cps = iso9660::DecodeNameLenient(name);
  std::u16string out;
  out.reserve(cps.size());
  for (char32_t c : cps) out.push_back(MapCharacter(c));
  if (out.empty()) out.push_back(u'_');  // an identifier is never empty (ECMA-119 9.1.10)
  // Dots only ("...") would read as "." where trailing dots are dropped.
  if (out.find_first_not_of(u'.') == std::u16string::npos) out.assign(out.size(), u'_');
  if (out.size() <= max_length) return out;
  std::size_t dot = is_file ? ExtensionDot(out) : std::u16string::npos;
  if (dot != std::u16string::npos && out.size() - dot <= max_length / 2) {
    std::u16string ext = out.substr(dot);
    out.resize(max_length - ext.size());
    return out + ext;
  }
  out.resize(max_length);
  return out;
}

std::u16string NumberedName(std::u16string_view name, bool is_file, std::size_t max_length,
                            std::uint32_t number, int digits) {
  std::string n = std::to_string(number);
  CHECK(n.size() <= static_cast<std::size_t>(digits) &&
        static_cast<std::size_t>(digits) <= max_length);
  std::u16string suffix(static_cast<std::size_t>(digits) - n.size(), u'0');
  for (char c : n) suffix.push_back(static_cast<char16_t>(c));
  std::size_t dot = is_file ? ExtensionDot(name) : std::u16string_view::npos;
  std::u16string_view base = dot == std::u16string_view::npos ? name : name.substr(0, dot);
  std::u16string ext(dot == std::u16string_view::npos ? std::u16string_view() : name.substr(dot));
  if (ext.size() + suffix.size() > max_length) ext.resize(max_length - suffix.size());
  std::size_t base_max = max_length - ext.size() - suffix.size();
  std::u16string out(base.substr(0, std::min(base.size(), base_max)));
  return out + suffix + ext;
}

std::string EncodeUcs2Be(std::u16string_view name, bool with_version) {
  std::string out;
  out.reserve(name.size() * 2 + 4);
  for (char16_t c : name) {
    out.push_back(static_cast<char>(c >> 8));
    out.push_back(static_cast<char>(c & 0xFF));
  }
  if (with_version)
    out.append(
        std::string_view("\0;\0"
                         "1",
                         4));
  return out;
}

std::string ToUtf8(std::u16string_view name) {
  std::string out;
  for (char16_t c : name) base::AppendUtf8(c, &out);
  return out;
}

}  // namespace fs::joliet
