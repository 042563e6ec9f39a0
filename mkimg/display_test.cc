// Printable names (display.h): one name is one line, whatever its bytes.
#include "mkimg/display.h"

#include <gtest/gtest.h>

namespace mkimg {
namespace {

TEST(Printable, CopiesValidUtf8) {
  EXPECT_EQ(Printable("caf\xC3\xA9 \xE2\x82\xAC/\xF0\x9F\x98\x80.txt"),
            "caf\xC3\xA9 \xE2\x82\xAC/\xF0\x9F\x98\x80.txt");
}

TEST(Printable, EscapesControlsAndBackslash) {
  EXPECT_EQ(Printable("a\nb\tc\rd\\e"), "a\\nb\\tc\\rd\\\\e");
  EXPECT_EQ(Printable(std::string("x\0y\x1B[31m\x7F", 9)), "x\\x00y\\x1B[31m\\x7F");
  EXPECT_EQ(Printable("\xC2\x85"), "\\xC2\\x85");  // U+0085, a C1 control
}

TEST(Printable, EscapesEachInvalidByte) {
  EXPECT_EQ(Printable("a\xFF"
                      "b"),
            "a\\xFFb");
  EXPECT_EQ(Printable("\xC3"), "\\xC3");                    // truncated sequence
  EXPECT_EQ(Printable("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(Printable("\xC0\xAF"), "\\xC0\\xAF");           // overlong
}

}  // namespace
}  // namespace mkimg
