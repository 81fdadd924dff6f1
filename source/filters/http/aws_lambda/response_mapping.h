#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "source/common/http/header_map.h"

namespace portico::filters::http::aws_lambda {

// Lambda's answer to a successful Invoke (status < 400).
struct InvokeResponse {
  int status = 200;
  portico::http::HeaderMap headers;
  std::string body;
};

struct ResponseOptions {
  bool is_proxy_integration = false;
  // Replaces the status when Lambda says `X-Amz-Function-Error: Unhandled`.
  std::optional<int> unhandled_status;
  // Beyond Kong (issue Kong/kong#3208): the same for `X-Amz-Function-Error: Handled`.
  std::optional<int> handled_status;
  // empty_arrays_mode `legacy`: empty arrays in a re-encoded JSON body become `{}`.
  bool empty_arrays_legacy = true;
};

// What the client gets. Content-Length and hop-by-hop headers are left out: the server frames the
// body itself. The caller adds Via and the Kong latency headers.
struct ClientResponse {
  int status = 200;
  portico::http::HeaderMap headers;
  std::string body;
};

// Maps the Invoke result to the client response as Kong's handler does (kong-behavior.md §5.4).
// Errors:
//  * kInvalidArgument: the function's result is not a valid proxy-integration response. The
//    message is Kong's reason (e.g. "statusCode validation failed"); answer 502 with
//    badGatewayBody(message).
//  * kInternal: Kong fails with a Lua error here (a JSON body that is a number, true or null; an
//    undecodable base64 body; a status outside 100-599); answer 500 "An unexpected error occurred".
absl::StatusOr<ClientResponse> mapInvokeResponse(InvokeResponse response,
                                                 const ResponseOptions& options);

// {"message":"Bad Gateway","error":"could not JSON decode Lambda function response: <reason>"}
std::string badGatewayBody(std::string_view reason);

}  // namespace portico::filters::http::aws_lambda
