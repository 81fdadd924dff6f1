#pragma once

#include <string>
#include <string_view>

#include "source/common/http/error_body.h"
#include "source/common/http/request_id.h"
#include "source/server/proxy_settings.h"

namespace portico::server {

// The whole response the gateway writes before it closes a connection that has no stream to
// answer through (a request it could not parse, a connection over the limit): the status line,
// Server, Content-Type, Content-Length, the request id and `Connection: close`, then Kong's
// error body for `message` in `format`.
std::string closingErrorResponse(int status, std::string_view message, http::ErrorFormat format,
                                 const ProxySettings& settings, const http::RequestId& request_id);

}  // namespace portico::server
