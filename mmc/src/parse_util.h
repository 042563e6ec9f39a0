// Helpers shared by the mmc response parsers: the error every parser returns for bytes
// that violate SPC-4 / MMC-6, and the 24-bit big-endian fields those specs use.
#ifndef MKIMG_MMC_SRC_PARSE_UTIL_H_
#define MKIMG_MMC_SRC_PARSE_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace mmc::internal {

// A device answered with data that violates its format: kDevice, WHERE is the structure
// ("READ TRACK INFORMATION data"), WHAT says what is wrong, with the byte offset.
inline base::Error Malformed(std::string where, std::string what) {
  return base::Error(base::ErrorCode::kDevice, std::move(where), std::move(what));
}

inline std::uint32_t ReadBe24(base::ByteReader& r) {
  std::uint32_t hi = r.Be16();
  return (hi << 8) | r.U8();
}

inline void WriteBe24(base::ByteWriter& w, std::uint32_t v) {
  w.U8(static_cast<std::uint8_t>(v >> 16));
  w.U8(static_cast<std::uint8_t>(v >> 8));
  w.U8(static_cast<std::uint8_t>(v));
}

// The record a length field announces, cut to the bytes actually returned and then padded
// with zeros to `full` bytes, so that a parser can read every field at its fixed offset.
// `announced` is the total length the record's own length field gives.
inline std::vector<std::uint8_t> Window(std::span<const std::uint8_t> data, std::size_t announced,
                                        std::size_t full) {
  std::size_t n = std::min(data.size(), announced);
  std::vector<std::uint8_t> out(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  if (out.size() < full) out.resize(full, 0);
  return out;
}

inline std::uint8_t Flag(bool b, int bit) { return static_cast<std::uint8_t>(b ? 1u << bit : 0u); }
inline bool Bit(std::uint8_t v, int bit) { return ((static_cast<unsigned>(v) >> bit) & 1u) != 0; }

}  // namespace mmc::internal

#endif  // MKIMG_MMC_SRC_PARSE_UTIL_H_
