#include "source/server/https_redirect.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "source/common/http/host_header.h"

namespace portico::server {
namespace {

// Runs for every request: a string_view compares lengths before bytes, where a `const char*`
// would be measured and compared against each protocol.
bool hasProtocol(const config::v1::Route& route, std::string_view protocol) {
  return std::any_of(route.protocols().begin(), route.protocols().end(),
                     [protocol](const std::string& listed) { return listed == protocol; });
}

}  // namespace

std::optional<HttpsRedirect> httpsRedirectFor(const config::v1::Route& route,
                                              const std::string& scheme, bool trusted_client,
                                              const http::HeaderMap& request_headers,
                                              const std::string& target) {
  if (!hasProtocol(route, "https") || hasProtocol(route, "http")) {
    return std::nullopt;
  }
  const std::string* forwarded_proto =
      trusted_client ? request_headers.get("x-forwarded-proto") : nullptr;
  if ((forwarded_proto != nullptr ? *forwarded_proto : scheme) == "https") {
    return std::nullopt;
  }
  HttpsRedirect redirect;
  const uint32_t code = route.https_redirect_status_code();
  if (code != 301 && code != 302 && code != 307 && code != 308) {
    return redirect;
  }
  redirect.status = static_cast<int>(code);
  const std::string* forwarded_host =
      trusted_client ? request_headers.get("x-forwarded-host") : nullptr;
  const std::string* host_header = request_headers.get("host");
  const std::string host = forwarded_host != nullptr ? *forwarded_host
                           : host_header != nullptr  ? http::hostWithoutPort(*host_header)
                                                     : std::string();
  redirect.location = absl::StrCat("https://", host, target);
  return redirect;
}

}  // namespace portico::server
