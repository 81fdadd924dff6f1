#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portico::router {

// Kong's `path_handling: v0` join of the service path and the request path (kong/router/utils.lua
// `get_upstream_uri_v0`), reproduced row for row with Kong's fixture table:
//  - `service_path`: the service's `path`, "/" when the service has none (empty is read as "/");
//  - `strip_path`: the route's flag;
//  - `matched_path`: what the route's path matcher consumed: the route path for a prefix route,
//    the text the regex matched for a regex route, nullopt when the route matched without paths
//    (then nothing is stripped);
//  - `request_path`: the normalised request path (normalizePath()).
// The result is not escaped yet (escapeUpstreamPath()) and carries no query string.
std::string buildUpstreamPath(std::string_view service_path, bool strip_path,
                              std::optional<std::string_view> matched_path,
                              std::string_view request_path);

}  // namespace portico::router
