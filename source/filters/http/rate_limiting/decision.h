#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "source/filters/http/rate_limiting/period.h"

namespace portico::filters::http::rate_limiting {

// What a policy found for one configured period.
struct PeriodUsage {
  Period period;
  double limit = 0;
  // Requests counted before this one: the window's count (fixed windows), or the sliding
  // estimate (the previous window's count weighted by its remaining overlap, plus this one's).
  double usage = 0;
  int64_t window_start_ms = 0;
};

// A policy's verdict on one request.
struct Decision {
  std::vector<PeriodUsage> usages;  // one per configured period, shortest first
  // The index in `usages` of the period whose limit the request exceeds; none: admitted.
  std::optional<size_t> exceeded;
};

}  // namespace portico::filters::http::rate_limiting
