#pragma once

#include <atomic>
#include <cstdint>

#include "source/filters/http/rate_limiting/clock.h"

namespace portico::filters::http::rate_limiting {

// A clock the test moves by hand.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t nowMs() const override { return now_ms_.load(); }
  void set(int64_t now_ms) { now_ms_.store(now_ms); }
  void advance(int64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

// 2026-03-15 12:34:56.789 UTC.
inline constexpr int64_t kMidMarch2026Ms = 1773578096789;

}  // namespace portico::filters::http::rate_limiting
