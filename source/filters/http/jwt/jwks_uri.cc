#include "source/filters/http/jwt/jwks_uri.h"

namespace portico::filters::http::jwt {

// Keys must not travel in clear: plain http only to this machine (a local identity provider or
// a test).
std::optional<std::string> jwksUriError(std::string_view uri) {
  if (uri.substr(0, 8) == "https://") {
    return std::nullopt;
  }
  for (std::string_view loopback : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (uri.substr(0, loopback.size()) == loopback &&
        (uri.size() == loopback.size() || uri[loopback.size()] == ':' ||
         uri[loopback.size()] == '/')) {
      return std::nullopt;
    }
  }
  return "must be an https URL (plain http only to localhost)";
}

}  // namespace portico::filters::http::jwt
