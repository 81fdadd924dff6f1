#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "source/filters/http/rate_limiting/clock.h"

namespace portico::filters::http::rate_limiting {

// An error line at most once per interval, however many requests hit the same failure (Redis
// down must not write one line per request); the next line says how many were left out.
// Thread-safe: one instance serves every worker.
class ThrottledLog {
 public:
  ThrottledLog(const Clock& clock, int64_t interval_ms)
      : clock_(clock), interval_ms_(interval_ms) {}

  // Returns whether the line was written.
  bool error(std::string_view message);

 private:
  const Clock& clock_;
  const int64_t interval_ms_;
  std::atomic<int64_t> next_ms_{0};
  std::atomic<uint64_t> suppressed_{0};
};

}  // namespace portico::filters::http::rate_limiting
