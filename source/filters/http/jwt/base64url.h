#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portico::filters::http::jwt {

// Decodes base64url the way Kong's jwt parser does (issue Kong/kong#13356): URL alphabet only
// (`+` and `/` are rejected), `=` padding optional, nothing but padding after the first `=`.
// Returns nullopt for anything else.
std::optional<std::string> decodeBase64Url(std::string_view input);

}  // namespace portico::filters::http::jwt
