#include "source/filters/http/rate_limiting/filter.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"
#include "source/filters/http/rate_limiting/headers.h"
#include "source/filters/http/rate_limiting/identifier.h"
#include "source/filters/http/rate_limiting/local_policy.h"
#include "source/filters/http/rate_limiting/redis_policy.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr char kUnexpectedError[] = "An unexpected error occurred";

}  // namespace

portico::http::HttpFilterPtr RateLimitingFilterConfig::createFilter() const {
  return std::make_unique<RateLimitingFilter>(*this);
}

RateLimitingFilter::RateLimitingFilter(const RateLimitingFilterConfig& config)
    : config_(config), alive_(std::make_shared<RateLimitingFilter*>(this)) {}

portico::http::FilterStatus RateLimitingFilter::onRequestHeaders(
    portico::http::MessageHead& request, bool) {
  const RateLimitConfig& config = config_.config();
  const std::string identifier = requestIdentifier(config, request, callbacks_->context());
  now_ms_ = config_.clock().nowMs();
  if (config.policy == Policy::kLocal) {
    return apply(evaluateLocal(config, config_.table(), identifier, now_ms_))
               ? portico::http::FilterStatus::kContinue
               : portico::http::FilterStatus::kStop;
  }
  std::weak_ptr<RateLimitingFilter*> weak = alive_;
  auto resume = [weak](absl::StatusOr<Decision> decision) {
    std::shared_ptr<RateLimitingFilter*> self = weak.lock();
    if (self != nullptr && (*self)->apply(decision)) {
      (*self)->callbacks_->continueRequest();
    }
  };
  if (RedisSync* sync = config_.redisSync(callbacks_->loopServices())) {
    if (std::optional<Decision> decision = sync->decideLocally(config, identifier, now_ms_)) {
      return apply(*decision) ? portico::http::FilterStatus::kContinue
                              : portico::http::FilterStatus::kStop;
    }
    sync->fetchThenDecide(config, identifier, now_ms_, std::move(resume));
    return portico::http::FilterStatus::kStop;
  }
  evaluateRedis(config, config_.redisClient(callbacks_->loopServices()), identifier, now_ms_,
                std::move(resume));
  return portico::http::FilterStatus::kStop;
}

bool RateLimitingFilter::apply(const absl::StatusOr<Decision>& decision) {
  const RateLimitConfig& config = config_.config();
  if (!decision.ok()) {
    const std::string message =
        absl::StrCat("[rate-limiting] failed to get usage: ", decision.status().message());
    if (config.fault_tolerant) {
      config_.failureLog().error(message);
      return true;
    }
    log::error(message);
    callbacks_->sendLocalReply(500, kUnexpectedError, {});
    return false;
  }
  if (!config.hide_client_headers) {
    headers_ = rateLimitHeaders(*decision, now_ms_);
  }
  if (!decision->exceeded) {
    return true;
  }
  if (config.error_code < 400 || config.error_code > 599) {
    // Kong's PDK refuses such a status with a Lua error, which ends in a 500.
    headers_.clear();
    callbacks_->sendLocalReply(500, kUnexpectedError, {});
    return false;
  }
  callbacks_->sendLocalReply(config.error_code, config.error_message, {});
  return false;
}

void RateLimitingFilter::onResponseHeaders(portico::http::MessageHead& response) {
  for (const auto& [name, value] : headers_.entries()) {
    response.headers.set(name, value);
  }
}

}  // namespace portico::filters::http::rate_limiting
