// The one JSON writer of the command line: every `--json` output (build, info, emu info)
// is written through it, so escaping is the same everywhere. Output is RFC 8259 text.
//
// Strings: `"` and `\` are escaped; the control characters U+0000-U+001F are written as
// \b \f \n \r \t where JSON has a short form and as \u00xx (lower-case hex) otherwise;
// everything else that is valid UTF-8 is copied unchanged (no \u escapes for non-ASCII).
// Bytes that are not valid UTF-8 (by Unicode's definition: no overlong forms, surrogates
// or values above U+10FFFF) cannot be represented in a JSON string, so each such byte is
// written as \ufffd (U+FFFD REPLACEMENT CHARACTER) and decoding resumes at the next byte.
// Image readers hand over names from untrusted images, so this matters.
#ifndef MKIMG_MKIMG_JSON_WRITER_H_
#define MKIMG_MKIMG_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mkimg {

// The length of the valid UTF-8 sequence starting at s[i] (Unicode 15.0 table 3-7, "well-
// formed UTF-8 byte sequences"), or 0 if the byte there does not start one.
std::size_t ValidSequenceLength(std::string_view s, std::size_t i);

// Appends `s` as a JSON string literal, quotes included, escaped as described above.
void AppendJsonString(std::string_view s, std::string* out);

// Builds one JSON value in memory. Commas between members and elements are inserted by
// the writer; a Key() must precede each value inside an object. The caller keeps the
// nesting balanced (a CHECK fails otherwise: that is a bug, not bad input).
class JsonWriter {
 public:
  enum class Style {
    kCompact,  // {"a":1,"b":[2,3]}
    kSpaced,   // {"a": 1, "b": [2, 3]}
  };
  explicit JsonWriter(Style style = Style::kCompact) : style_(style) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Uint(std::uint64_t value);
  JsonWriter& Int(std::int64_t value);
  // A number with exactly `decimals` digits after the point (e.g. seconds with 3).
  JsonWriter& Fixed(double value, int decimals);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // The value, or null when absent.
  template <typename T>
  JsonWriter& Optional(const std::optional<T>& value) {
    if (!value) return Null();
    if constexpr (std::is_signed_v<T>) return Int(static_cast<std::int64_t>(*value));
    return Uint(static_cast<std::uint64_t>(*value));
  }

  // The text written so far; complete once every object and array is closed.
  const std::string& str() const { return out_; }

 private:
  // Writes the separator a new value needs in the current container.
  void BeforeValue();
  void Open(char bracket, bool object);
  void Close(char bracket, bool object);

  struct Level {
    bool object;
    bool empty = true;
  };
  Style style_;
  std::string out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

}  // namespace mkimg

#endif  // MKIMG_MKIMG_JSON_WRITER_H_
