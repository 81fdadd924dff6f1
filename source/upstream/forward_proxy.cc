#include "source/upstream/forward_proxy.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "source/common/http/percent_encoding.h"
#include "source/config/declarative/service_url.h"

namespace portico::upstream {
namespace {

// parseUrl leaves userinfo out of the host; it is what precedes the authority's first `@`, as
// LuaSocket reads it.
std::string_view userinfoOf(std::string_view url) {
  const size_t start = url.find("//");
  if (start == std::string_view::npos) {
    return {};
  }
  std::string_view authority = url.substr(start + 2);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const size_t at = authority.find('@');
  return at == std::string_view::npos ? std::string_view() : authority.substr(0, at);
}

}  // namespace

absl::StatusOr<ForwardProxy> parseForwardProxyUrl(std::string_view url) {
  const config::declarative::UrlParts parts = config::declarative::parseUrl(url);
  if (!parts.scheme || *parts.scheme != "http") {
    return absl::InvalidArgumentError("proxy_url scheme must be http");
  }
  if (!parts.host || parts.host->empty()) {
    return absl::InvalidArgumentError("proxy_url has no host");
  }
  ForwardProxy proxy;
  proxy.host = *parts.host;
  if (parts.port) {
    int port = 0;
    if (!absl::SimpleAtoi(*parts.port, &port) || port < 1 || port > 65535) {
      return absl::InvalidArgumentError("proxy_url has an invalid port");
    }
    proxy.port = static_cast<uint16_t>(port);
  }
  const std::string_view userinfo = userinfoOf(url);
  if (!userinfo.empty()) {
    // LuaSocket splits the password off at the last `:`.
    const size_t colon = userinfo.rfind(':');
    const std::string user = http::urlDecode(userinfo.substr(0, colon), false);
    const std::string password = colon == std::string_view::npos
                                     ? std::string()
                                     : http::urlDecode(userinfo.substr(colon + 1), false);
    proxy.authorization =
        absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(user, ":", password)));
  }
  return proxy;
}

std::string hostAndPort(const std::string& host, uint16_t port) {
  if (host.find(':') != std::string::npos) {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

std::string connectRequest(const ForwardProxy& proxy, const std::string& host, uint16_t port) {
  const std::string authority = hostAndPort(host, port);
  std::string request =
      absl::StrCat("CONNECT ", authority, " HTTP/1.1\r\nHost: ", authority, "\r\n");
  if (!proxy.authorization.empty()) {
    absl::StrAppend(&request, "Proxy-Authorization: ", proxy.authorization, "\r\n");
  }
  request.append("\r\n");
  return request;
}

std::string toAbsoluteForm(std::string request, const ForwardProxy& proxy, const std::string& host,
                           uint16_t port) {
  const size_t target = request.find(' ');
  if (target == std::string::npos || request.compare(target + 1, 1, "/") != 0) {
    return request;
  }
  if (!proxy.authorization.empty()) {
    const size_t line_end = request.find("\r\n");
    if (line_end != std::string::npos) {
      request.insert(line_end + 2,
                     absl::StrCat("Proxy-Authorization: ", proxy.authorization, "\r\n"));
    }
  }
  request.insert(target + 1, absl::StrCat("http://", hostAndPort(host, port)));
  return request;
}

}  // namespace portico::upstream
