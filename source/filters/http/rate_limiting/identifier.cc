#include "source/filters/http/rate_limiting/identifier.h"

namespace portico::filters::http::rate_limiting {

std::string requestIdentifier(const RateLimitConfig& config,
                              const portico::http::MessageHead& request,
                              const portico::http::StreamContext& context) {
  switch (config.limit_by) {
    case LimitBy::kConsumer:
      if (context.consumer != nullptr) {
        return context.consumer->id();
      }
      if (!context.credential_id.empty()) {
        return context.credential_id;
      }
      break;
    case LimitBy::kCredential:
      if (!context.credential_id.empty()) {
        return context.credential_id;
      }
      break;
    case LimitBy::kService:
      if (context.match && context.match->service != nullptr) {
        return context.match->service->id();
      }
      break;
    case LimitBy::kHeader:
      if (const std::string* value = request.headers.get(config.header_name)) {
        return *value;
      }
      break;
    case LimitBy::kPath:
      if (context.match && context.match->normalized_path == config.path) {
        return config.path;
      }
      break;
    case LimitBy::kIp:
      break;
  }
  return context.client_address;
}

}  // namespace portico::filters::http::rate_limiting
