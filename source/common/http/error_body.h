#pragma once

#include <string>
#include <string_view>

#include "source/common/http/header_map.h"

namespace portico::http {

// Kong's templates for gateway-generated errors (kong/tools/http.lua, kong/error_handlers.lua).
enum class ErrorFormat { kJson, kText, kHtml, kXml };

// Errors raised by plugins and the router (PDK `kong.response.error`): chosen by Accept, JSON when
// nothing matches.
ErrorFormat formatForPdkError(const HeaderMap& request_headers);
// Errors raised by the proxy itself (502, 504, 400 …): Accept, then the request's Content-Type,
// then the configured default (`error_default_type`, text/plain unless set).
ErrorFormat formatForProxyError(const HeaderMap& request_headers, ErrorFormat fallback);
// "application/json" → kJson etc.; `fallback` for anything else.
ErrorFormat formatForMediaType(std::string_view media_type, ErrorFormat fallback);

struct ErrorBody {
  std::string content_type;
  std::string body;
};

ErrorBody renderErrorBody(ErrorFormat format, std::string_view message,
                          std::string_view request_id);

}  // namespace portico::http
