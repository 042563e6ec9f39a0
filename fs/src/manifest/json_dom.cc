#include "manifest/json_dom.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstring>

namespace fs::manifest {
namespace {

using Type = JsonValue::Type;

// Builds JsonValues from SAX events. RapidJSON reports no positions (and its stream's
// Tell() lags inside string parsing), so the builder keeps its own cursor: at each event
// it skips separators to the token's start and then lexes past the token. RapidJSON has
// already validated the token when the event fires, so the cursor stays in step.
class Builder {
 public:
  explicit Builder(std::string_view text) : text_(text) {}

  bool Null() { return Add(Value(Type::kNull)); }
  bool Bool(bool b) {
    JsonValue v = Value(Type::kBool);
    v.boolean = b;
    return Add(std::move(v));
  }
  bool Int(int i) { return Signed(i); }
  bool Int64(std::int64_t i) { return Signed(i); }
  bool Uint(unsigned u) { return Unsigned(u); }
  bool Uint64(std::uint64_t u) { return Unsigned(u); }
  bool Double(double d) {
    JsonValue v = Value(Type::kDouble);
    v.real = d;
    return Add(std::move(v));
  }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    JsonValue v = Value(Type::kString);
    v.string.assign(s, n);
    return Add(std::move(v));
  }
  bool StartObject() { return Start(Type::kObject); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::size_t start = NextToken();
    JsonValue& obj = stack_.back();
    std::string_view key(s, n);
    for (const auto& m : obj.object) {
      if (m.key == key) {
        error_offset_ = start;
        error_ = "duplicate key \"" + std::string(key) + "\"";
        return false;
      }
    }
    obj.object.push_back({std::string(key), start, JsonValue{}});
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return End(); }
  bool StartArray() { return Start(Type::kArray); }
  bool EndArray(rapidjson::SizeType) { return End(); }

  JsonValue TakeRoot() { return std::move(root_); }
  const std::string& error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }

 private:
  std::size_t SkipSeparators(std::size_t p) const {
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r' ||
                                text_[p] == '\n' || text_[p] == ',' || text_[p] == ':')) {
      ++p;
    }
    return p;
  }
  // Returns the start of the next token and moves the cursor past it.
  std::size_t NextToken() {
    std::size_t start = SkipSeparators(cursor_);
    std::size_t p = start;
    if (p >= text_.size()) {
      cursor_ = p;
      return start;
    }
    char c = text_[p];
    if (c == '"') {
      for (++p; p < text_.size() && text_[p] != '"'; ++p) {
        if (text_[p] == '\\') ++p;
      }
      ++p;
    } else if (c == '{' || c == '[' || c == '}' || c == ']') {
      ++p;
    } else {
      while (p < text_.size() && std::strchr(" \t\r\n,:]}", text_[p]) == nullptr) ++p;
    }
    cursor_ = std::min(p, text_.size());
    return start;
  }
  JsonValue Value(Type t) {
    JsonValue v;
    v.type = t;
    v.offset = NextToken();
    return v;
  }
  bool Signed(std::int64_t i) {
    if (i >= 0) return Unsigned(static_cast<std::uint64_t>(i));
    JsonValue v = Value(Type::kInteger);
    v.integer = i;
    return Add(std::move(v));
  }
  bool Unsigned(std::uint64_t u) {
    JsonValue v = Value(Type::kUnsigned);
    v.unsigned_ = u;
    return Add(std::move(v));
  }
  bool Start(Type t) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      error_offset_ = SkipSeparators(cursor_);
      error_ = "nesting deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    JsonValue v;
    v.type = t;
    v.offset = NextToken();
    stack_.push_back(std::move(v));
    return true;
  }
  bool End() {
    NextToken();
    JsonValue v = std::move(stack_.back());
    stack_.pop_back();
    return Add(std::move(v));
  }
  bool Add(JsonValue v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    JsonValue& top = stack_.back();
    if (top.type == Type::kArray) {
      top.array.push_back(std::move(v));
    } else {
      top.object.back().value = std::move(v);
    }
    return true;
  }

  std::string_view text_;
  std::size_t cursor_ = 0;
  std::vector<JsonValue> stack_;
  JsonValue root_;
  std::string error_;
  std::size_t error_offset_ = 0;
};

}  // namespace

const char* JsonValue::TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "a boolean";
    case Type::kInteger:
    case Type::kUnsigned:
      return "an integer";
    case Type::kDouble:
      return "a number";
    case Type::kString:
      return "a string";
    case Type::kArray:
      return "an array";
    case Type::kObject:
      return "an object";
  }
  return "?";
}

std::pair<int, int> LineColumn(std::string_view text, std::size_t offset) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

base::Expected<JsonValue> ParseJson(std::string_view text, const std::string& display_name) {
  auto where = [&](std::size_t offset) {
    auto [line, column] = LineColumn(text, offset);
    return display_name + ":" + std::to_string(line) + ":" + std::to_string(column);
  };
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    return base::InvalidInput(where(nul), "JSON syntax error: NUL byte in the text");
  }
  // In-situ parsing of a private copy: RapidJSON 1.1's internal stack does pointer
  // arithmetic on a null pointer on its first push (UBSan reports it), and in-situ
  // recursive parsing never pushes. Recursion stays bounded: the builder refuses to open
  // more than kMaxDepth objects or arrays, and RapidJSON asks it before descending.
  // RapidJSON's UTF-8 validation reads all tail bytes of a multi-byte sequence before
  // judging them, so a lead byte just before the end would read past the terminator:
  // pad the copy with four NULs (the stream still stops at the first).
  std::string copy(text);
  copy.append(4, '\0');
  rapidjson::InsituStringStream stream(copy.data());
  Builder builder(text);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(stream, builder);
  if (!ok) {
    if (!builder.error().empty()) {
      return base::InvalidInput(where(builder.error_offset()), builder.error());
    }
    return base::InvalidInput(where(ok.Offset()), std::string("JSON syntax error: ") +
                                                      rapidjson::GetParseError_En(ok.Code()));
  }
  return builder.TakeRoot();
}

}  // namespace fs::manifest
