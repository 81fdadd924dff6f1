#include "source/filters/http/aws_lambda/schema.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/config/plugin_schema.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;

class AwsLambdaSchemaTest : public testing::Test {
 protected:
  json validate(json& config) { return schema_.validate(config, config::PluginScope{}); }

  AwsLambdaSchema schema_;
};

TEST_F(AwsLambdaSchemaTest, FunctionNameAloneIsValidAndGetsEveryDefault) {
  json config = {{"function_name", "f"}};
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_EQ(config, json::parse(R"({
    "timeout": 60000,
    "keepalive": 60000,
    "aws_key": null,
    "aws_secret": null,
    "aws_assume_role_arn": null,
    "aws_role_session_name": "kong",
    "aws_sts_endpoint_url": null,
    "aws_region": null,
    "function_name": "f",
    "qualifier": null,
    "invocation_type": "RequestResponse",
    "log_type": "Tail",
    "host": null,
    "port": 443,
    "disable_https": false,
    "unhandled_status": null,
    "forward_request_method": false,
    "forward_request_uri": false,
    "forward_request_headers": false,
    "forward_request_body": false,
    "is_proxy_integration": false,
    "awsgateway_compatible": false,
    "proxy_url": null,
    "skip_large_bodies": true,
    "base64_encode_body": true,
    "aws_imds_protocol_version": "v1",
    "empty_arrays_mode": "legacy",
    "awsgateway_compatible_payload_version": "1.0",
    "handled_status": null,
    "preserve_lambda_api_error_code": false,
    "ssl_verify": true
  })"));
}

TEST_F(AwsLambdaSchemaTest, KeyAndSecretGoTogether) {
  json key_only = {{"aws_region", "us-east-1"}, {"function_name", "f"}, {"aws_key", "xx"}};
  EXPECT_EQ(validate(key_only), json::parse(R"({"@entity": [
    "all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'"]})"));
  json both = {{"function_name", "f"}, {"aws_key", "xx"}, {"aws_secret", "yy"}};
  EXPECT_TRUE(validate(both).is_null());
}

TEST_F(AwsLambdaSchemaTest, ProxyUrlMustUsePlainHttp) {
  json https = {{"function_name", "f"}, {"proxy_url", "https://squid:3128"}};
  EXPECT_EQ(validate(https), json::parse(R"({"@entity": ["proxy_url scheme must be http"]})"));
  json http = {{"function_name", "f"}, {"proxy_url", "http://squid:3128"}};
  EXPECT_TRUE(validate(http).is_null());
}

TEST_F(AwsLambdaSchemaTest, ProxyUrlMustBeAUrl) {
  json config = {{"function_name", "f"}, {"proxy_url", "squid"}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {"proxy_url": "missing host in url"}})"));
}

TEST_F(AwsLambdaSchemaTest, UnhandledStatusIsAThreeDigitInteger) {
  json low = {{"function_name", "f"}, {"unhandled_status", 99}};
  EXPECT_EQ(validate(low), json::parse(R"({
    "config": {"unhandled_status": "value should be between 100 and 999"}})"));
  json fraction = {{"function_name", "f"}, {"unhandled_status", 200.5}};
  EXPECT_EQ(validate(fraction),
            json::parse(R"({"config": {"unhandled_status": "expected an integer"}})"));
  json ok = {{"function_name", "f"}, {"unhandled_status", 412}};
  EXPECT_TRUE(validate(ok).is_null());
}

TEST_F(AwsLambdaSchemaTest, EnumeratedFieldsListTheirOptions) {
  json config = {{"function_name", "f"}, {"invocation_type", "Async"}, {"log_type", "All"}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {
    "invocation_type": "expected one of: RequestResponse, Event, DryRun",
    "log_type": "expected one of: Tail, None"}})"));
}

TEST_F(AwsLambdaSchemaTest, RegionAndHostAreHostnames) {
  json config = {{"function_name", "f"}, {"aws_region", "us-east-1:443"}, {"host", "bad host"}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {
    "aws_region": "must not have a port", "host": "invalid value: bad host"}})"));
}

TEST_F(AwsLambdaSchemaTest, EmptyFunctionNameIsRejected) {
  json config = {{"function_name", ""}};
  EXPECT_EQ(validate(config),
            json::parse(R"({"config": {"function_name": "length must be at least 1"}})"));
}

TEST(AwsLambdaSchemaRegistrationTest, RegistersUnderItsNameWithKongPriority) {
  const config::PluginSchema* schema = config::PluginSchemaRegistry::instance().find("aws-lambda");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->priority(), 750);
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
