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

namespace {

void SealQ(std::array<std::uint8_t, 12>& q) {
  std::uint16_t crc = QCrc(std::span<const std::uint8_t>(q.data(), 10));
  q[10] = static_cast<std::uint8_t>(crc >> 8);
  q[11] = static_cast<std::uint8_t>(crc);
}

// Writes `width` bits of `value` at bit `pos` of q (bit 0 = the most significant of q[0]).
void PutBits(std::array<std::uint8_t, 12>& q, int pos, int width, std::uint32_t value) {
  for (int i = 0; i < width; ++i) {
    if ((value >> (width - 1 - i)) & 1) {
      const int bit = pos + i;
      q[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    }
  }
}

}  // namespace

std::array<std::uint8_t, 12> CatalogQ(std::uint8_t control, std::string_view catalog,
                                      std::int32_t absolute_lba) {
  std::array<std::uint8_t, 12> q{};
  q[0] = static_cast<std::uint8_t>((control << 4) | 2);
  for (std::size_t i = 0; i < 13 && i < catalog.size(); ++i) {
    PutBits(q, 8 + 4 * static_cast<int>(i), 4, static_cast<std::uint32_t>(catalog[i] - '0'));
  }
  q[9] = ToBcd(LbaToMsf(absolute_lba).frame);
  SealQ(q);
  return q;
}

std::array<std::uint8_t, 12> IsrcQ(std::uint8_t control, std::string_view isrc,
                                   std::int32_t absolute_lba) {
  std::array<std::uint8_t, 12> q{};
  q[0] = static_cast<std::uint8_t>((control << 4) | 3);
  for (std::size_t i = 0; i < 5 && i < isrc.size(); ++i) {
    PutBits(q, 8 + 6 * static_cast<int>(i), 6, static_cast<std::uint32_t>(isrc[i] - '0') & 0x3F);
  }
  for (std::size_t i = 5; i < 12 && i < isrc.size(); ++i) {
    PutBits(q, 40 + 4 * static_cast<int>(i - 5), 4, static_cast<std::uint32_t>(isrc[i] - '0'));
  }
  q[9] = ToBcd(LbaToMsf(absolute_lba).frame);
  SealQ(q);
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
