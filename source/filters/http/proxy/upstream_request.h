#pragma once

#include "source/common/http/message_head.h"
#include "source/http/stream_context.h"

namespace portico::filters {

// The request to send upstream for `request` (Kong §2.4–2.7): the upstream path and raw query,
// the Host header, X-Real-IP and X-Forwarded-*, Via, the request id, and hop-by-hop headers
// removed. Body framing headers (Content-Length / Transfer-Encoding: chunked) follow the client's.
http::MessageHead buildUpstreamRequest(const http::MessageHead& request,
                                       const http::StreamContext& context);

}  // namespace portico::filters
