// FAT name, checksum and date rules (fat_format.h) against FAT 1.03's worked examples.
#include "fat/fat_format.h"

#include <gtest/gtest.h>

#include <string>

namespace fs::fat {
namespace {

std::string Show(const ShortName& n) { return std::string(n.begin(), n.end()); }

TEST(FatNames, BasisNamesFollowTheAlgorithm) {
  // FAT 1.03 "The Basis-Name Generation Algorithm" examples.
  EXPECT_EQ(Show(MakeBasisName(u"The quick brown.fox").name), "THEQUICKFOX");
  EXPECT_TRUE(MakeBasisName(u"The quick brown.fox").lossy);  // primary cut at 8
  EXPECT_EQ(Show(MakeBasisName(u"program.c").name), "PROGRAM C  ");
  EXPECT_FALSE(MakeBasisName(u"program.c").lossy);
  EXPECT_EQ(Show(MakeBasisName(u"BOOTX64.EFI").name), "BOOTX64 EFI");
  EXPECT_EQ(Show(MakeBasisName(u"a+b=c.tar.gz").name), "A_B_CTARGZ ");
  EXPECT_TRUE(MakeBasisName(u"a+b=c.tar.gz").lossy);
  EXPECT_EQ(Show(MakeBasisName(u"gr\u00fc\u00dfe.txt").name), "GR__E   TXT");
  EXPECT_TRUE(MakeBasisName(u"gr\u00fc\u00dfe.txt").lossy);
  EXPECT_EQ(Show(MakeBasisName(u"...").name), "_          ");
}

TEST(FatNames, NumericTailsCutThePrimaryPart) {
  EXPECT_EQ(Show(WithNumericTail(MakeBasisName(u"The quick brown.fox").name, 1)), "THEQUI~1FOX");
  EXPECT_EQ(Show(WithNumericTail(MakeBasisName(u"ab.c").name, 12)), "AB~12   C  ");
  EXPECT_EQ(Show(WithNumericTail(MakeBasisName(u"abcdefgh").name, 123456)), "A~123456   ");
}

TEST(FatNames, ShortNamesMatchOnlyExactUpperCase83Names) {
  EXPECT_TRUE(ShortNameMatches(MakeBasisName(u"BOOTX64.EFI").name, u"BOOTX64.EFI"));
  EXPECT_FALSE(ShortNameMatches(MakeBasisName(u"bootx64.efi").name, u"bootx64.efi"));
  EXPECT_TRUE(ShortNameMatches(MakeBasisName(u"EFI").name, u"EFI"));
  EXPECT_FALSE(ShortNameMatches(MakeBasisName(u"A B").name, u"A B"));
}

TEST(FatNames, LongNameRules) {
  EXPECT_EQ(LongNameProblem(u"ok name.txt"), "");
  EXPECT_NE(LongNameProblem(u""), "");
  EXPECT_NE(LongNameProblem(u"a:b"), "");
  EXPECT_NE(LongNameProblem(u"a\u0001"), "");
  EXPECT_NE(LongNameProblem(u"trailing."), "");
  EXPECT_NE(LongNameProblem(u"trailing "), "");
  EXPECT_EQ(LongNameProblem(std::u16string(255, u'x')), "");
  EXPECT_NE(LongNameProblem(std::u16string(256, u'x')), "");
}

TEST(FatNames, ChecksumIsTheRotatingSum) {
  // The ChkSum() of FAT 1.03, by hand: each step rotates right by one bit and adds.
  ShortName n;
  n.fill(' ');
  std::uint8_t expected = 0;
  for (std::uint8_t c : n)
    expected = static_cast<std::uint8_t>(((expected & 1) << 7) + (expected >> 1) + c);
  EXPECT_EQ(ShortNameChecksum(n), expected);
  ShortName a = n;
  a[0] = 'A';
  EXPECT_NE(ShortNameChecksum(a), ShortNameChecksum(n));
}

TEST(FatTime, DosDatesAndClamping) {
  // 2026-01-01T00:00:01Z: date (46 << 9) | (1 << 5) | 1, time 0 with the odd second.
  const DosTime t = ToDosTime(1767225601);
  EXPECT_EQ(t.date, (46 << 9) | (1 << 5) | 1);
  EXPECT_EQ(t.time, 0);
  EXPECT_EQ(t.tenth, 100);
  const DosTime noon = ToDosTime(1767225600 + 12 * 3600 + 34 * 60 + 56);
  EXPECT_EQ(noon.time, (12 << 11) | (34 << 5) | 28);
  EXPECT_EQ(ToDosTime(0).date, (0 << 9) | (1 << 5) | 1);  // before 1980: 1980-01-01
  EXPECT_EQ(ToDosTime(0).time, 0);
  EXPECT_EQ(ToDosTime(std::int64_t{1} << 40).date, (127 << 9) | (12 << 5) | 31);
}

}  // namespace
}  // namespace fs::fat
