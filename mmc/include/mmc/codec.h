// The shared conventions of the mmc response and parameter data codecs (SPC-4, MMC-6):
// `static Expected<T> Parse(span)` reads untrusted bytes that an allocation length may
// have cut short (fields past the end read as zero; errors are kDevice and name the
// structure and the byte offset), `void EncodeTo(ByteWriter&) const` appends the bytes a
// drive returns or a host sends, and Parse(Encode(x)) == x for every parsed x.
#ifndef MKIMG_MMC_CODEC_H_
#define MKIMG_MMC_CODEC_H_

#include <cstdint>
#include <vector>

#include "base/bytes.h"

namespace mmc {

// Encodes any mmc codec struct into a fresh buffer.
template <typename T>
std::vector<std::uint8_t> Encode(const T& value) {
  std::vector<std::uint8_t> out;
  base::ByteWriter w(&out);
  value.EncodeTo(w);
  return out;
}

}  // namespace mmc

#endif  // MKIMG_MMC_CODEC_H_
