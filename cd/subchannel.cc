// P and Q sub-channel coding (ECMA-130 2nd edition clause 22: 22.3.3, 22.3.6) and the raw P-W
// byte layout of MMC-5 4.3.4.2. See subchannel.h.
#include "cd/subchannel.h"

#include "base/crc.h"
#include "cd/msf.h"

namespace cd {

std::uint16_t QCrc(std::span<const std::uint8_t> first10) { return base::Crc16CdQ(first10); }

std::array<std::uint8_t, 12> PositionQ(std::uint8_t control, std::uint8_t track, std::uint8_t index,
                                       std::int32_t relative, std::int32_t absolute_lba) {
  std::array<std::uint8_t, 12> q{};
  q[0] = static_cast<std::uint8_t>((control << 4) | 1);
  q[1] = ToBcd(track);
  q[2] = ToBcd(index);
  std::int32_t rel = relative < 0 ? -relative : relative;  // counts down in the pre-gap
  q[3] = ToBcd(static_cast<std::uint32_t>(rel / kFramesPerMinute));
  q[4] = ToBcd(static_cast<std::uint32_t>(rel / kFramesPerSecond % 60));
  q[5] = ToBcd(static_cast<std::uint32_t>(rel % kFramesPerSecond));
  Msf a = LbaToMsf(absolute_lba);
  q[7] = ToBcd(a.minute);
  q[8] = ToBcd(a.second);
  q[9] = ToBcd(a.frame);
  std::uint16_t crc = QCrc(std::span<const std::uint8_t>(q.data(), 10));
  q[10] = static_cast<std::uint8_t>(crc >> 8);
  q[11] = static_cast<std::uint8_t>(crc);
  return q;
}

void InterleavePq(bool p, const std::array<std::uint8_t, 12>& q, std::uint8_t* out96) {
  for (int i = 0; i < 96; ++i) {
    std::uint8_t qbit = (q[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1;
    out96[i] = static_cast<std::uint8_t>((p ? 0x80 : 0) | (qbit << 6));
  }
}

std::array<std::uint8_t, 12> DeinterleaveQ(const std::uint8_t* raw96) {
  std::array<std::uint8_t, 12> q{};
  for (int i = 0; i < 96; ++i) {
    if (raw96[i] & 0x40)
      q[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  }
  return q;
}

void ExtractRw(const std::uint8_t* raw96, std::uint8_t* out96) {
  for (std::size_t k = 0; k < kSubchannelBytes; ++k)
    out96[k] = static_cast<std::uint8_t>(raw96[k] & 0x3F);
}

}  // namespace cd
