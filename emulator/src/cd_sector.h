// CD sector and sub-channel arithmetic for the virtual recorder: MSF/LBA conversion,
// mode 1 and mode 2 form 1 sector framing with EDC and P/Q ECC (ECMA-130 14, Annex A),
// the Q sub-channel mode-1 position frame with its CRC (ECMA-130 22.3.3, IEC 60908 17.5),
// and the interleaving of P–W sub-channel bits into 96-byte raw blocks (MMC-6 4.3.4.2).
#ifndef MKIMG_EMULATOR_CD_SECTOR_H_
#define MKIMG_EMULATOR_CD_SECTOR_H_

#include <array>
#include <cstdint>
#include <span>

namespace emulator::cd {

struct Msf {
  std::uint8_t m = 0, s = 0, f = 0;
};
// LBA 0 is MSF 00:02:00; negative LBAs (lead-in) wrap to 90:00:00 and above (MMC-6 6.1.1.1).
Msf LbaToMsf(std::int32_t lba);
std::int32_t MsfToLba(std::uint8_t m, std::uint8_t s, std::uint8_t f);
std::uint8_t ToBcd(std::uint32_t v);
std::uint8_t FromBcd(std::uint8_t v);

// Frames a 2352-byte sector at `lba` around 2048 bytes of user data that are already at
// byte 16 (mode 1) or byte 24 (mode 2 form 1, with the 8-byte sub-header at 16):
// sync, header, EDC and ECC.
void FrameMode1(std::int32_t lba, std::uint8_t* sector);
void FrameMode2Form1(std::int32_t lba, std::uint8_t* sector);
// A mode 2 (formless) sector: sync and header; bytes 16-2351 are the 2336 user bytes.
void FrameMode2(std::int32_t lba, std::uint8_t* sector);

// ECMA-130 Annex B scrambling of bytes 12-2351 of a data sector (its own inverse). In RAW
// writing the host sends data sectors scrambled, as they go to the disc.
void Scramble(std::uint8_t* sector);

// The 12-byte Q frame (mode 1, ADR 1) for a program-area sector.
std::array<std::uint8_t, 12> PositionQ(std::uint8_t control, std::uint8_t track, std::uint8_t index,
                                       std::int32_t relative, std::int32_t absolute_lba);
std::uint16_t QCrc(std::span<const std::uint8_t> first10);
// Spreads P (all 0 or all 1) and the 12-byte Q frame into 96 raw P–W bytes.
void InterleavePq(bool p, const std::array<std::uint8_t, 12>& q, std::uint8_t* out96);
// Extracts the Q frame from 96 raw (interleaved) P–W bytes.
std::array<std::uint8_t, 12> DeinterleaveQ(const std::uint8_t* raw96);

}  // namespace emulator::cd

#endif  // MKIMG_EMULATOR_CD_SECTOR_H_
