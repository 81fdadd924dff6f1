#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "source/filters/http/rate_limiting/decision.h"
#include "source/filters/http/rate_limiting/filter_config.h"
#include "source/http/filter.h"

namespace portico::filters::http::rate_limiting {

// Kong's rate-limiting access and header_filter phases for one request: count it under its
// identifier, answer error_code/error_message when a period's limit is reached, and add the
// X-RateLimit-* / RateLimit-* headers to whatever response the request gets. With the redis
// policy the chain waits (kStop) for Redis' answer. When the counters cannot be reached the
// request passes without headers (fault_tolerant) or gets a 500.
class RateLimitingFilter : public portico::http::HttpFilter {
 public:
  explicit RateLimitingFilter(const RateLimitingFilterConfig& config);

  portico::http::FilterStatus onRequestHeaders(portico::http::MessageHead& request,
                                               bool end_stream) override;
  void onResponseHeaders(portico::http::MessageHead& response) override;

 private:
  // Acts on a policy's verdict; returns whether the request goes on to the next filter.
  bool apply(const absl::StatusOr<Decision>& decision);

  const RateLimitingFilterConfig& config_;
  int64_t now_ms_ = 0;
  portico::http::HeaderMap headers_;
  std::shared_ptr<RateLimitingFilter*> alive_;  // Redis callbacks hold a weak_ptr to it
};

}  // namespace portico::filters::http::rate_limiting
