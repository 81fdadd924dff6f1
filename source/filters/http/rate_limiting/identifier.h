#pragma once

#include <string>

#include "source/common/http/message_head.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/http/stream_context.h"

namespace portico::filters::http::rate_limiting {

// Whom a request counts against (kong/plugins/rate-limiting/handler.lua `get_identifier`): the
// consumer, credential, service, header value or path that `limit_by` names, falling back to the
// client address when the request has none of it.
std::string requestIdentifier(const RateLimitConfig& config,
                              const portico::http::MessageHead& request,
                              const portico::http::StreamContext& context);

}  // namespace portico::filters::http::rate_limiting
