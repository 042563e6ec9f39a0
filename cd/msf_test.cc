// MSF/LBA and BCD (ECMA-130 2nd edition 14.2; MMC-5 4.2.3.6).
#include "cd/msf.h"

#include <gtest/gtest.h>

namespace cd {
namespace {

TEST(MsfTest, ProgramAreaStartsAtTwoSeconds) {
  EXPECT_EQ(LbaToMsf(0), (Msf{0, 2, 0}));
  EXPECT_EQ(MsfToLba(Msf{0, 2, 0}), 0);
  EXPECT_EQ(MsfToLba(0, 2, 0), 0);
  EXPECT_EQ(LbaToMsf(-150), (Msf{0, 0, 0}));
  EXPECT_EQ(LbaToMsf(1000), (Msf{0, 15, 25}));
  EXPECT_EQ(LbaToMsf(404849), (Msf{89, 59, 74}));
}

TEST(MsfTest, LeadInWrapsBelowZeroTime) {
  EXPECT_EQ(LbaToMsf(-151), (Msf{99, 59, 74}));
  EXPECT_EQ(LbaToMsf(-45150), (Msf{90, 0, 0}));
  // The ATIP lead-in start cdrecord reports for a typical CD-R: 97:26:66 = -11634.
  EXPECT_EQ(MsfToLba(Msf{97, 26, 66}), -11634);
  EXPECT_EQ(LbaToMsf(-11634), (Msf{97, 26, 66}));
}

TEST(MsfTest, RoundTrips) {
  for (std::int32_t lba = -45150; lba < 404850; lba += 7) {
    EXPECT_EQ(MsfToLba(LbaToMsf(lba)), lba) << lba;
  }
  for (std::uint8_t m = 0; m < 100; ++m) {
    for (std::uint8_t s = 0; s < 60; s = static_cast<std::uint8_t>(s + 13)) {
      for (std::uint8_t f = 0; f < 75; f = static_cast<std::uint8_t>(f + 11)) {
        const Msf msf{m, s, f};
        EXPECT_EQ(LbaToMsf(MsfToLba(msf)), msf);
      }
    }
  }
}

TEST(MsfTest, Bcd) {
  EXPECT_EQ(ToBcd(0), 0x00);
  EXPECT_EQ(ToBcd(9), 0x09);
  EXPECT_EQ(ToBcd(59), 0x59);
  EXPECT_EQ(ToBcd(99), 0x99);
  EXPECT_EQ(ToBcd(174), 0x74);  // two lowest digits
  for (std::uint32_t v = 0; v < 100; ++v) EXPECT_EQ(FromBcd(ToBcd(v)), v);
}

}  // namespace
}  // namespace cd
