#pragma once

#include <string>

#include "source/upstream/http_client.h"

namespace portico::filters::http::aws_lambda {

// What a Lambda API error (status >= 400, aws-lambda-invoke.md §4) says, for the log line.
struct LambdaApiError {
  std::string type;     // x-amzn-ErrorType before any ':' suffix, else the body's __type/code
  std::string message;  // the body's Message/message, first line only
};

// The message is cut at its first line: a signature error goes on with the canonical request
// AWS expected, which carries the session token, and that must never reach a log.
LambdaApiError describeLambdaApiError(const upstream::HttpResponse& response);

}  // namespace portico::filters::http::aws_lambda
