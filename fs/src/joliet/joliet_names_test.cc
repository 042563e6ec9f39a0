// Joliet name mapping: forbidden characters, characters outside the BMP, truncation that
// keeps the extension, numbered variants, and the UCS-2 big-endian encoding.
#include "joliet/joliet_names.h"

#include <gtest/gtest.h>

namespace fs::joliet {
namespace {

TEST(JolietNamesTest, KeepsOrdinaryUnicodeNames) {
  EXPECT_EQ(MapName("Caf\xC3\xA9 menu.txt", true, kMaxNameLength), u"Caf\u00e9 menu.txt");
  EXPECT_EQ(MapName("README.md", true, kMaxNameLength), u"README.md");
}

TEST(JolietNamesTest, MapsForbiddenAndNonBmpCharacters) {
  EXPECT_EQ(MapName("a*b/c:d;e?f\\g", true, kMaxNameLength), u"a_b_c_d_e_f_g");
  EXPECT_EQ(MapName("smile\xF0\x9F\x98\x80.txt", true, kMaxNameLength), u"smile_.txt");
  EXPECT_EQ(MapName("tab\there", true, kMaxNameLength), u"tab_here");
  EXPECT_EQ(MapName("bad\xFFname", true, kMaxNameLength), u"bad_name");
  EXPECT_EQ(MapName("", false, kMaxNameLength), u"_");
}

TEST(JolietNamesTest, TruncatesKeepingTheExtension) {
  const std::string name = std::string(200, 'a') + ".tar.gz";
  std::u16string mapped = MapName(name, true, kMaxNameLength);
  EXPECT_EQ(mapped, std::u16string(61, u'a') + u".gz");
  EXPECT_EQ(MapName(name, true, kMaxLongNameLength).size(), kMaxLongNameLength);
  // A directory keeps no extension; an extension longer than half the limit is not kept.
  EXPECT_EQ(MapName(name, false, kMaxNameLength), std::u16string(64, u'a'));
  EXPECT_EQ(MapName("x." + std::string(100, 'e'), true, kMaxNameLength),
            u"x." + std::u16string(62, u'e'));
}

TEST(JolietNamesTest, NumberedNames) {
  EXPECT_EQ(NumberedName(u"report.txt", true, kMaxNameLength, 1, 1), u"report1.txt");
  EXPECT_EQ(NumberedName(u"folder", false, kMaxNameLength, 12, 3), u"folder012");
  std::u16string full(60, u'a');
  full += u".txt";
  EXPECT_EQ(NumberedName(full, true, kMaxNameLength, 7, 2), std::u16string(58, u'a') + u"07.txt");
}

TEST(JolietNamesTest, EncodesUcs2BigEndianWithVersion) {
  EXPECT_EQ(EncodeUcs2Be(u"a\u00e9", false), std::string("\0a\0\xe9", 4));
  EXPECT_EQ(EncodeUcs2Be(u"a", true), std::string("\0a\0;\0"
                                                  "1",
                                                  6));
  EXPECT_EQ(ToUtf8(u"caf\u00e9"), "caf\xC3\xA9");
}

// Linux (get_joliet_filename), Windows and 7-Zip drop trailing dots: "apache." is
// "apache" to them; one character is always kept. Case folds only when asked.
TEST(JolietNamesTest, CollisionKeyIsTheNameReadersCompare) {
  EXPECT_EQ(CollisionKey(u"apache.", false), u"apache");
  EXPECT_EQ(CollisionKey(u"name..", false), u"name");
  EXPECT_EQ(CollisionKey(u"x.txt", false), u"x.txt");
  EXPECT_EQ(CollisionKey(u".", false), u".");
  EXPECT_EQ(CollisionKey(u"Case", false), u"Case");
  EXPECT_EQ(CollisionKey(u"Case", true), CollisionKey(u"cASE", true));
  EXPECT_EQ(CollisionKey(u"\u00e9t\u00e9", true), u"\u00c9T\u00c9");
  EXPECT_EQ(CollisionKey(u"\u0436\u0451\u03c2\u00ff\u0142", true),
            u"\u0416\u0401\u03a3\u0178\u0141");
  EXPECT_EQ(CollisionKey(u"\u00f7\u00df", true), u"\u00f7\u00df");  // no simple upper case
}

TEST(JolietNamesTest, NamesOfDotsOnlyBecomeUnderscores) {
  EXPECT_EQ(MapName("...", true, kMaxNameLength), u"___");
  EXPECT_EQ(MapName("..a", true, kMaxNameLength), u"..a");
}

}  // namespace
}  // namespace fs::joliet
