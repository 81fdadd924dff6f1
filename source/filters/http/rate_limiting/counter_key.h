#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/period.h"

namespace portico::filters::http::rate_limiting {

// Kong's counter key, the same for the local table and Redis (policies/init.lua):
// `ratelimit:<route_id>:<service_id>:<identifier>:<window_start_ms>:<period>`, with the plugin
// instance's own scope ids, so counters outlive reloads and a service-level instance shares one
// counter across its routes.
// With a Redis Cluster the scope and identifier are a hash tag,
// `ratelimit:{<route_id>:<service_id>:<identifier>}:<window_start_ms>:<period>`, so every key of
// one request lives in one slot (a script may only touch keys of one slot).
std::string counterKey(const RateLimitConfig& config, std::string_view identifier,
                       int64_t window_start_ms, Period period);

}  // namespace portico::filters::http::rate_limiting
