#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace portico::filters::http::rate_limiting {

// Kong's rate-limiting periods, shortest first (kong/plugins/rate-limiting/expiration.lua).
enum class Period { kSecond, kMinute, kHour, kDay, kMonth, kYear };

inline constexpr std::array<Period, 6> kAllPeriods = {
    Period::kSecond, Period::kMinute, Period::kHour, Period::kDay, Period::kMonth, Period::kYear};

// "second" … "year": the config field and the last segment of a counter key.
std::string_view periodName(Period period);

// The nominal length Kong uses for TTLs and reset maths: a month is 30 days, a year 365.
int64_t nominalSeconds(Period period);

// The start (Unix ms) of the UTC calendar window holding `now_ms`: the second, minute, hour, day
// (00:00 UTC), month (the 1st, 00:00 UTC) or year (1 January).
int64_t windowStartMs(Period period, int64_t now_ms);
// The start of the calendar window before the one starting at `window_start_ms`.
int64_t previousWindowStartMs(Period period, int64_t window_start_ms);
// The start of the calendar window after the one starting at `window_start_ms`.
int64_t nextWindowStartMs(Period period, int64_t window_start_ms);

}  // namespace portico::filters::http::rate_limiting
