#pragma once

#include <cstdint>
#include <string_view>

#include "source/common/http/header_map.h"

namespace portico::router {

// What the router looks at in a request. Views into the request; nothing is copied.
struct RequestInfo {
  explicit RequestInfo(const http::HeaderMap& request_headers) : headers(request_headers) {}

  std::string_view method;
  // The Host header value as received (may carry `:port`); empty when the request had none.
  std::string_view host;
  // The raw request path, cut at `?`, not yet normalised.
  std::string_view path;
  // The port the listener accepted the connection on (routes' `host:port` entries compare to it).
  uint32_t listener_port = 0;
  // "http" or "https".
  std::string_view scheme = "http";
  // The TLS SNI; empty when the connection is plain or the client sent none.
  std::string_view sni;
  const http::HeaderMap& headers;
};

}  // namespace portico::router
