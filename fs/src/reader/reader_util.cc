// Helpers shared by the image readers; see reader_util.h. Dates follow ECMA-119 9.1.5 and
// 8.4.26.1 and ECMA-167 1/7.3.
#include "reader/reader_util.h"

#include <cstdio>

#include "base/bytes.h"
#include "base/civil_time.h"
#include "base/unicode.h"
#include "udf/udf_format.h"

namespace fs::reader {

base::Expected<std::span<const std::uint8_t>> Bytes(const base::BlockDevice& device,
                                                    std::uint64_t offset, std::uint64_t length,
                                                    std::string_view what,
                                                    std::vector<std::uint8_t>* buffer) {
  if (offset > device.size() || length > device.size() - offset) {
    return base::CorruptImage(LbaWhere(offset / base::kBlockSize),
                              std::string(what) + " extends beyond the end of the image");
  }
  if (length == 0) return std::span<const std::uint8_t>();
  std::span<const std::uint8_t> view = device.View(offset, length);
  if (!view.empty()) return view;
  buffer->resize(length);
  RETURN_IF_ERROR(device.Read(offset, *buffer));
  return std::span<const std::uint8_t>(*buffer);
}

namespace {

std::optional<Timestamp> Compose(std::int64_t year, unsigned month, unsigned day, unsigned hour,
                                 unsigned minute, unsigned second, std::int64_t offset_minutes,
                                 std::uint32_t nanoseconds) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  Timestamp t;
  t.seconds = base::DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
              offset_minutes * 60;
  t.nanoseconds = nanoseconds;
  return t;
}

unsigned Digits(const std::uint8_t* p, int n, bool* ok) {
  unsigned v = 0;
  for (int i = 0; i < n; ++i) {
    if (p[i] < '0' || p[i] > '9') *ok = false;
    v = v * 10 + static_cast<unsigned>(p[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<Timestamp> DecodeRecordingTime(std::span<const std::uint8_t> b) {
  if (b.size() < 7) return std::nullopt;
  if (b[0] == 0 && b[1] == 0 && b[2] == 0) return std::nullopt;
  auto offset = static_cast<std::int8_t>(b[6]);
  if (offset < -48 || offset > 52) offset = 0;  // ECMA-119 9.1.5: out of range means none
  return Compose(1900 + b[0], b[1], b[2], b[3], b[4], b[5], offset * 15, 0);
}

std::optional<Timestamp> DecodeVolumeTime(std::span<const std::uint8_t> b) {
  if (b.size() < 17) return std::nullopt;
  bool ok = true;
  const unsigned year = Digits(b.data(), 4, &ok);
  const unsigned month = Digits(b.data() + 4, 2, &ok);
  const unsigned day = Digits(b.data() + 6, 2, &ok);
  const unsigned hour = Digits(b.data() + 8, 2, &ok);
  const unsigned minute = Digits(b.data() + 10, 2, &ok);
  const unsigned second = Digits(b.data() + 12, 2, &ok);
  const unsigned centi = Digits(b.data() + 14, 2, &ok);
  if (!ok || year == 0) return std::nullopt;
  auto offset = static_cast<std::int8_t>(b[16]);
  if (offset < -48 || offset > 52) offset = 0;
  return Compose(year, month, day, hour, minute, second, offset * 15, centi * 10000000u);
}

std::optional<Timestamp> DecodeUdfTime(std::span<const std::uint8_t> b) {
  auto parsed = udf::Timestamp::Parse(b);
  if (!parsed) return std::nullopt;
  const udf::Timestamp& t = *parsed;
  const std::uint16_t type_tz = t.type_and_timezone.get();
  const std::uint16_t year = t.year.get();
  if (year == 0) return std::nullopt;
  std::int64_t offset = 0;
  if ((type_tz >> 12) == 1) {
    int tz = type_tz & 0x0FFF;
    if (tz & 0x0800) tz -= 0x1000;
    if (tz >= -1440 && tz <= 1440) offset = tz;  // -2047: not specified (ECMA-167 1/7.3.1)
  }
  const std::uint32_t ns = static_cast<std::uint32_t>(t.centiseconds % 100) * 10000000u +
                           static_cast<std::uint32_t>(t.hundreds_of_microseconds % 100) * 100000u +
                           static_cast<std::uint32_t>(t.microseconds % 100) * 1000u;
  return Compose(year, t.month, t.day, t.hour, t.minute, t.second, offset, ns);
}

std::string FormatIso8601(const Timestamp& t) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const base::CivilDate date = base::CivilFromDays(days);
  std::int64_t y = date.year;
  const unsigned m = date.month, d = date.day;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

void AppendListingTime(const Timestamp& t, std::string* out) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const base::CivilDate date = base::CivilFromDays(days);
  std::int64_t y = date.year;
  const unsigned m = date.month, d = date.day;
  if (y < 0 || y > 9999) y = 0;
  const auto two = [out](std::int64_t v) {
    out->push_back(static_cast<char>('0' + v / 10));
    out->push_back(static_cast<char>('0' + v % 10));
  };
  two(y / 100);
  two(y % 100);
  out->push_back('-');
  two(m);
  out->push_back('-');
  two(d);
  out->push_back(' ');
  two(rem / 3600);
  out->push_back(':');
  two(rem / 60 % 60);
}

std::string TrimIdentifier(std::span<const std::uint8_t> field) {
  std::size_t n = field.size();
  while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == 0)) --n;
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = field[i];
    s.push_back(c < 0x20 || c >= 0x7F ? '?' : static_cast<char>(c));
  }
  return s;
}

std::string Ucs2BeToUtf8(std::span<const std::uint8_t> field, bool trim) {
  std::u16string units;
  units.reserve(field.size() / 2);
  for (std::size_t i = 0; i + 1 < field.size(); i += 2) {
    units.push_back(static_cast<char16_t>(base::LoadBe16(field.data() + i)));
  }
  if (trim) {
    while (!units.empty() && (units.back() == u' ' || units.back() == 0)) units.pop_back();
  }
  return base::EncodeUtf8(base::DecodeUtf16(units));
}

std::vector<std::string_view> SplitImagePath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (!part.empty() && part != ".") parts.push_back(part);
  }
  return parts;
}

bool IsSafeName(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == '\0') return false;
  }
  return true;
}

}  // namespace fs::reader
