// Text as the UDF writer records it (OSTA UDF 2.60 2.1.1-2.1.3, ECMA-167 1/7.2.12 and
// 4/14.16.1): OSTA Compressed Unicode (CS0) identifiers of compression ID 8 (every
// character at most U+00FF, one byte each) or 16 (UTF-16 big-endian, characters past
// U+FFFF as surrogate pairs), dstrings (the used length in the last byte), and the path
// components of a symbolic link. The reader's decoders are in udf_volume.h.
#ifndef MKIMG_FS_UDF_UDF_NAMES_H_
#define MKIMG_FS_UDF_UDF_NAMES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace fs::udf {

// The CS0 form of a UTF-8 name (malformed bytes become U+FFFD): the compression ID byte
// and the characters (UDF 2.1.1). Its size is what a FID's L_FI records (4/14.4.4).
std::string EncodeCs0(std::string_view utf8);

// ECMA-167 1/7.2.12: a dstring field of `size` bytes holding `utf8` as CS0, cut at a
// character boundary so that it fits in size - 1 bytes; all zeros when empty.
std::vector<std::uint8_t> Dstring(std::string_view utf8, std::size_t size);
template <std::size_t N>
base::Bytes<N> DstringField(std::string_view utf8) {
  base::Bytes<N> out{};
  const std::vector<std::uint8_t> d = Dstring(utf8, N);
  for (std::size_t i = 0; i < N; ++i) out.b[i] = d[i];
  return out;
}

// ECMA-167 4/14.16.1 with UDF 2.3.12.1: the path components of a POSIX symbolic link
// target: type 2 (root) for a leading '/', 3 for "..", 4 for ".", 5 for a name (CS0);
// empty components (repeated '/') are dropped. Returns false when a component's CS0 form
// is longer than 255 bytes.
bool EncodePathComponents(std::string_view target, std::vector<std::uint8_t>* out);

}  // namespace fs::udf

#endif  // MKIMG_FS_UDF_UDF_NAMES_H_
