// A small JSON document model that remembers where each value and key starts in the text,
// so that every manifest error can name its line and column. Parsing is done by
// RapidJSON's iterative SAX reader (no recursion, so hostile nesting cannot exhaust the
// stack), with UTF-8 validation; this model adds the positions RapidJSON's DOM lacks.
#ifndef MKIMG_FS_MANIFEST_JSON_DOM_H_
#define MKIMG_FS_MANIFEST_JSON_DOM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace fs::manifest {

struct JsonMember;

struct JsonValue {
  enum class Type : std::uint8_t {
    kNull,
    kBool,
    kInteger,
    kUnsigned,
    kDouble,
    kString,
    kArray,
    kObject
  };
  Type type = Type::kNull;
  std::size_t offset = 0;  // byte offset of the value's first character
  bool boolean = false;
  std::int64_t integer = 0;     // kInteger (negative numbers)
  std::uint64_t unsigned_ = 0;  // kUnsigned (non-negative numbers)
  double real = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<JsonMember> object;

  const JsonValue* Find(std::string_view key) const;
  static const char* TypeName(Type t);
};

struct JsonMember {
  std::string key;
  std::size_t key_offset = 0;
  JsonValue value;
};

inline const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const JsonMember& m : object) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

// Parses `text`. Errors are kInvalidInput with WHERE "NAME:LINE:COLUMN" (duplicate keys
// and nesting deeper than kMaxDepth are errors too).
base::Expected<JsonValue> ParseJson(std::string_view text, const std::string& display_name);

inline constexpr int kMaxDepth = 64;

// 1-based line and column (in characters, counting UTF-8 sequences as one) of `offset`.
std::pair<int, int> LineColumn(std::string_view text, std::size_t offset);

}  // namespace fs::manifest

#endif  // MKIMG_FS_MANIFEST_JSON_DOM_H_
