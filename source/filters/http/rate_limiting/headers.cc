#include "source/filters/http/rate_limiting/headers.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_format.h"

namespace portico::filters::http::rate_limiting {

namespace {

// Indexed by Period.
constexpr const char* kLimitHeaders[] = {"X-RateLimit-Limit-Second", "X-RateLimit-Limit-Minute",
                                         "X-RateLimit-Limit-Hour",   "X-RateLimit-Limit-Day",
                                         "X-RateLimit-Limit-Month",  "X-RateLimit-Limit-Year"};
constexpr const char* kRemainingHeaders[] = {
    "X-RateLimit-Remaining-Second", "X-RateLimit-Remaining-Minute", "X-RateLimit-Remaining-Hour",
    "X-RateLimit-Remaining-Day",    "X-RateLimit-Remaining-Month",  "X-RateLimit-Remaining-Year"};

}  // namespace

std::string formatNumber(double value) {
  // Whole numbers are the common case; below 1e14 "%.14g" prints them as plain integers.
  if (value == std::floor(value) && std::fabs(value) < 1e14) {
    return std::to_string(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.14g", value);
}

portico::http::HeaderMap rateLimitHeaders(const Decision& decision, int64_t now_ms) {
  portico::http::HeaderMap headers;
  bool chosen = false;
  double best_limit = 0;
  double best_remaining = 0;
  int64_t best_window = 0;
  int64_t best_reset = 0;
  for (size_t i = 0; i < decision.usages.size(); ++i) {
    const PeriodUsage& usage = decision.usages[i];
    double remaining = usage.limit - usage.usage;
    if (!decision.exceeded || *decision.exceeded == i) {
      remaining -= 1;
    }
    if (usage.usage != std::floor(usage.usage)) {
      remaining = std::floor(remaining);  // a sliding estimate: whole requests only
    }
    remaining = std::max(0.0, remaining);
    const int64_t window = nominalSeconds(usage.period);
    const int64_t elapsed = (now_ms - usage.window_start_ms) / 1000;
    const int64_t reset = std::max<int64_t>(1, window - elapsed);
    if (!chosen || remaining < best_remaining ||
        (remaining == best_remaining && window > best_window)) {
      chosen = true;
      best_limit = usage.limit;
      best_remaining = remaining;
      best_window = window;
      best_reset = reset;
    }
    const size_t index = static_cast<size_t>(usage.period);
    headers.add(kLimitHeaders[index], formatNumber(usage.limit));
    headers.add(kRemainingHeaders[index], formatNumber(remaining));
  }
  if (!chosen) {
    return headers;
  }
  headers.add("RateLimit-Limit", formatNumber(best_limit));
  headers.add("RateLimit-Remaining", formatNumber(best_remaining));
  headers.add("RateLimit-Reset", std::to_string(best_reset));
  if (decision.exceeded) {
    headers.add("Retry-After", std::to_string(best_reset));
  }
  return headers;
}

}  // namespace portico::filters::http::rate_limiting
