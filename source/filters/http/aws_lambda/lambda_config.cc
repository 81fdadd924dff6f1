#include "source/filters/http/aws_lambda/lambda_config.h"

#include "absl/strings/str_cat.h"
#include "source/config/struct_fields.h"

namespace portico::filters::http::aws_lambda {

using config::boolOr;
using config::numberOr;
using config::optionalNumber;
using config::optionalString;
using config::stringOr;

absl::StatusOr<LambdaConfig> parseLambdaConfig(const google::protobuf::Struct& config,
                                               const aws::EnvLookup& env) {
  LambdaConfig parsed;
  parsed.function_name = stringOr(config, "function_name", "");
  if (parsed.function_name.empty()) {
    return absl::InvalidArgumentError("function_name is required");
  }
  parsed.qualifier = optionalString(config, "qualifier");
  parsed.invocation_type = stringOr(config, "invocation_type", parsed.invocation_type);
  parsed.log_type = stringOr(config, "log_type", parsed.log_type);
  parsed.region = optionalString(config, "aws_region");
  if (!parsed.region) {
    parsed.region = aws::nonEmptyEnv(env, "AWS_REGION");
  }
  if (!parsed.region) {
    parsed.region = aws::nonEmptyEnv(env, "AWS_DEFAULT_REGION");
  }
  parsed.https = !boolOr(config, "disable_https", false);
  parsed.port = static_cast<uint16_t>(numberOr(config, "port", parsed.https ? 443 : 80));
  parsed.host = stringOr(config, "host", "");
  if (parsed.host.empty() && parsed.region) {
    parsed.host = absl::StrCat("lambda.", *parsed.region, ".amazonaws.com");
  }
  if (std::optional<std::string> proxy_url = optionalString(config, "proxy_url")) {
    absl::StatusOr<upstream::ForwardProxy> proxy = upstream::parseForwardProxyUrl(*proxy_url);
    if (!proxy.ok()) {
      return proxy.status();
    }
    parsed.proxy = std::move(*proxy);
  }
  parsed.ssl_verify = boolOr(config, "ssl_verify", true);
  parsed.timeout_ms = static_cast<uint64_t>(numberOr(config, "timeout", 60000));
  parsed.keepalive_ms = static_cast<uint64_t>(numberOr(config, "keepalive", 60000));
  parsed.skip_large_bodies = boolOr(config, "skip_large_bodies", true);
  parsed.preserve_lambda_api_error_code = boolOr(config, "preserve_lambda_api_error_code", false);

  PayloadOptions& payload = parsed.payload;
  payload.forward_request_method = boolOr(config, "forward_request_method", false);
  payload.forward_request_uri = boolOr(config, "forward_request_uri", false);
  payload.forward_request_headers = boolOr(config, "forward_request_headers", false);
  payload.forward_request_body = boolOr(config, "forward_request_body", false);
  payload.awsgateway_compatible = boolOr(config, "awsgateway_compatible", false);
  payload.awsgateway_compatible_payload_version =
      stringOr(config, "awsgateway_compatible_payload_version", "1.0");
  payload.base64_encode_body = boolOr(config, "base64_encode_body", true);

  ResponseOptions& response = parsed.response;
  response.is_proxy_integration = boolOr(config, "is_proxy_integration", false);
  if (std::optional<double> status = optionalNumber(config, "unhandled_status")) {
    response.unhandled_status = static_cast<int>(*status);
  }
  if (std::optional<double> status = optionalNumber(config, "handled_status")) {
    response.handled_status = static_cast<int>(*status);
  }
  response.empty_arrays_legacy = stringOr(config, "empty_arrays_mode", "legacy") == "legacy";

  aws::CredentialsOptions& credentials = parsed.credentials;
  credentials.access_key_id = stringOr(config, "aws_key", "");
  credentials.secret_access_key = stringOr(config, "aws_secret", "");
  credentials.assume_role_arn = stringOr(config, "aws_assume_role_arn", "");
  credentials.role_session_name = stringOr(config, "aws_role_session_name", "kong");
  credentials.sts_endpoint_url = stringOr(config, "aws_sts_endpoint_url", "");
  credentials.region = parsed.region.value_or("");
  credentials.imds_version = stringOr(config, "aws_imds_protocol_version", "v1") == "v2"
                                 ? aws::ImdsVersion::kV2
                                 : aws::ImdsVersion::kV1;
  return parsed;
}

}  // namespace portico::filters::http::aws_lambda
