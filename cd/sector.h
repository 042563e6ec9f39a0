// CD-ROM sector framing: the 2352-byte sector of ECMA-130 2nd edition (June 1996) clause 14
// (sync 14.1, header 14.2, Sector Mode 01 14.4, Sector Mode 02 14.5) with its EDC
// (14.4: x^32+x^31+x^16+x^15+x^4+x^3+x+1) and its Reed-Solomon Product-like Code, P and Q
// parity (14.4, Annex A), the Mode 2 Form 1 / Form 2 sub-division of CD-ROM XA (System
// Description CD-ROM XA, 1991, as summarised in MMC-5 4.2.3.4) and the scrambler of
// ECMA-130 Annex B. A CD-DA (audio) sector is 2352 bytes of samples with no framing
// (IEC 60908 2nd edition 1999); kSectorBytes is its size too.
#ifndef MKIMG_CD_SECTOR_H_
#define MKIMG_CD_SECTOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace cd {

inline constexpr std::size_t kSectorBytes = 2352;  // a raw sector, data or audio
inline constexpr std::size_t kUserBytes = 2048;    // Mode 1 and Mode 2 Form 1 user data
inline constexpr std::size_t kForm2UserBytes = 2324;
inline constexpr std::size_t kMode2UserBytes = 2336;  // Mode 2 formless

// ECMA-130 14.1: 00h, ten FFh, 00h.
inline constexpr std::array<std::uint8_t, 12> kSync = {0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0};
// True when the first 12 bytes of `sector` are the sync pattern.
bool HasSync(const std::uint8_t* sector);

// ECMA-130 14.4: the EDC of `data` (shift register preset to zero, LSB first, no final
// inversion); the sector stores it least significant byte first.
std::uint32_t Edc(std::span<const std::uint8_t> data);

// Frames a 2352-byte sector at `lba` around user data that is already in place: sync,
// header (BCD MSF, mode), EDC and ECC. Mode 1: 2048 bytes at byte 16. Mode 2 Form 1:
// the 8-byte sub-header at 16 and 2048 bytes at 24. Mode 2 Form 2: the sub-header at 16
// and 2324 bytes at 24, EDC at 2348, no ECC.
void FrameMode1(std::int32_t lba, std::uint8_t* sector);
void FrameMode2Form1(std::int32_t lba, std::uint8_t* sector);
void FrameMode2Form2(std::int32_t lba, std::uint8_t* sector);
// A Mode 2 (formless) sector: sync and header; bytes 16-2351 are the 2336 user bytes.
void FrameMode2(std::int32_t lba, std::uint8_t* sector);

// ECMA-130 Annex B: the 2340-byte scrambler sequence (x^15+x+1, preset to 1, LSB first)
// that is XORed onto bytes 12-2351 of a data sector; it starts 01h 80h 00h 60h.
const std::array<std::uint8_t, 2340>& ScramblerSequence();
// Scrambles (or descrambles: it is its own inverse) bytes 12-2351 of a data sector. In RAW
// writing the host sends data sectors scrambled, as they go to the disc.
void Scramble(std::uint8_t* sector);

}  // namespace cd

#endif  // MKIMG_CD_SECTOR_H_
