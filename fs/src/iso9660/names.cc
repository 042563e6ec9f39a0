// ISO 9660 identifier mapping and ordering (ECMA-119 7.4.1 d-characters, 7.5.1 file
// identifiers, 7.6.1 directory identifiers, 9.3 order of directory records; interchange
// levels of 10.1-10.3).
#include "iso9660/names.h"

#include <algorithm>

#include "base/error.h"

namespace fs::iso9660 {
namespace {

constexpr std::size_t kLevel1Base = 8;
constexpr std::size_t kLevel1Extension = 3;
constexpr std::size_t kLevel2FileLength = 30;       // base + extension (10.2)
constexpr std::size_t kLevel2DirectoryLength = 31;  // 10.2
// Levels 2-3: when base + extension are too long, the extension keeps at least this many
// characters (or all of it, if shorter).
constexpr std::size_t kMinKeptExtension = 10;

char MapCharacter(char32_t c) {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') return static_cast<char>(c);
  return '_';
}

std::string MapRange(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) out.push_back(MapCharacter(c));
  return out;
}

std::size_t DirectoryLimit(int level) { return level == 1 ? kLevel1Base : kLevel2DirectoryLength; }

// Splits "BASE.EXT" at its only '.'; directories have none.
void Split(std::string_view id, std::string_view* base, std::string_view* ext) {
  std::size_t dot = id.find('.');
  if (dot == std::string_view::npos) {
    *base = id;
    *ext = {};
  } else {
    *base = id.substr(0, dot);
    *ext = id.substr(dot + 1);
  }
}

int ComparePadded(std::string_view a, std::string_view b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto ca = static_cast<unsigned char>(i < a.size() ? a[i] : ' ');
    auto cb = static_cast<unsigned char>(i < b.size() ? b[i] : ' ');
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

}  // namespace

std::u32string DecodeNameLenient(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80             ? 0
                : (c & 0xE0) == 0xC0 ? 1
                : (c & 0xF0) == 0xE0 ? 2
                : (c & 0xF8) == 0xF0 ? 3
                                     : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : (c & (0x3F >> extra));
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (!ok || cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

std::string MapFileIdentifier(std::string_view name, int level) {
  std::u32string cps = DecodeNameLenient(name);
  std::size_t dot = cps.rfind(U'.');
  std::u32string_view all(cps);
  std::string base;
  std::string ext;
  if (dot == std::u32string::npos || dot == 0) {
    base = MapRange(all);
  } else {
    base = MapRange(all.substr(0, dot));
    ext = MapRange(all.substr(dot + 1));
  }
  if (level == 1) {
    base.resize(std::min(base.size(), kLevel1Base));
    ext.resize(std::min(ext.size(), kLevel1Extension));
  } else if (base.size() + ext.size() > kLevel2FileLength) {
    std::size_t keep_ext = std::min(
        ext.size(),
        std::max(kMinKeptExtension, kLevel2FileLength - std::min(base.size(), kLevel2FileLength)));
    ext.resize(keep_ext);
    base.resize(kLevel2FileLength - keep_ext);
  }
  if (base.empty() && ext.empty()) base = "_";
  return base + "." + ext;
}

std::string MapDirectoryIdentifier(std::string_view name, int level) {
  std::string id = MapRange(DecodeNameLenient(name));
  id.resize(std::min(id.size(), DirectoryLimit(level)));
  if (id.empty()) id = "_";
  return id;
}

std::string NumberedIdentifier(std::string_view identifier, bool is_file, int level,
                               std::uint32_t number, int digits) {
  std::string suffix = std::to_string(number);
  CHECK(suffix.size() <= static_cast<std::size_t>(digits));
  suffix.insert(0, static_cast<std::size_t>(digits) - suffix.size(), '0');
  std::string_view base;
  std::string_view ext;
  Split(identifier, &base, &ext);
  std::size_t base_max;
  std::string ext_kept(ext);
  if (!is_file) {
    base_max = DirectoryLimit(level);
  } else if (level == 1) {
    base_max = kLevel1Base;
  } else {
    if (ext_kept.size() + suffix.size() > kLevel2FileLength) {
      ext_kept.resize(kLevel2FileLength - suffix.size());
    }
    base_max = kLevel2FileLength - ext_kept.size();
  }
  CHECK(base_max >= suffix.size());
  std::string out(base.substr(0, std::min(base.size(), base_max - suffix.size())));
  out += suffix;
  if (is_file) out += "." + ext_kept;
  return out;
}

int CompareIdentifiers(std::string_view a, std::string_view b) {
  std::string_view base_a, ext_a, base_b, ext_b;
  Split(a, &base_a, &ext_a);
  Split(b, &base_b, &ext_b);
  int c = ComparePadded(base_a, base_b);
  return c != 0 ? c : ComparePadded(ext_a, ext_b);
}

}  // namespace fs::iso9660
