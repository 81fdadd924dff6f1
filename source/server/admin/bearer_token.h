#pragma once

#include <string_view>

#include "source/common/http/header_map.h"

namespace portico::server::admin {

// True when `headers` carry `Authorization: Bearer <token>` (scheme case-insensitive) with
// exactly `token`. Compared in constant time over SHA-256 digests, so neither the content nor
// the length of the expected token shows in the timing. A repeated Authorization header fails.
bool bearerTokenMatches(const http::HeaderMap& headers, std::string_view token);

}  // namespace portico::server::admin
