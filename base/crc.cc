// Table-driven CRC-ITU and CRC-32; see crc.h for the standards and parameters.
#include "base/crc.h"

#include <array>

namespace base {

std::uint16_t CrcItu(std::span<const std::uint8_t> data, std::uint16_t crc) {
  static constexpr auto kTable = [] {
    std::array<std::uint16_t, 256> t{};
    for (unsigned i = 0; i < 256; ++i) {
      auto c = static_cast<std::uint16_t>(i << 8);
      for (int k = 0; k < 8; ++k) {
        c = static_cast<std::uint16_t>((c & 0x8000) ? (c << 1) ^ 0x1021 : c << 1);
      }
      t[i] = c;
    }
    return t;
  }();
  for (std::uint8_t b : data) {
    crc = static_cast<std::uint16_t>((crc << 8) ^ kTable[((crc >> 8) ^ b) & 0xFF]);
  }
  return crc;
}

std::uint32_t Crc32(std::span<const std::uint8_t> data, std::uint32_t crc) {
  static constexpr auto kTable = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (std::uint8_t b : data) crc = kTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace base
