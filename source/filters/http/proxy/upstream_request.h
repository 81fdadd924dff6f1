#pragma once

#include <string>

#include "source/common/http/message_head.h"
#include "source/http/stream_context.h"

namespace portico::filters {

// Appends the head of the request to send upstream for `request` (Kong §2.4–2.7) to `out`: the
// upstream path and raw query, the Host header, X-Real-IP and X-Forwarded-*, Via, the request id,
// and hop-by-hop headers removed. Body framing headers (Content-Length / Transfer-Encoding:
// chunked) follow the client's. Written straight to `out`, with no intermediate header map.
// With `websocket` (http::isWebSocketUpgrade) the head asks the upstream to switch, as Kong's
// does: `Upgrade: websocket` and `Connection: keep-alive, Upgrade`.
void serializeUpstreamRequest(const http::MessageHead& request, const http::StreamContext& context,
                              bool websocket, std::string& out);

}  // namespace portico::filters
