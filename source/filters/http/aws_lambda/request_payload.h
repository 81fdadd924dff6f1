#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "source/common/http/header_map.h"
#include "source/common/http/uri_args.h"

namespace portico::filters::http::aws_lambda {

// Everything the payload builders read about the client's request: views into it, valid for one
// build. `headers` comes first and every other member has an initializer, so that a caller can
// write `InvocationRequest request{headers};` and set the rest by name.
struct InvocationRequest {
  const portico::http::HeaderMap& headers;
  std::string_view method{};
  // The request-target path as received (not normalised) and the query after '?', verbatim;
  // `has_query` tells a bare '?' from no '?' (Kong's request_uri keeps it).
  std::string_view raw_path{};
  std::string_view raw_query{};
  bool has_query = false;
  // The path after strip_path (the router's upstream path): the gateway events' `path`.
  std::string_view upstream_path{};
  std::string_view body{};
  std::string_view client_ip{};
  std::string_view request_id{};
  // nginx's $host: the Host header's name (the event builders drop a port and lower-case it).
  std::string_view host{};
  std::string_view protocol = "HTTP/1.1";
  // Named groups of a regex route path only (numbered captures are not path parameters).
  std::vector<std::pair<std::string, std::string>> named_captures{};
  std::chrono::system_clock::time_point received_at{};
};

struct PayloadOptions {
  bool forward_request_method = false;
  bool forward_request_uri = false;
  bool forward_request_headers = false;
  bool forward_request_body = false;
  bool awsgateway_compatible = false;
  // "1.0": API Gateway REST event (Kong). "2.0": HTTP API / function URL event (beyond Kong).
  std::string awsgateway_compatible_payload_version = "1.0";
  bool base64_encode_body = true;
};

// The JSON text sent as the Invoke body, in one of Kong's three shapes (kong-behavior.md §5.3):
// the API-Gateway event, the forward_request_* object, or the legacy merge of query and body
// arguments. Empty tables are `{}`.
std::string buildRequestPayload(const InvocationRequest& request, const PayloadOptions& options);

// The table ngx.req.get_uri_args / get_post_args return, as JSON: name -> value, `true` for a
// name without '=', an array (in order) for a repeated name.
nlohmann::json argsTable(const std::vector<portico::http::UriArg>& args);

// cjson.decode: any JSON value, at most 1000 arrays/objects deep (deeper text would exhaust the
// stack when re-encoded). On failure returns nullopt and sets `error` to the parser's reason.
std::optional<nlohmann::json> parseJson(std::string_view text, std::string& error);

// Compact JSON text. Bytes that are not UTF-8 become U+FFFD: cjson would copy them and send
// invalid JSON.
std::string dumpJson(const nlohmann::json& value);

}  // namespace portico::filters::http::aws_lambda
