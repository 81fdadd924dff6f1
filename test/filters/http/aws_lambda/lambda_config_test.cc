#include "source/filters/http/aws_lambda/lambda_config.h"

#include <google/protobuf/util/json_util.h>

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace portico::filters::http::aws_lambda {
namespace {

google::protobuf::Struct structOf(const std::string& json) {
  google::protobuf::Struct value;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &value).ok()) << json;
  return value;
}

aws::EnvLookup envOf(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

LambdaConfig parse(const std::string& json, std::map<std::string, std::string> env = {}) {
  absl::StatusOr<LambdaConfig> parsed = parseLambdaConfig(structOf(json), envOf(std::move(env)));
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : LambdaConfig{};
}

TEST(LambdaConfigTest, FunctionNameIsRequired) {
  EXPECT_FALSE(parseLambdaConfig(structOf("{}"), envOf({})).ok());
  EXPECT_FALSE(parseLambdaConfig(structOf(R"({"function_name":""})"), envOf({})).ok());
}

TEST(LambdaConfigTest, DefaultsAreKongs) {
  const LambdaConfig config = parse(R"({"function_name":"fn","aws_region":"us-east-1"})");
  EXPECT_EQ(config.function_name, "fn");
  EXPECT_FALSE(config.qualifier.has_value());
  EXPECT_EQ(config.invocation_type, "RequestResponse");
  EXPECT_EQ(config.log_type, "Tail");
  EXPECT_TRUE(config.https);
  EXPECT_EQ(config.port, 443);
  EXPECT_EQ(config.timeout_ms, 60000u);
  EXPECT_EQ(config.keepalive_ms, 60000u);
  EXPECT_TRUE(config.skip_large_bodies);
  EXPECT_TRUE(config.ssl_verify);
  EXPECT_FALSE(config.preserve_lambda_api_error_code);
  EXPECT_FALSE(config.payload.awsgateway_compatible);
  EXPECT_EQ(config.payload.awsgateway_compatible_payload_version, "1.0");
  EXPECT_TRUE(config.payload.base64_encode_body);
  EXPECT_FALSE(config.response.is_proxy_integration);
  EXPECT_FALSE(config.response.unhandled_status.has_value());
  EXPECT_FALSE(config.response.handled_status.has_value());
  EXPECT_TRUE(config.response.empty_arrays_legacy);
  EXPECT_EQ(config.credentials.access_key_id, "");
  EXPECT_EQ(config.credentials.role_session_name, "kong");
  EXPECT_EQ(config.credentials.imds_version, aws::ImdsVersion::kV1);
}

TEST(LambdaConfigTest, RegionFromConfigWinsOverTheEnvironment) {
  const LambdaConfig config =
      parse(R"({"function_name":"fn","aws_region":"eu-west-1"})",
            {{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "ap-south-1"}});
  ASSERT_TRUE(config.region.has_value());
  EXPECT_EQ(*config.region, "eu-west-1");
  EXPECT_EQ(config.credentials.region, "eu-west-1");
}

TEST(LambdaConfigTest, RegionFallsBackToAwsRegionThenAwsDefaultRegion) {
  const LambdaConfig from_region = parse(
      R"({"function_name":"fn"})", {{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "x-1"}});
  EXPECT_EQ(from_region.region.value_or("<none>"), "us-west-2");

  const LambdaConfig from_default =
      parse(R"({"function_name":"fn"})", {{"AWS_DEFAULT_REGION", "ap-south-1"}});
  EXPECT_EQ(from_default.region.value_or("<none>"), "ap-south-1");
  EXPECT_EQ(from_default.host, "lambda.ap-south-1.amazonaws.com");

  // An empty variable counts as unset.
  const LambdaConfig empty_region =
      parse(R"({"function_name":"fn"})", {{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "ca-1"}});
  EXPECT_EQ(empty_region.region.value_or("<none>"), "ca-1");
}

TEST(LambdaConfigTest, NoRegionAnywhereIsAcceptedWithoutAHost) {
  const LambdaConfig config = parse(R"({"function_name":"fn","aws_region":null})");
  EXPECT_FALSE(config.region.has_value());
  EXPECT_EQ(config.host, "");
  EXPECT_EQ(config.credentials.region, "");
}

TEST(LambdaConfigTest, HostDefaultsToTheRegionalEndpoint) {
  EXPECT_EQ(parse(R"({"function_name":"fn","aws_region":"us-east-2"})").host,
            "lambda.us-east-2.amazonaws.com");
  const LambdaConfig custom =
      parse(R"({"function_name":"fn","aws_region":"us-east-2","host":"localstack"})");
  EXPECT_EQ(custom.host, "localstack");
  EXPECT_EQ(custom.region.value_or("<none>"), "us-east-2");
}

TEST(LambdaConfigTest, PortDefaultsByScheme) {
  const LambdaConfig plain =
      parse(R"({"function_name":"fn","aws_region":"r","host":"h","disable_https":true})");
  EXPECT_FALSE(plain.https);
  EXPECT_EQ(plain.port, 80);

  const LambdaConfig plain_port = parse(
      R"({"function_name":"fn","aws_region":"r","host":"h","disable_https":true,"port":9100})");
  EXPECT_EQ(plain_port.port, 9100);

  const LambdaConfig tls = parse(R"({"function_name":"fn","aws_region":"r","port":null})");
  EXPECT_TRUE(tls.https);
  EXPECT_EQ(tls.port, 443);
}

TEST(LambdaConfigTest, ReadsKongsFields) {
  const LambdaConfig config = parse(R"({
    "function_name": "arn:aws:lambda:us-east-1:123456789012:function:fn",
    "qualifier": "$LATEST", "invocation_type": "Event", "log_type": "None",
    "aws_region": "us-east-1", "timeout": 1500, "keepalive": 2500, "skip_large_bodies": false,
    "forward_request_method": true, "forward_request_uri": true,
    "forward_request_headers": true, "forward_request_body": true,
    "awsgateway_compatible": true, "base64_encode_body": false,
    "is_proxy_integration": true, "unhandled_status": 412, "empty_arrays_mode": "correct"
  })");
  EXPECT_EQ(config.function_name, "arn:aws:lambda:us-east-1:123456789012:function:fn");
  EXPECT_EQ(config.qualifier.value_or("<none>"), "$LATEST");
  EXPECT_EQ(config.invocation_type, "Event");
  EXPECT_EQ(config.log_type, "None");
  EXPECT_EQ(config.timeout_ms, 1500u);
  EXPECT_EQ(config.keepalive_ms, 2500u);
  EXPECT_FALSE(config.skip_large_bodies);
  EXPECT_TRUE(config.payload.forward_request_method);
  EXPECT_TRUE(config.payload.forward_request_uri);
  EXPECT_TRUE(config.payload.forward_request_headers);
  EXPECT_TRUE(config.payload.forward_request_body);
  EXPECT_TRUE(config.payload.awsgateway_compatible);
  EXPECT_FALSE(config.payload.base64_encode_body);
  EXPECT_TRUE(config.response.is_proxy_integration);
  EXPECT_EQ(config.response.unhandled_status.value_or(0), 412);
  EXPECT_FALSE(config.response.empty_arrays_legacy);
}

TEST(LambdaConfigTest, ReadsTheFieldsBeyondKong) {
  const LambdaConfig config = parse(R"({
    "function_name": "fn", "aws_region": "us-east-1", "ssl_verify": false,
    "preserve_lambda_api_error_code": true, "handled_status": 422,
    "awsgateway_compatible_payload_version": "2.0"
  })");
  EXPECT_FALSE(config.ssl_verify);
  EXPECT_TRUE(config.preserve_lambda_api_error_code);
  EXPECT_EQ(config.response.handled_status.value_or(0), 422);
  EXPECT_EQ(config.payload.awsgateway_compatible_payload_version, "2.0");
}

TEST(LambdaConfigTest, ReadsTheCredentialsOptions) {
  const LambdaConfig config = parse(R"({
    "function_name": "fn", "aws_region": "eu-north-1",
    "aws_key": "AKIDEXAMPLE", "aws_secret": "SECRETEXAMPLE",
    "aws_assume_role_arn": "arn:aws:iam::123456789012:role/invoker",
    "aws_role_session_name": "gateway", "aws_sts_endpoint_url": "https://sts.example.test",
    "aws_imds_protocol_version": "v2"
  })");
  const aws::CredentialsOptions& credentials = config.credentials;
  EXPECT_EQ(credentials.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(credentials.secret_access_key, "SECRETEXAMPLE");
  EXPECT_EQ(credentials.assume_role_arn, "arn:aws:iam::123456789012:role/invoker");
  EXPECT_EQ(credentials.role_session_name, "gateway");
  EXPECT_EQ(credentials.sts_endpoint_url, "https://sts.example.test");
  EXPECT_EQ(credentials.region, "eu-north-1");
  EXPECT_EQ(credentials.imds_version, aws::ImdsVersion::kV2);
}

TEST(LambdaConfigTest, CredentialsRegionFollowsTheEnvironmentFallback) {
  const LambdaConfig config = parse(R"({"function_name":"fn"})", {{"AWS_REGION", "sa-east-1"}});
  EXPECT_EQ(config.credentials.region, "sa-east-1");
}

TEST(LambdaConfigTest, ProxyUrlIsParsedWithItsCredentials) {
  EXPECT_FALSE(parse(R"({"function_name": "fn", "proxy_url": null})").proxy.has_value());
  const LambdaConfig config =
      parse(R"({"function_name": "fn", "proxy_url": "http://u:p@proxy.internal:3128"})");
  ASSERT_TRUE(config.proxy.has_value());
  EXPECT_EQ(config.proxy->host, "proxy.internal");
  EXPECT_EQ(config.proxy->port, 3128);
  EXPECT_EQ(config.proxy->authorization, "Basic dTpw");
}

TEST(LambdaConfigTest, NonHttpProxyUrlIsRefused) {
  absl::StatusOr<LambdaConfig> parsed = parseLambdaConfig(
      structOf(R"({"function_name": "fn", "proxy_url": "https://proxy:3128"})"), envOf({}));
  EXPECT_EQ(parsed.status().message(), "proxy_url scheme must be http");
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
