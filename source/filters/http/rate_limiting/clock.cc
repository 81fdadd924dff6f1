#include "source/filters/http/rate_limiting/clock.h"

#include <chrono>

namespace portico::filters::http::rate_limiting {
namespace {

class SystemClock : public Clock {
 public:
  int64_t nowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

const Clock& systemClock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace portico::filters::http::rate_limiting
