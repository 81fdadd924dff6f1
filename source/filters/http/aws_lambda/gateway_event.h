#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "source/filters/http/aws_lambda/request_payload.h"

namespace portico::filters::http::aws_lambda {

// The API Gateway REST (payload format 1.0) event Kong's aws-serializer builds
// (kong-behavior.md §5.3). No `resource`: the router has no matched-uri template to give.
nlohmann::json buildGatewayEventV1(const InvocationRequest& request, bool base64_encode_body);

// The API Gateway HTTP API / Lambda function URL event (payload format 2.0). Kong has none; this
// follows AWS's documented shape with routeKey and stage `$default`.
nlohmann::json buildGatewayEventV2(const InvocationRequest& request, bool base64_encode_body);

// The CLF time API Gateway uses, in UTC: "06/Sep/2022:03:55:14 +0000".
std::string formatRequestTime(std::chrono::system_clock::time_point time);

// nginx's $host from a Host header value: no port, lower case ("[::1]:80" -> "[::1]").
std::string hostName(std::string_view host);

}  // namespace portico::filters::http::aws_lambda
