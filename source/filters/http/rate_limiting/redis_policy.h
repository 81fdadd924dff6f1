#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/status/statusor.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/decision.h"
#include "source/filters/http/rate_limiting/redis_executor.h"

namespace portico::filters::http::rate_limiting {

using DecisionCallback = std::function<void(absl::StatusOr<Decision>)>;

// The `redis` policy: one round trip per request, a Lua script (EVALSHA, EVAL once after a
// NOSCRIPT) that updates every configured period's key atomically.
//  - fixed windows (Kong): INCR each key, EXPIRE it by the window length when new, and judge
//    each period by its count before this request; rejected requests count too.
//  - sliding windows: read the current and previous window of each period, and INCR the current
//    ones only when every period's estimate is below its limit.
// `done` never runs before evaluateRedis returns.
void evaluateRedis(const RateLimitConfig& config, RedisExecutor& client,
                   std::string_view identifier, int64_t now_ms, DecisionCallback done);

}  // namespace portico::filters::http::rate_limiting
