#pragma once

#include <cstdint>

#include "source/common/http/header_map.h"
#include "source/filters/http/rate_limiting/decision.h"

namespace portico::filters::http::rate_limiting {

// Kong's client headers for a decision (kong/plugins/rate-limiting/handler.lua):
// X-RateLimit-Limit-<Period> and X-RateLimit-Remaining-<Period> per period, then RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset for the period with the least remaining (ties: the
// longer window), and Retry-After when the request is rejected. Remaining is the limit less the
// usage before this request, less one unless another period rejected it, floored at 0.
portico::http::HeaderMap rateLimitHeaders(const Decision& decision, int64_t now_ms);

// Lua's number formatting (LuaJIT `tostring`, "%.14g"): 3 -> "3", 2.5 -> "2.5".
std::string formatNumber(double value);

}  // namespace portico::filters::http::rate_limiting
