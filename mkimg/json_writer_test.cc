// The CLI's JSON writer: structure, separators of both styles, and escaping of quotes,
// backslashes, control characters and invalid UTF-8 (json_writer.h).
#include "mkimg/json_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace mkimg {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonWriterTest, CompactObjectsAndArrays) {
  JsonWriter w;
  w.BeginObject().Key("a").Uint(1).Key("b").BeginArray().Int(-2).Bool(true).Null().EndArray();
  w.Key("c").BeginObject().EndObject().Key("d").BeginArray().EndArray();
  w.Key("e").Optional(std::optional<std::uint32_t>()).Key("f").Optional(std::optional<int>(-7));
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":[-2,true,null],"c":{},"d":[],"e":null,"f":-7})");
}

TEST(JsonWriterTest, SpacedSeparators) {
  JsonWriter w(JsonWriter::Style::kSpaced);
  w.BeginObject().Key("output").String("x.iso").Key("seconds").Fixed(0.5, 3);
  w.Key("sections").BeginArray();
  w.BeginObject().Key("name").String("pvd").Key("lba").Uint(16).EndObject();
  w.BeginObject().Key("name").String("end").EndObject();
  w.EndArray().EndObject();
  EXPECT_EQ(w.str(),
            R"({"output": "x.iso", "seconds": 0.500, "sections": [{"name": "pvd", "lba": 16}, )"
            R"({"name": "end"}]})");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Quoted(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Quoted("\x7f/"), "\"\x7f/\"");
}

TEST(JsonWriterTest, KeepsValidUtf8) {
  EXPECT_EQ(Quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xBF"),
            "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xBF\"");
}

TEST(JsonWriterTest, ReplacesEachInvalidByte) {
  EXPECT_EQ(Quoted("a\xFF"
                   "b"),
            R"("a\ufffdb")");
  // A truncated sequence: each byte is replaced, decoding resumes at the next one.
  EXPECT_EQ(Quoted("\xE2\x82"), R"("\ufffd\ufffd")");
  EXPECT_EQ(Quoted("\xC0\xAF"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(Quoted("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");            // a surrogate
  EXPECT_EQ(Quoted("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(Quoted("\x80z"), R"("\ufffdz")");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  JsonWriter w;
  w.BeginObject().Key("k\"\n").String("").EndObject();
  EXPECT_EQ(w.str(), R"({"k\"\n":""})");
}

}  // namespace
}  // namespace mkimg
