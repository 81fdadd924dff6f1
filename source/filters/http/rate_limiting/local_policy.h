#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/decision.h"
#include "source/filters/http/rate_limiting/local_counters.h"

namespace portico::filters::http::rate_limiting {

// The `local` policy: counts admitted requests only (as Kong does), exactly, in the process-wide
// table. A request over any period's limit raises no counter. Fails only when the table is full.
absl::StatusOr<Decision> evaluateLocal(const RateLimitConfig& config, LocalCounterTable& table,
                                       std::string_view identifier, int64_t now_ms);

}  // namespace portico::filters::http::rate_limiting
