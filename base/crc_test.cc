// base/crc.h against the check values of the parameter sets and ECMA-167's own example;
// base/civil_time.h round trips. (The CD Q CRC is tested with recorded subchannel in cd/.)
#include "base/crc.h"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "base/civil_time.h"

namespace base {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Crc, ItuCheckValue) {
  // CRC-16/XMODEM parameters (poly 0x1021, init 0, no reflection, no xorout): check 0x31C3.
  EXPECT_EQ(CrcItu(Bytes("123456789")), 0x31C3);
  EXPECT_EQ(CrcItu({}), 0);
}

TEST(Crc, ItuContinues) {
  const std::uint16_t first = CrcItu(Bytes("1234"));
  EXPECT_EQ(CrcItu(Bytes("56789"), first), 0x31C3);
}

TEST(Crc, Ecma167Example) {
  // ECMA-167 3rd edition 1/7.2.6: the CRC of the bytes 70 6A 77 is 0x3299.
  const std::array<std::uint8_t, 3> bytes{0x70, 0x6A, 0x77};
  EXPECT_EQ(CrcItu(bytes), 0x3299);
}

TEST(Crc, Crc32CheckValue) {
  EXPECT_EQ(Crc32(Bytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(Crc32(Bytes("56789"), Crc32(Bytes("1234"))), 0xCBF43926u);
  EXPECT_EQ(Crc32({}), 0u);
}

TEST(CivilTime, RoundTripsAcrossEras) {
  for (std::int64_t days = -800000; days <= 800000; days += 997) {
    const CivilDate d = CivilFromDays(days);
    EXPECT_EQ(DaysFromCivil(d.year, d.month, d.day), days);
  }
  EXPECT_EQ(DaysFromCivil(2026, 12, 4), 20791);
  EXPECT_EQ(CivilFromDays(-1).year, 1969);
  EXPECT_EQ(CivilFromDays(-1).day, 31u);
}

}  // namespace
}  // namespace base
