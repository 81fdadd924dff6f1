#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portico::filters::http::jwt {

// Where a JWKS may be fetched from (the plugin's `jwks_uri` and a credential's): the error
// message, or nullopt when `uri` is acceptable. Only the scheme and host are judged here; the URL
// syntax is the caller's schema's.
std::optional<std::string> jwksUriError(std::string_view uri);

}  // namespace portico::filters::http::jwt
