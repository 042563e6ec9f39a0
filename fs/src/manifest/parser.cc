// The manifest parser's common ground (specs/manifest.md "Parsing"): where an error is
// ("NAME:LINE:COLUMN: $.json.path"), unknown keys with the closest allowed key as a hint,
// and the typed getters every part of the parser reads values through.
#include "manifest/parser.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace fs::manifest {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string Parser::WhereOffset(std::size_t offset, const std::string& path) const {
  auto [line, column] = manifest::LineColumn(text_, offset);
  // A nested manifest's paths are written from its own root "$": they are shown from the
  // outer one's.
  const std::string shown =
      prefix_ != "$" && !path.empty() && path[0] == '$' ? prefix_ + path.substr(1) : path;
  return options_.display_name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
         shown;
}

std::string Parser::Where(const JsonValue& v, const std::string& path) const {
  return WhereOffset(v.offset, path);
}

base::Error Parser::Fail(const JsonValue& v, const std::string& path, std::string what) const {
  return base::InvalidInput(Where(v, path), std::move(what));
}

void Parser::Warn(const std::string& where, std::string what) const {
  if (diagnostics_) diagnostics_({where, std::move(what)});
}

// Unknown keys are errors, with the closest allowed key as a hint.
base::Status Parser::CheckKeys(const JsonValue& obj, const std::string& path,
                               std::initializer_list<std::string_view> allowed) const {
  for (const auto& m : obj.object) {
    if (std::find(allowed.begin(), allowed.end(), m.key) != allowed.end()) continue;
    std::string_view best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (std::string_view a : allowed) {
      std::size_t d = EditDistance(m.key, a);
      if (d < best_distance) {
        best_distance = d;
        best = a;
      }
    }
    std::string what = "unknown key \"" + m.key + "\"";
    if (best_distance <= std::max<std::size_t>(2, best.size() / 3)) {
      what += " (did you mean \"" + std::string(best) + "\"?)";
    } else {
      what += " (allowed here:";
      for (std::string_view a : allowed) what += " " + std::string(a);
      what += ")";
    }
    return base::InvalidInput(WhereOffset(m.key_offset, path), what);
  }
  return base::Ok();
}

base::Expected<const JsonValue*> Parser::Expect(const JsonValue& v, const std::string& path,
                                                Type t) const {
  if (v.type != t) {
    return Fail(
        v, path,
        std::string("expected ") + JsonValue::TypeName(t) + ", got " + JsonValue::TypeName(v.type));
  }
  return &v;
}

base::Expected<std::string> Parser::GetString(const JsonValue& v, const std::string& path) const {
  RETURN_IF_ERROR(Expect(v, path, Type::kString));
  // Names, paths, link targets and identifiers end at a NUL on the host and in the
  // image's records: one inside would be cut there, or written as is.
  if (v.string.find('\0') != std::string::npos) return Fail(v, path, "must not contain NUL");
  return v.string;
}

base::Expected<std::string> Parser::GetText(const JsonValue& v, const std::string& path) const {
  RETURN_IF_ERROR(Expect(v, path, Type::kString));
  return v.string;
}

base::Expected<bool> Parser::GetBool(const JsonValue& v, const std::string& path) const {
  RETURN_IF_ERROR(Expect(v, path, Type::kBool));
  return v.boolean;
}

base::Expected<std::uint64_t> Parser::GetUnsigned(const JsonValue& v, const std::string& path,
                                                  std::uint64_t min, std::uint64_t max) const {
  if (v.type == Type::kInteger) {
    return Fail(v, path, "must not be negative (got " + std::to_string(v.integer) + ")");
  }
  if (v.type == Type::kDouble) return Fail(v, path, "expected an integer, got a fractional number");
  RETURN_IF_ERROR(Expect(v, path, Type::kUnsigned));
  if (v.unsigned_ < min || v.unsigned_ > max) {
    return Fail(v, path,
                "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    " (got " + std::to_string(v.unsigned_) + ")");
  }
  return v.unsigned_;
}

}  // namespace fs::manifest
