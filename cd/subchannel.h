// The CD sub-channel: the eight sub-channel bits P-W each frame carries, 98 frames (96
// after the two sync patterns) a sector. ECMA-130 2nd edition (June 1996) clause 22:
// P and the Q channel's mode-1 position frame (22.3.3) with its CRC (22.3.6,
// x^16+x^12+x^5+1 stored inverted; IEC 60908 2nd edition 17.5); the 96-byte raw P-W block
// that MMC-5 4.3.4.2 exchanges in READ CD and in RAW writing: one
// byte a frame, P in bit 7, Q in bit 6 and R-W in bits 5-0.
#ifndef MKIMG_CD_SUBCHANNEL_H_
#define MKIMG_CD_SUBCHANNEL_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace cd {

inline constexpr std::size_t kSubchannelBytes = 96;  // raw P-W of one sector

// The 12-byte Q frame (mode 1, ADR 1) of a program-area sector: CONTROL/ADR, TNO, INDEX,
// relative time (counting down in the pre-gap when `relative` is negative), ZERO, absolute
// time of `absolute_lba`, CRC.
std::array<std::uint8_t, 12> PositionQ(std::uint8_t control, std::uint8_t track, std::uint8_t index,
                                       std::int32_t relative, std::int32_t absolute_lba);
// The Q frame of mode 2 (ADR 2, IEC 60908 17.5.1.3): the 13-digit media catalog number in
// BCD nibbles, zero bits, AFRAME (the absolute frame number of `absolute_lba`), CRC.
// REQUIRES: `catalog` is 13 ASCII digits.
std::array<std::uint8_t, 12> CatalogQ(std::uint8_t control, std::string_view catalog,
                                      std::int32_t absolute_lba);
// The Q frame of mode 3 (ADR 3, IEC 60908 17.5.1.4): the ISRC, its first five characters
// in 6 bits each (character minus 30h: '0'-'9' 0-9, 'A'-'Z' 17-42), two zero bits, its
// seven digits in 4 bits each, four zero bits, AFRAME, CRC. REQUIRES: `isrc` is 12
// characters, five of 0-9/A-Z then seven digits.
std::array<std::uint8_t, 12> IsrcQ(std::uint8_t control, std::string_view isrc,
                                   std::int32_t absolute_lba);
// The CRC of the first 10 bytes of a Q frame as bytes 10-11 record it (base::Crc16CdQ).
std::uint16_t QCrc(std::span<const std::uint8_t> first10);

// Spreads P (all 0 or all 1) and the 12-byte Q frame into 96 raw P-W bytes, R-W zero.
void InterleavePq(bool p, const std::array<std::uint8_t, 12>& q, std::uint8_t* out96);
// Extracts the Q frame from 96 raw P-W bytes.
std::array<std::uint8_t, 12> DeinterleaveQ(const std::uint8_t* raw96);
// The R-W bits of 96 raw P-W bytes (bits 5-0 of each byte, P and Q cleared), as READ CD
// returns them for sub-channel selection 100b.
void ExtractRw(const std::uint8_t* raw96, std::uint8_t* out96);

}  // namespace cd

#endif  // MKIMG_CD_SUBCHANNEL_H_
