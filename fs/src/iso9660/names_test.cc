// The d-character mapping, the 8.3 and 30-character forms, numbered variants and the
// ECMA-119 9.3 order of iso9660/names.h.
#include "iso9660/names.h"

#include <gtest/gtest.h>

namespace fs::iso9660 {
namespace {

TEST(IsoNamesTest, Level1IsEightDotThree) {
  EXPECT_EQ(MapFileIdentifier("readme.md", 1), "README.MD");
  EXPECT_EQ(MapFileIdentifier("verylongname.html", 1), "VERYLONG.HTM");
  EXPECT_EQ(MapFileIdentifier("Makefile", 1), "MAKEFILE.");
  EXPECT_EQ(MapFileIdentifier("archive.tar.gz", 1), "ARCHIVE_.GZ");
  EXPECT_EQ(MapFileIdentifier(".bashrc", 1), "_BASHRC.");
  EXPECT_EQ(MapDirectoryIdentifier("my.folder-name", 1), "MY_FOLDE");
}

TEST(IsoNamesTest, Level2KeepsThirtyCharacters) {
  EXPECT_EQ(MapFileIdentifier("a-b c+d.txt", 2), "A_B_C_D.TXT");
  EXPECT_EQ(MapFileIdentifier(std::string(40, 'x') + ".txt", 2), std::string(27, 'X') + ".TXT");
  EXPECT_EQ(MapFileIdentifier("x." + std::string(40, 'e'), 2), "X." + std::string(29, 'E'));
  EXPECT_EQ(MapDirectoryIdentifier(std::string(40, 'd'), 3), std::string(31, 'D'));
}

TEST(IsoNamesTest, NonAsciiCharactersBecomeOneUnderscoreEach) {
  EXPECT_EQ(MapFileIdentifier("caf\xC3\xA9.txt", 3), "CAF_.TXT");
  EXPECT_EQ(MapFileIdentifier("\xF0\x9F\x98\x80", 3), "_.");
  EXPECT_EQ(MapFileIdentifier("bad\xFF\xFEname", 3), "BAD__NAME.");  // not UTF-8
}

TEST(IsoNamesTest, NumberedIdentifiers) {
  EXPECT_EQ(NumberedIdentifier("README.MD", true, 1, 0, 3), "READM000.MD");
  EXPECT_EQ(NumberedIdentifier("A.TXT", true, 1, 7, 3), "A007.TXT");
  EXPECT_EQ(NumberedIdentifier("ABCDEFGH", false, 1, 12, 3), "ABCDE012");
  EXPECT_EQ(NumberedIdentifier(std::string(27, 'X') + ".TXT", true, 2, 1234, 4),
            std::string(23, 'X') + "1234.TXT");
  EXPECT_EQ(NumberedIdentifier("X." + std::string(29, 'E'), true, 3, 5, 3),
            "005." + std::string(27, 'E'));
}

TEST(IsoNamesTest, CompareFollowsEcma119Section9_3) {
  EXPECT_LT(CompareIdentifiers("A.B", "A_.B"), 0);  // name padded with spaces
  EXPECT_LT(CompareIdentifiers("A.D", "AB.C"), 0);
  EXPECT_LT(CompareIdentifiers("A.B", "A.BC"), 0);  // then extension
  EXPECT_LT(CompareIdentifiers("README.MD", "README000.MD"), 0);
  EXPECT_EQ(CompareIdentifiers("A", "A."), 0);  // directory vs extension-less file
  EXPECT_GT(CompareIdentifiers("B", "A.Z"), 0);
}

}  // namespace
}  // namespace fs::iso9660
