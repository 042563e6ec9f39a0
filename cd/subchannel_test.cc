// P/Q sub-channel (ECMA-130 2nd edition clause 22: 22.3.3, 22.3.6) and the raw P-W layout of
// MMC-5 4.3.4.2.
#include "cd/subchannel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace cd {
namespace {

// CRC-CCITT bit by bit: x^16+x^12+x^5+1, preset 0, MSB first, result inverted (22.3.6).
std::uint16_t BitwiseQCrc(const std::uint8_t* q) {
  std::uint16_t crc = 0;
  for (int i = 0; i < 10; ++i) {
    crc = static_cast<std::uint16_t>(crc ^ (q[i] << 8));
    for (int b = 0; b < 8; ++b)
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return static_cast<std::uint16_t>(~crc);
}

TEST(SubchannelTest, PositionQFrame) {
  // Data track 1 index 1, 2 s into the track, absolute 00:04:00.
  const auto q = PositionQ(4, 1, 1, 150, 150);
  const std::array<std::uint8_t, 12> expected = {0x41, 0x01, 0x01, 0x00, 0x02, 0x00,
                                                 0x00, 0x00, 0x04, 0x00, 0x09, 0xD4};
  EXPECT_EQ(q, expected);
  EXPECT_EQ(BitwiseQCrc(q.data()), 0x09D4);
}

TEST(SubchannelTest, QCrcOfKnownFrames) {
  // Audio track 1 index 1 at its start (absolute 00:02:00), and the lead-in A0h pointer
  // (first track 01 of a CD-ROM): CRCs from the bitwise definition above.
  const std::uint8_t audio[10] = {0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00};
  const std::uint8_t a0[10] = {0x41, 0x00, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
  EXPECT_EQ(QCrc(audio), 0x5A28);
  EXPECT_EQ(BitwiseQCrc(audio), 0x5A28);
  EXPECT_EQ(QCrc(a0), 0x5379);
  EXPECT_EQ(BitwiseQCrc(a0), 0x5379);
  EXPECT_EQ(PositionQ(0, 1, 1, 0, 0)[10], 0x5A);
  EXPECT_EQ(PositionQ(0, 1, 1, 0, 0)[11], 0x28);
}

TEST(SubchannelTest, PregapCountsDown) {
  const auto q = PositionQ(0, 2, 0, -75, 1000);
  EXPECT_EQ(q[2], 0x00);  // index 0
  EXPECT_EQ(q[3], 0x00);
  EXPECT_EQ(q[4], 0x01);
  EXPECT_EQ(q[5], 0x00);
  EXPECT_EQ(q[7], 0x00);
  EXPECT_EQ(q[8], 0x15);
  EXPECT_EQ(q[9], 0x25);
}

TEST(SubchannelTest, RawPwInterleaving) {
  const auto q = PositionQ(4, 1, 1, 150, 150);
  std::uint8_t raw[96];
  InterleavePq(true, q, raw);
  for (int i = 0; i < 96; ++i) {
    EXPECT_EQ(raw[i] & 0x80, 0x80);  // P in bit 7
    EXPECT_EQ((raw[i] >> 6) & 1, (q[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1);
    EXPECT_EQ(raw[i] & 0x3F, 0);  // R-W zero
  }
  EXPECT_EQ(DeinterleaveQ(raw), q);
  InterleavePq(false, q, raw);
  EXPECT_EQ(raw[0], 0x00);  // 41h: first bit 0
  EXPECT_EQ(raw[1], 0x40);  // second bit 1
  for (int i = 0; i < 96; ++i) raw[i] = static_cast<std::uint8_t>(raw[i] | (i & 0x3F));
  std::uint8_t rw[96];
  ExtractRw(raw, rw);
  for (int i = 0; i < 96; ++i) EXPECT_EQ(rw[i], i & 0x3F);
  EXPECT_EQ(DeinterleaveQ(raw), q);
}

}  // namespace
}  // namespace cd

namespace cd {
namespace {

TEST(SubchannelTest, CatalogQFrame) {
  // IEC 60908 17.5.1.3: 13 BCD digits from bit 8, 12 zero bits, AFRAME of 00:02:10.
  const auto q = CatalogQ(0, "0123456789012", 10);
  const std::array<std::uint8_t, 10> expected = {0x02, 0x01, 0x23, 0x45, 0x67,
                                                 0x89, 0x01, 0x20, 0x00, 0x10};
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), q.begin()));
  EXPECT_EQ((q[10] << 8) | q[11], BitwiseQCrc(q.data()));
}

TEST(SubchannelTest, IsrcQFrame) {
  // IEC 60908 17.5.1.4: U S A B C as 6-bit codes (character - 30h: 37 35 17 18 19), two
  // zero bits, 2 6 0 0 0 0 1 in 4 bits, four zero bits, AFRAME 00, with CONTROL 0 (audio).
  const auto q = IsrcQ(0, "USABC2600001", 0);
  const std::array<std::uint8_t, 10> expected = {0x03, 0x96, 0x34, 0x52, 0x4C,
                                                 0x26, 0x00, 0x00, 0x10, 0x00};
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), q.begin()));
  EXPECT_EQ((q[10] << 8) | q[11], BitwiseQCrc(q.data()));
}

}  // namespace
}  // namespace cd
