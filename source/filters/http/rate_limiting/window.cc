#include "source/filters/http/rate_limiting/window.h"

namespace portico::filters::http::rate_limiting {

WindowSpan windowSpan(Period period, int64_t now_ms, bool sliding) {
  WindowSpan span;
  span.start_ms = windowStartMs(period, now_ms);
  span.previous_start_ms = previousWindowStartMs(period, span.start_ms);
  const int64_t end_ms = nextWindowStartMs(period, span.start_ms);
  const double length = static_cast<double>(end_ms - span.start_ms);
  span.previous_weight = 1.0 - static_cast<double>(now_ms - span.start_ms) / length;
  span.expires_at_ms = end_ms + (end_ms - span.start_ms);
  span.ttl_seconds = sliding ? (span.expires_at_ms - now_ms + 999) / 1000 : nominalSeconds(period);
  return span;
}

}  // namespace portico::filters::http::rate_limiting
