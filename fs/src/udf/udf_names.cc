// CS0 identifiers, dstrings and path components for the UDF writer; see udf_names.h.
#include "udf/udf_names.h"

#include <algorithm>

#include "iso9660/names.h"

namespace fs::udf {
namespace {

void AppendUtf16Be(char32_t c, std::string* out) {
  auto put = [&](std::uint32_t u) {
    out->push_back(static_cast<char>(u >> 8));
    out->push_back(static_cast<char>(u & 0xFF));
  };
  if (c > 0xFFFF) {
    const std::uint32_t v = static_cast<std::uint32_t>(c) - 0x10000;
    put(0xD800 + (v >> 10));
    put(0xDC00 + (v & 0x3FF));
  } else {
    put(static_cast<std::uint32_t>(c));
  }
}

std::string EncodeCharacters(std::u32string_view chars) {
  bool narrow = true;
  for (char32_t c : chars) narrow = narrow && c <= 0xFF;
  std::string out;
  out.reserve(1 + chars.size() * (narrow ? 1 : 2));
  out.push_back(static_cast<char>(narrow ? 8 : 16));  // UDF 2.1.1: compression ID
  for (char32_t c : chars) {
    if (narrow) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendUtf16Be(c, &out);
    }
  }
  return out;
}

}  // namespace

std::string EncodeCs0(std::string_view utf8) {
  return EncodeCharacters(iso9660::DecodeNameLenient(utf8));
}

std::vector<std::uint8_t> Dstring(std::string_view utf8, std::size_t size) {
  std::vector<std::uint8_t> out(size, 0);
  if (utf8.empty() || size < 2) return out;
  std::u32string chars = iso9660::DecodeNameLenient(utf8);
  std::string cs0 = EncodeCharacters(chars);
  while (cs0.size() > size - 1) {
    chars.pop_back();
    cs0 = EncodeCharacters(chars);
  }
  std::copy(cs0.begin(), cs0.end(), out.begin());
  out[size - 1] = static_cast<std::uint8_t>(cs0.size());
  return out;
}

bool EncodePathComponents(std::string_view target, std::vector<std::uint8_t>* out) {
  out->clear();
  base::ByteWriter w(out);
  auto component = [&](std::uint8_t type, std::string_view identifier) {
    w.U8(type);                                          // 4/14.16.1.1
    w.U8(static_cast<std::uint8_t>(identifier.size()));  // 4/14.16.1.2
    w.Le16(0);                                           // 4/14.16.1.3
    w.Raw(identifier);                                   // 4/14.16.1.4
  };
  std::size_t pos = 0;
  if (!target.empty() && target[0] == '/') {
    component(2, {});
    pos = 1;
  }
  while (pos <= target.size()) {
    std::size_t end = target.find('/', pos);
    if (end == std::string_view::npos) end = target.size();
    const std::string_view part = target.substr(pos, end - pos);
    if (part == "..") {
      component(3, {});
    } else if (part == ".") {
      component(4, {});
    } else if (!part.empty()) {
      const std::string cs0 = EncodeCs0(part);
      if (cs0.size() > 255) return false;
      component(5, cs0);
    }
    pos = end + 1;
  }
  return true;
}

}  // namespace fs::udf
