#pragma once

#include <optional>
#include <string>

#include "portico/config/v1/route.pb.h"
#include "source/common/http/header_map.h"

namespace portico::server {

// What Kong answers when a route restricted to https is reached over plain HTTP
// (kong/runloop/handler.lua, kong-behavior.md §2.8).
struct HttpsRedirect {
  int status = 426;
  // For 301/302/307/308: https://<host><request target>; empty for 426.
  std::string location;
};

// The answer for `route` reached with `request_headers` and the raw request target, or nullopt
// when the request may proceed. `scheme` is the connection's; a `trusted_client`'s
// X-Forwarded-Proto and X-Forwarded-Host stand in for the scheme and Host (as in Kong).
std::optional<HttpsRedirect> httpsRedirectFor(const config::v1::Route& route,
                                              const std::string& scheme, bool trusted_client,
                                              const http::HeaderMap& request_headers,
                                              const std::string& target);

}  // namespace portico::server
