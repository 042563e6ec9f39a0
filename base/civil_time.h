// Conversions between days since 1970-01-01 and proleptic Gregorian dates (Howard
// Hinnant's days_from_civil / civil_from_days), with no time zone and no locale: every
// format mkimg reads or writes records times as fields (ECMA-119 8.4.26.1 and 9.1.5,
// ECMA-167 1/7.3, RRIP 4.1.6, the manifest's RFC 3339), and all of them go through these.
#ifndef MKIMG_BASE_CIVIL_TIME_H_
#define MKIMG_BASE_CIVIL_TIME_H_

#include <cstdint>

namespace base {

// Days from 1970-01-01 to year-month-day. REQUIRES: 1 <= month <= 12, 1 <= day <= 31.
constexpr std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};

// The date `days` after 1970-01-01 (negative: before).
constexpr CivilDate CivilFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = doy - (153 * mp + 2) / 5 + 1;
  d.month = mp < 10 ? mp + 3 : mp - 9;
  d.year = static_cast<std::int64_t>(yoe) + era * 400 + (d.month <= 2);
  return d;
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(CivilFromDays(11017).year == 2000 && CivilFromDays(11017).month == 3);

}  // namespace base

#endif  // MKIMG_BASE_CIVIL_TIME_H_
