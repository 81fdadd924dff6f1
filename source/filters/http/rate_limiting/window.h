#pragma once

#include <cstdint>

#include "source/filters/http/rate_limiting/period.h"

namespace portico::filters::http::rate_limiting {

// The windows a request at `now_ms` touches for one period.
struct WindowSpan {
  int64_t start_ms = 0;
  int64_t previous_start_ms = 0;
  // How much of the previous window still overlaps a sliding window of one period ending now:
  // 1 at the start of the current window, 0 at its end.
  double previous_weight = 0;
  // How long a counter of this window must live: to the window's end, and one more window so a
  // sliding estimate can still read it as the previous one.
  int64_t expires_at_ms = 0;
  // Redis TTL in seconds for a new key of this window: Kong's nominal window length, or, for
  // sliding windows, until `expires_at_ms`.
  int64_t ttl_seconds = 0;
};

WindowSpan windowSpan(Period period, int64_t now_ms, bool sliding);

}  // namespace portico::filters::http::rate_limiting
