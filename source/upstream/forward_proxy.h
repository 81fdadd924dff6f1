#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace portico::upstream {

// An HTTP forward proxy that requests go through: TLS targets through a CONNECT tunnel, plain
// ones as absolute-form requests.
struct ForwardProxy {
  std::string host;
  uint16_t port = 80;
  // `Basic <base64 user:password>` from the URL's userinfo, or empty. Never logged.
  std::string authorization;
};

// `http://[user[:password]@]host[:port]` (the URL split as parseUrl, i.e. LuaSocket, does; the
// user and password percent-decoded). Other schemes are refused: only plain HTTP is spoken to a
// proxy.
absl::StatusOr<ForwardProxy> parseForwardProxyUrl(std::string_view url);

// `host:port`, with an IPv6 literal in brackets.
std::string hostAndPort(const std::string& host, uint16_t port);

// The CONNECT request that opens a tunnel to host:port.
std::string connectRequest(const ForwardProxy& proxy, const std::string& host, uint16_t port);

// `request` (a whole origin-form HTTP/1.1 message) as sent to the proxy for a plain-HTTP target:
// the request target in absolute form (http://host:port/path), plus the proxy's credentials.
std::string toAbsoluteForm(std::string request, const ForwardProxy& proxy, const std::string& host,
                           uint16_t port);

}  // namespace portico::upstream
