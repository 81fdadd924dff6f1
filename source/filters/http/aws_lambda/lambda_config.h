#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "source/common/aws/credential_source.h"
#include "source/common/aws/credentials_provider_registry.h"
#include "source/filters/http/aws_lambda/request_payload.h"
#include "source/filters/http/aws_lambda/response_mapping.h"
#include "source/upstream/forward_proxy.h"

namespace portico::filters::http::aws_lambda {

// Lambda's limit on a synchronous Invoke payload; a larger request body is refused with 413
// before Lambda sees it.
constexpr size_t kMaxInvokePayloadBytes = 6 * 1024 * 1024;

// nginx's client_body_buffer_size default: Kong reads a larger body from a temporary file, and
// with skip_large_bodies it sends such a body as empty.
constexpr size_t kLargeBodyBytes = 8 * 1024;

// One aws-lambda plugin instance's config (kong-behavior.md §5.1), typed.
struct LambdaConfig {
  std::string function_name;
  std::optional<std::string> qualifier;
  std::string invocation_type = "RequestResponse";
  std::string log_type = "Tail";
  // aws_region, else AWS_REGION, else AWS_DEFAULT_REGION; without one every request gets 500.
  std::optional<std::string> region;
  // The endpoint: `host` or lambda.<region>.amazonaws.com.
  std::string host;
  uint16_t port = 443;
  bool https = true;
  // proxy_url: the Invoke call goes through this HTTP proxy (CONNECT for https).
  std::optional<upstream::ForwardProxy> proxy;
  // Beyond Kong, which never verifies the Lambda endpoint's certificate.
  bool ssl_verify = true;
  uint64_t timeout_ms = 60000;
  uint64_t keepalive_ms = 60000;
  bool skip_large_bodies = true;
  // Beyond Kong: Lambda API errors (404 function, 429 throttling, ...) keep their status.
  bool preserve_lambda_api_error_code = false;
  PayloadOptions payload;
  ResponseOptions response;
  aws::CredentialsOptions credentials;
};

// Reads a config the plugin schema validated (defaults filled in). `env` supplies the region when
// the config has none.
absl::StatusOr<LambdaConfig> parseLambdaConfig(const google::protobuf::Struct& config,
                                               const aws::EnvLookup& env);

}  // namespace portico::filters::http::aws_lambda
