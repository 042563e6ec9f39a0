// UTF-8 / UTF-16 conversion for names: Joliet stores UCS-2 big-endian (BMP only), UDF
// stores OSTA CS0 (8-bit Latin-1 or 16-bit UCS-2 big-endian), Rock Ridge stores the host
// bytes (UTF-8 here). Invalid UTF-8 is reported, never silently passed on.
#ifndef MKIMG_BASE_UNICODE_H_
#define MKIMG_BASE_UNICODE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace base {

// Decodes UTF-8 into code points. Returns nullopt on malformed input (overlongs,
// surrogates, values above U+10FFFF, truncated sequences).
std::optional<std::u32string> DecodeUtf8(std::string_view s);

// Encodes one code point as UTF-8 and appends it to *out. REQUIRES: cp is a scalar value.
void AppendUtf8(char32_t cp, std::string* out);
std::string EncodeUtf8(std::u32string_view s);

// UTF-16 with surrogate pairs for characters outside the BMP.
std::u16string EncodeUtf16(std::u32string_view s);
// Decodes UTF-16; unpaired surrogates become U+FFFD.
std::u32string DecodeUtf16(std::u16string_view s);

bool IsValidUtf8(std::string_view s);

}  // namespace base

#endif  // MKIMG_BASE_UNICODE_H_
