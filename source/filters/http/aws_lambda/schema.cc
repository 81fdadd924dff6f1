#include "source/filters/http/aws_lambda/schema.h"

#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "source/config/schema/json_util.h"
#include "source/config/schema/typedefs.h"

namespace portico::filters::http::aws_lambda {
namespace {

using config::schema::EntityCheck;
using config::schema::Field;
using config::schema::Record;
namespace typedefs = config::schema::typedefs;

Field configField() {
  Record config;
  config.add("timeout", Field::number().required().defaultTo(60000))
      .add("keepalive", Field::number().required().defaultTo(60000))
      .add("aws_key", Field::string())
      .add("aws_secret", Field::string())
      .add("aws_assume_role_arn", Field::string())
      .add("aws_role_session_name", Field::string().defaultTo("kong"))
      .add("aws_sts_endpoint_url", typedefs::url())
      .add("aws_region", typedefs::host())
      .add("function_name", Field::string())
      .add("qualifier", Field::string())
      .add("invocation_type", Field::string()
                                  .required()
                                  .defaultTo("RequestResponse")
                                  .oneOf({"RequestResponse", "Event", "DryRun"}))
      .add("log_type", Field::string().required().defaultTo("Tail").oneOf({"Tail", "None"}))
      .add("host", typedefs::host())
      .add("port", typedefs::port().defaultTo(443))
      .add("disable_https", Field::boolean().defaultTo(false))
      .add("unhandled_status", Field::integer().between(100, 999))
      .add("forward_request_method", Field::boolean().defaultTo(false))
      .add("forward_request_uri", Field::boolean().defaultTo(false))
      .add("forward_request_headers", Field::boolean().defaultTo(false))
      .add("forward_request_body", Field::boolean().defaultTo(false))
      .add("is_proxy_integration", Field::boolean().defaultTo(false))
      .add("awsgateway_compatible", Field::boolean().defaultTo(false))
      .add("proxy_url", typedefs::url())
      .add("skip_large_bodies", Field::boolean().defaultTo(true))
      .add("base64_encode_body", Field::boolean().defaultTo(true))
      .add("aws_imds_protocol_version",
           Field::string().required().defaultTo("v1").oneOf({"v1", "v2"}))
      .add("empty_arrays_mode",
           Field::string().required().defaultTo("legacy").oneOf({"legacy", "correct"}))
      // Beyond Kong; the defaults keep Kong's behaviour except ssl_verify (Kong never verifies
      // the Lambda endpoint's certificate).
      .add("awsgateway_compatible_payload_version",
           Field::string().required().defaultTo("1.0").oneOf({"1.0", "2.0"}))
      .add("handled_status", Field::integer().between(100, 999))
      .add("preserve_lambda_api_error_code", Field::boolean().required().defaultTo(false))
      .add("ssl_verify", Field::boolean().required().defaultTo(true));
  return Field::record(std::move(config));
}

// The Lambda client only speaks plain HTTP to a forward proxy (it tunnels TLS with CONNECT).
std::optional<std::string> checkProxyScheme(const nlohmann::json& plugin) {
  const nlohmann::json* proxy_url = config::schema::findPath(plugin, "config.proxy_url");
  if (proxy_url == nullptr || !proxy_url->is_string()) {
    return std::nullopt;
  }
  const std::string& url = proxy_url->get_ref<const std::string&>();
  const size_t colon = url.find(':');
  if (colon == 0 || colon == std::string::npos || url.compare(colon, 3, "://") != 0) {
    return std::nullopt;
  }
  if (url.compare(0, colon, "http") != 0) {
    return "proxy_url scheme must be http";
  }
  return std::nullopt;
}

std::vector<EntityCheck> entityChecks() {
  return {
      EntityCheck::mutuallyRequired({"config.aws_key", "config.aws_secret"}),
      EntityCheck::custom({"config.proxy_url"}, checkProxyScheme),
  };
}

}  // namespace

AwsLambdaSchema::AwsLambdaSchema()
    : RecordPluginSchema("aws-lambda", kPriority, configField(), entityChecks(),
                         config::schema::ConsumerScope::kAllowed) {}

static const config::RegisterPluginSchema<AwsLambdaSchema> kRegister;

}  // namespace portico::filters::http::aws_lambda
