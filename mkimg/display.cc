// Printable names (display.h).
#include "mkimg/display.h"

#include "mkimg/json_writer.h"

namespace mkimg {
namespace {

void AppendHex(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

}  // namespace

void AppendPrintable(std::string_view s, std::string* out) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = ValidSequenceLength(s, i);
      // U+0080-U+009F (C1 controls) are encoded C2 80 - C2 9F.
      const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
      if (n == 0 || c1) {
        const std::size_t bad = n == 0 ? 1 : n;
        for (std::size_t k = 0; k < bad; ++k) AppendHex(static_cast<unsigned char>(s[i + k]), out);
        i += bad;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          AppendHex(c, out);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
}

std::string Printable(std::string_view s) {
  std::string out;
  AppendPrintable(s, &out);
  return out;
}

}  // namespace mkimg
