#include "source/router/upstream_path.h"

#include <algorithm>

#include "source/router/string_util.h"

namespace portico::router {
namespace {

// A leftover `.`/`..` (e.g. `/route./req` stripped by `/route`) must not reach the upstream as a
// dot segment (kong/router/utils.lua `sanitize_uri_postfix`).
std::string_view sanitizePostfix(std::string_view postfix) {
  if (postfix == "." || postfix == "..") {
    return {};
  }
  if (startsWith(postfix, "./")) {
    return postfix.substr(2);
  }
  if (startsWith(postfix, "../")) {
    return postfix.substr(3);
  }
  return postfix;
}

std::string_view dropFirst(std::string_view s, size_t n) { return s.substr(std::min(n, s.size())); }

bool endsWithSlash(std::string_view s) { return !s.empty() && s.back() == '/'; }

}  // namespace

std::string buildUpstreamPath(std::string_view service_path, bool strip_path,
                              std::optional<std::string_view> matched_path,
                              std::string_view request_path) {
  const std::string_view base = service_path.empty() ? std::string_view("/") : service_path;
  // Without a path match (or without strip) Kong still computes the postfix, as "all but the
  // leading slash"; it only matters in the strip branches below.
  const size_t consumed = (strip_path && matched_path) ? matched_path->size() : 1;
  const std::string_view postfix = sanitizePostfix(dropFirst(request_path, consumed));

  if (endsWithSlash(base)) {
    if (!strip_path) {
      return concat(base, dropFirst(request_path, 1));
    }
    if (postfix.empty()) {
      if (base == "/" || endsWithSlash(request_path)) {
        return std::string(base);
      }
      return std::string(base.substr(0, base.size() - 1));
    }
    if (postfix.front() == '/') {
      return concat(base.substr(0, base.size() - 1), postfix);
    }
    return concat(base, postfix);
  }

  if (!strip_path) {
    return request_path == "/" ? std::string(base) : concat(base, request_path);
  }
  if (postfix.empty()) {
    return (request_path.size() > 1 && endsWithSlash(request_path)) ? concat(base, "/")
                                                                    : std::string(base);
  }
  if (postfix.front() == '/') {
    return concat(base, postfix);
  }
  return concat(base, "/", postfix);
}

}  // namespace portico::router
