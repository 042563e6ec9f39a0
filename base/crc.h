// Checksums used by more than one on-disc or on-wire format, in one place:
// - CRC-ITU (CRC-16/CCITT: polynomial x^16+x^12+x^5+1, i.e. 0x1021, initial value 0,
//   MSB first, no final inversion): ECMA-167 3rd edition 1/7.2.6 (the UDF descriptor tag's
//   Descriptor CRC, spec vector: "123456789" gives 0x31C3). The CD Q subchannel and CD-TEXT
//   packs use the same polynomial, stored inverted (ECMA-130 22.3.6; IEC 60908 / MMC-6
//   Annex J): Crc16CdQ().
// - CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final 0xFFFFFFFF):
//   UEFI 2.10 5.3.2 (GPT header and partition entry array). Vector: "123456789" gives
//   0xCBF43926.
// specs/architecture.md lists who uses which.
#ifndef MKIMG_BASE_CRC_H_
#define MKIMG_BASE_CRC_H_

#include <cstdint>
#include <span>

namespace base {

// CRC-ITU of `data`, continuing from `crc` (0 for a new checksum).
std::uint16_t CrcItu(std::span<const std::uint8_t> data, std::uint16_t crc = 0);

// The CRC recorded in a CD Q subchannel or CD-TEXT pack: CrcItu inverted.
inline std::uint16_t Crc16CdQ(std::span<const std::uint8_t> data) {
  return static_cast<std::uint16_t>(~CrcItu(data));
}

// CRC-32 of `data`. Continue a checksum by passing the previous result as `crc`.
std::uint32_t Crc32(std::span<const std::uint8_t> data, std::uint32_t crc = 0);

}  // namespace base

#endif  // MKIMG_BASE_CRC_H_
