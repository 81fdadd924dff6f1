#include "source/server/closing_error_response.h"

#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"

namespace portico::server {

std::string closingErrorResponse(int status, std::string_view message, http::ErrorFormat format,
                                 const ProxySettings& settings, const http::RequestId& request_id) {
  const http::ErrorBody body = http::renderErrorBody(format, message, request_id.view());
  std::string response = absl::StrCat("HTTP/1.1 ", status, " ");
  response.append(http::reasonPhrase(status));
  absl::StrAppend(&response, "\r\nServer: ", settings.server_token,
                  "\r\nContent-Type: ", body.content_type, "\r\nContent-Length: ", body.body.size(),
                  "\r\nX-Portico-Request-Id: ", request_id.str(), "\r\nConnection: close\r\n\r\n",
                  body.body);
  return response;
}

}  // namespace portico::server
