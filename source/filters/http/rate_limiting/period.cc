#include "source/filters/http/rate_limiting/period.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kMsPerSecond = 1000;

int64_t floorTo(int64_t value, int64_t unit) {
  const int64_t quotient = value / unit;
  return (value % unit < 0 ? quotient - 1 : quotient) * unit;
}

int64_t toMs(absl::CivilSecond civil) {
  return absl::ToUnixMillis(absl::FromCivil(civil, absl::UTCTimeZone()));
}

absl::CivilSecond toCivil(int64_t ms) {
  return absl::ToCivilSecond(absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

}  // namespace

std::string_view periodName(Period period) {
  switch (period) {
    case Period::kSecond:
      return "second";
    case Period::kMinute:
      return "minute";
    case Period::kHour:
      return "hour";
    case Period::kDay:
      return "day";
    case Period::kMonth:
      return "month";
    case Period::kYear:
      return "year";
  }
  return "";
}

int64_t nominalSeconds(Period period) {
  switch (period) {
    case Period::kSecond:
      return 1;
    case Period::kMinute:
      return 60;
    case Period::kHour:
      return 3600;
    case Period::kDay:
      return 86400;
    case Period::kMonth:
      return 2592000;
    case Period::kYear:
      return 31536000;
  }
  return 1;
}

int64_t windowStartMs(Period period, int64_t now_ms) {
  switch (period) {
    case Period::kSecond:
    case Period::kMinute:
    case Period::kHour:
    case Period::kDay:
      return floorTo(now_ms, nominalSeconds(period) * kMsPerSecond);
    case Period::kMonth:
      return toMs(absl::CivilSecond(absl::CivilMonth(toCivil(now_ms))));
    case Period::kYear:
      return toMs(absl::CivilSecond(absl::CivilYear(toCivil(now_ms))));
  }
  return now_ms;
}

int64_t previousWindowStartMs(Period period, int64_t window_start_ms) {
  return windowStartMs(period, window_start_ms - 1);
}

int64_t nextWindowStartMs(Period period, int64_t window_start_ms) {
  switch (period) {
    case Period::kMonth:
      return toMs(absl::CivilSecond(absl::CivilMonth(toCivil(window_start_ms)) + 1));
    case Period::kYear:
      return toMs(absl::CivilSecond(absl::CivilYear(toCivil(window_start_ms)) + 1));
    default:
      return window_start_ms + nominalSeconds(period) * kMsPerSecond;
  }
}

}  // namespace portico::filters::http::rate_limiting
