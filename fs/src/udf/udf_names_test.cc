// The UDF writer's text encodings against byte vectors worked out from OSTA UDF 2.60 2.1.1
// (CS0 compression IDs 8 and 16), ECMA-167 1/7.2.12 (dstrings) and 4/14.16.1 (path
// components), and against the reader's decoders.
#include "udf/udf_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "udf/udf_volume.h"

namespace fs::udf {
namespace {

std::vector<std::uint8_t> Bytes(std::string_view s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

TEST(UdfNamesTest, Cs0ChoosesEightOrSixteenBits) {
  EXPECT_EQ(Bytes(EncodeCs0("abc")), (std::vector<std::uint8_t>{8, 'a', 'b', 'c'}));
  // U+00E9 fits 8 bits: the byte itself, not its UTF-8 form.
  EXPECT_EQ(Bytes(EncodeCs0("caf\xC3\xA9")), (std::vector<std::uint8_t>{8, 'c', 'a', 'f', 0xE9}));
  // One character past U+00FF makes every character 16 bits, big-endian.
  EXPECT_EQ(Bytes(EncodeCs0("a\xCE\xB1")), (std::vector<std::uint8_t>{16, 0, 'a', 0x03, 0xB1}));
  // Past the BMP: a surrogate pair (U+1F600 = D83D DE00).
  EXPECT_EQ(Bytes(EncodeCs0("\xF0\x9F\x98\x80")),
            (std::vector<std::uint8_t>{16, 0xD8, 0x3D, 0xDE, 0x00}));
  // Malformed UTF-8 becomes U+FFFD.
  EXPECT_EQ(Bytes(EncodeCs0("\xFF")), (std::vector<std::uint8_t>{16, 0xFF, 0xFD}));
}

TEST(UdfNamesTest, Cs0RoundTripsThroughTheReader) {
  for (std::string name : {"plain.txt", "caf\xC3\xA9-r\xC3\xA9sum\xC3\xA9", "\xCE\x95\xCE\xBB",
                           "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80 smile"}) {
    const std::string cs0 = EncodeCs0(name);
    std::string back;
    ASSERT_TRUE(reader::DecodeUdfCs0(Bytes(cs0), &back)) << name;
    EXPECT_EQ(back, name);
  }
}

TEST(UdfNamesTest, LengthLimitIsInBytesOfCs0) {
  // 127 Greek letters are 254 bytes of UTF-8 and 1 + 254 bytes of CS0: at the limit.
  std::string greek;
  for (int i = 0; i < 127; ++i) greek += "\xCE\xB1";
  EXPECT_EQ(EncodeCs0(greek).size(), 255u);
  // One Greek letter makes 200 ASCII letters 16-bit: 1 + 2 * 201 bytes.
  EXPECT_EQ(EncodeCs0("\xCE\xB1" + std::string(200, 'a')).size(), 403u);
}

TEST(UdfNamesTest, DstringRecordsItsLengthLast) {
  const std::vector<std::uint8_t> d = Dstring("Test", 32);
  ASSERT_EQ(d.size(), 32u);
  EXPECT_EQ(d[0], 8);
  EXPECT_EQ(d[1], 'T');
  EXPECT_EQ(d[31], 5);  // 1/7.2.12: compression ID and four characters
  EXPECT_EQ(Dstring("", 32), std::vector<std::uint8_t>(32, 0));
  // Too long: cut at a character boundary to fit 31 bytes (15 16-bit characters).
  std::string greek;
  for (int i = 0; i < 40; ++i) greek += "\xCE\xB1";
  const std::vector<std::uint8_t> cut = Dstring(greek, 32);
  EXPECT_EQ(cut[0], 16);
  EXPECT_EQ(cut[31], 31);
  EXPECT_EQ(reader::UdfDstring(cut), greek.substr(0, 30));
}

TEST(UdfNamesTest, PathComponents) {
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(EncodePathComponents("/a/../b//./c", &out));
  // 4/14.16.1: type 2 root, 5 "a", 3 parent, 5 "b", 4 current, 5 "c"; version 0.
  EXPECT_EQ(out, (std::vector<std::uint8_t>{2, 0, 0, 0, 5,   2, 0, 0, 8, 'a', 3, 0, 0, 0, 5,
                                            2, 0, 0, 8, 'b', 4, 0, 0, 0, 5,   2, 0, 0, 8, 'c'}));
  ASSERT_TRUE(EncodePathComponents("x", &out));
  EXPECT_EQ(out, (std::vector<std::uint8_t>{5, 2, 0, 0, 8, 'x'}));
  EXPECT_FALSE(EncodePathComponents(std::string(300, 'y'), &out));
}

}  // namespace
}  // namespace fs::udf
