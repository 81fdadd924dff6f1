#include "source/filters/http/rate_limiting/counter_key.h"

#include "absl/strings/str_cat.h"

namespace portico::filters::http::rate_limiting {

std::string counterKey(const RateLimitConfig& config, std::string_view identifier,
                       int64_t window_start_ms, Period period) {
  const absl::string_view id(identifier.data(), identifier.size());
  const std::string_view name = periodName(period);
  const absl::string_view period_name(name.data(), name.size());
  if (config.policy == Policy::kRedis && config.redis.cluster()) {
    return absl::StrCat("ratelimit:{", config.route_scope, ":", config.service_scope, ":", id,
                        "}:", window_start_ms, ":", period_name);
  }
  return absl::StrCat("ratelimit:", config.route_scope, ":", config.service_scope, ":", id, ":",
                      window_start_ms, ":", period_name);
}

}  // namespace portico::filters::http::rate_limiting
