// MSF/LBA and BCD arithmetic (ECMA-130 2nd edition 14.2; MMC-5 4.2.3.6). See msf.h.
#include "cd/msf.h"

namespace cd {

Msf LbaToMsf(std::int32_t lba) {
  std::int64_t v = std::int64_t{lba} + kLbaOffset;
  if (v < 0) v += 100 * kFramesPerMinute;  // lead-in addresses count down from 100:00:00
  Msf m;
  m.minute = static_cast<std::uint8_t>(v / kFramesPerMinute % 100);
  m.second = static_cast<std::uint8_t>(v / kFramesPerSecond % 60);
  m.frame = static_cast<std::uint8_t>(v % kFramesPerSecond);
  return m;
}

std::int32_t MsfToLba(const Msf& msf) {
  std::int32_t v = (msf.minute * 60 + msf.second) * kFramesPerSecond + msf.frame;
  if (msf.minute >= 90) return v - 100 * kFramesPerMinute - kLbaOffset;
  return v - kLbaOffset;
}

std::uint8_t ToBcd(std::uint32_t v) {
  return static_cast<std::uint8_t>(((v / 10) % 10) << 4 | (v % 10));
}

std::uint8_t FromBcd(std::uint8_t v) {
  return static_cast<std::uint8_t>((v >> 4) * 10 + (v & 0x0F));
}

}  // namespace cd
