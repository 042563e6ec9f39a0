// Times in the manifest (specs/manifest.md "volume", `timestamp`; `mtime` of entries):
// RFC 3339 date-times or integer seconds since 1970, within what an ISO 9660 directory
// record holds, and the default volume timestamp (SOURCE_DATE_EPOCH, else "now").
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/civil_time.h"
#include "manifest/parser.h"

namespace fs::manifest {

std::optional<Timestamp> ParseRfc3339(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n, int* out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, &year) || s.size() < 20 || s[4] != '-' || !digits(5, 2, &month) ||
      s[7] != '-' || !digits(8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(11, 2, &hour) || s[13] != ':' || !digits(14, 2, &minute) || s[16] != ':' ||
      !digits(17, 2, &second)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  std::size_t pos = 19;
  std::uint32_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int ndig = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (ndig < 9) nanos = nanos * 10 + static_cast<std::uint32_t>(s[pos] - '0');
      ++ndig;
      ++pos;
    }
    if (ndig == 0) return std::nullopt;
    for (int k = ndig; k < 9; ++k) nanos *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  Timestamp t;
  t.seconds =
      base::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + std::min(second, 59) - offset;
  t.nanoseconds = nanos;
  return t;
}

// RFC 3339 date-time ("2026-01-01T00:00:00Z", offsets allowed) or seconds since 1970.
base::Expected<Timestamp> Parser::GetTime(const JsonValue& v, const std::string& path) const {
  Timestamp t;
  if (v.type == Type::kUnsigned || v.type == Type::kInteger) {
    t.seconds =
        v.type == Type::kUnsigned
            ? static_cast<std::int64_t>(std::min<std::uint64_t>(v.unsigned_, kMaxTime + 1ull))
            : v.integer;
  } else if (v.type == Type::kString) {
    auto parsed = ParseRfc3339(v.string);
    if (!parsed) {
      return Fail(
          v, path,
          "\"" + v.string + "\" is not an RFC 3339 date-time like \"2026-01-01T00:00:00Z\"");
    }
    t = *parsed;
  } else {
    return Fail(v, path,
                std::string("expected a date-time string or an integer, got ") +
                    JsonValue::TypeName(v.type));
  }
  if (t.seconds < kMinTime || t.seconds > kMaxTime) {
    return Fail(v, path, "must be between 1900-01-01 and 2155-12-31 (what ISO 9660 can record)");
  }
  return t;
}

Timestamp Parser::DefaultTimestamp() const {
  Timestamp t;
  t.seconds = options_.source_date_epoch ? *options_.source_date_epoch : options_.now;
  t.seconds = std::clamp(t.seconds, kMinTime, kMaxTime);
  return t;
}

}  // namespace fs::manifest
