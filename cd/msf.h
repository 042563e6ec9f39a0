// CD addresses: the minute/second/frame (MSF) time code of the CD address space, its
// conversion to and from logical block addresses, and the BCD coding the sector header and
// the Q sub-channel record it in. ECMA-130 2nd edition (June 1996) 14.2 (sector address:
// 75 frames a second, the first program-area sector at 00:02:00, BCD digits) and 22.3.3
// (Q sub-channel times); the LBA mapping is the one of MMC-5 4.2.3.6:
// LBA = (M*60+S)*75+F-150, lead-in addresses below LBA -150 count down from 99:59:74.
#ifndef MKIMG_CD_MSF_H_
#define MKIMG_CD_MSF_H_

#include <cstdint>

namespace cd {

// Sectors (frames) a second and the program-area offset: LBA 0 is MSF 00:02:00.
inline constexpr std::int32_t kFramesPerSecond = 75;
inline constexpr std::int32_t kFramesPerMinute = 60 * kFramesPerSecond;
inline constexpr std::int32_t kLbaOffset = 150;

// A binary (not BCD) MSF address.
struct Msf {
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
  std::uint8_t frame = 0;
  friend bool operator==(const Msf&, const Msf&) = default;
};

// LBA 0 is 00:02:00, LBA -150 is 00:00:00. Negative LBAs below -150 (the lead-in) wrap to
// 99:59:74 and down, so that 90:00:00 is LBA -45150. Minutes count modulo 100.
Msf LbaToMsf(std::int32_t lba);
// The inverse: minutes 90 and above are lead-in addresses (negative LBAs).
std::int32_t MsfToLba(const Msf& msf);
// The same for the three bytes of a header or Q sub-channel time, already decoded from BCD.
inline std::int32_t MsfToLba(std::uint8_t minute, std::uint8_t second, std::uint8_t frame) {
  return MsfToLba(Msf{minute, second, frame});
}

// Two-digit BCD as in the sector header and the Q sub-channel (ECMA-130 14.2.1, 22.3.3).
// ToBcd keeps the two lowest decimal digits of `v`.
std::uint8_t ToBcd(std::uint32_t v);
std::uint8_t FromBcd(std::uint8_t v);

}  // namespace cd

#endif  // MKIMG_CD_MSF_H_
