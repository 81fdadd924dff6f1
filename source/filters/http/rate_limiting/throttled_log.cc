#include "source/filters/http/rate_limiting/throttled_log.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"

namespace portico::filters::http::rate_limiting {

bool ThrottledLog::error(std::string_view message) {
  const int64_t now = clock_.nowMs();
  int64_t next = next_ms_.load(std::memory_order_relaxed);
  if (now < next || !next_ms_.compare_exchange_strong(next, now + interval_ms_)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const uint64_t suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
  std::string line(message);
  if (suppressed > 0) {
    absl::StrAppend(&line, " (", suppressed, " similar messages suppressed)");
  }
  log::error(line);
  return true;
}

}  // namespace portico::filters::http::rate_limiting
