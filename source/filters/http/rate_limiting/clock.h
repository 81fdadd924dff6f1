#pragma once

#include <cstdint>

namespace portico::filters::http::rate_limiting {

// Wall-clock time in Unix milliseconds: windows are UTC calendar windows. Injected so tests can
// cross window boundaries without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t nowMs() const = 0;
};

const Clock& systemClock();

}  // namespace portico::filters::http::rate_limiting
