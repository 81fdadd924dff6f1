#include "source/filters/http/rate_limiting/schema.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/config/plugin_schema.h"

namespace portico::filters::http::rate_limiting {
namespace {

using nlohmann::json;

class RateLimitingSchemaTest : public testing::Test {
 protected:
  json validate(json& config, config::PluginScope scope = {}) {
    return schema_.validate(config, scope);
  }

  RateLimitingSchema schema_;
};

constexpr char kConditionalPolicy[] =
    "failed conditional validation given value of field 'config.policy'";

TEST_F(RateLimitingSchemaTest, MinuteAloneIsValidAndGetsEveryDefault) {
  json config = {{"minute", 100}};
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_EQ(config, json::parse(R"({
    "second": null, "minute": 100, "hour": null, "day": null, "month": null, "year": null,
    "limit_by": "consumer",
    "header_name": null,
    "path": null,
    "policy": "local",
    "fault_tolerant": true,
    "redis": {
      "host": null, "port": 6379, "timeout": 2000, "username": null, "password": null,
      "database": 0, "ssl": false, "ssl_verify": false, "server_name": null,
      "cluster_nodes": null, "cluster_max_redirections": 5
    },
    "hide_client_headers": false,
    "error_code": 429,
    "error_message": "API rate limit exceeded",
    "sync_rate": -1,
    "window_type": "fixed"
  })"));
}

TEST_F(RateLimitingSchemaTest, SomeLimitIsRequired) {
  json config = json::object();
  EXPECT_EQ(validate(config), json::parse(R"({"@entity": [
    "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'"
  ]})"));
}

TEST_F(RateLimitingSchemaTest, LimitsMustBePositiveButMayBeFractional) {
  json zero = {{"minute", 0}};
  EXPECT_EQ(validate(zero),
            json::parse(R"({"config": {"minute": "value must be greater than 0"}})"));
  json fraction = {{"second", 0.5}};
  EXPECT_TRUE(validate(fraction).is_null());
}

TEST_F(RateLimitingSchemaTest, LongerPeriodMayNotHaveASmallerLimit) {
  json config = {{"second", 20}, {"hour", 10}};
  EXPECT_EQ(validate(config),
            json({{"config",
                   "The limit for hour(10.0) cannot be lower than the limit for second(20.0)"}}));
  json ordered = {{"minute", 6}, {"hour", 100}};
  EXPECT_TRUE(validate(ordered).is_null());
}

TEST_F(RateLimitingSchemaTest, ClusterPolicyIsNotAvailableWithoutADatabase) {
  json config = {{"minute", 1}, {"policy", "cluster"}};
  EXPECT_EQ(validate(config),
            json::parse(R"({"config": {"policy": "expected one of: local, redis"}})"));
}

TEST_F(RateLimitingSchemaTest, LimitByIsOneOfTheKnownIdentifiers) {
  json config = {{"minute", 1}, {"limit_by", "user"}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {"limit_by":
    "expected one of: consumer, credential, ip, service, header, path"}})"));
}

TEST_F(RateLimitingSchemaTest, RedisPolicyRequiresARedisHost) {
  json config = {{"minute", 1}, {"policy", "redis"}};
  EXPECT_EQ(validate(config), json::parse(R"({
    "config": {"redis": {"host": "required field missing"}},
    "@entity": ["failed conditional validation given value of field 'config.policy'"]})"));
  json with_host = {{"minute", 1}, {"policy", "redis"}, {"redis", {{"host", "127.0.0.1"}}}};
  EXPECT_TRUE(validate(with_host).is_null());
  EXPECT_EQ(with_host["redis"]["port"], 6379);
}

TEST_F(RateLimitingSchemaTest, RedisPolicyRequiresPortAndTimeout) {
  json config = {{"minute", 1},
                 {"policy", "redis"},
                 {"redis", {{"host", "r"}, {"port", nullptr}, {"timeout", nullptr}}}};
  json expected = json::parse(R"({"config": {"redis": {
    "port": "required field missing", "timeout": "required field missing"}}})");
  expected["@entity"] = {kConditionalPolicy, kConditionalPolicy};
  EXPECT_EQ(validate(config), expected);
}

TEST_F(RateLimitingSchemaTest, DeprecatedRedisFieldsAreMovedIntoTheRedisRecord) {
  json config = {{"minute", 5},        {"policy", "redis"},   {"redis_host", "127.0.0.1"},
                 {"redis_port", 6379}, {"redis_database", 1}, {"redis_ssl", true}};
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_FALSE(config.contains("redis_host"));
  EXPECT_FALSE(config.contains("redis_port"));
  EXPECT_EQ(config["redis"], json::parse(R"({
    "host": "127.0.0.1", "port": 6379, "timeout": 2000, "username": null, "password": null,
    "database": 1, "ssl": true, "ssl_verify": false, "server_name": null,
    "cluster_nodes": null, "cluster_max_redirections": 5})"));
}

TEST_F(RateLimitingSchemaTest, DeprecatedFieldMustAgreeWithItsReplacement) {
  json config = {{"minute", 5}, {"redis_host", "a.example"}, {"redis", {{"host", "b.example"}}}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {"redis_host":
    "both deprecated and new field are used but their values mismatch: redis_host = a.example vs redis.host = b.example"}})"));
}

TEST_F(RateLimitingSchemaTest, DeprecatedFieldIsTypeChecked) {
  json config = {{"minute", 5}, {"redis_port", "6379"}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {"redis_port": "expected an integer"}})"));
}

TEST_F(RateLimitingSchemaTest, RedisFieldsAreValidated) {
  json config = {{"minute", 1}, {"redis", {{"host", "r:6379"}, {"port", 70000}, {"bogus", 1}}}};
  EXPECT_EQ(validate(config), json::parse(R"({"config": {"redis": {
    "host": "must not have a port",
    "port": "value should be between 0 and 65535",
    "bogus": "unknown field"}}})"));
}

TEST_F(RateLimitingSchemaTest, LimitByHeaderOrPathNeedsItsName) {
  json header = {{"minute", 1}, {"limit_by", "header"}};
  EXPECT_EQ(validate(header), json::parse(R"({
    "config": {"header_name": "required field missing"},
    "@entity": ["failed conditional validation given value of field 'config.limit_by'"]})"));
  json path = {{"minute", 1}, {"limit_by", "path"}, {"path", "/rl/a"}};
  EXPECT_TRUE(validate(path).is_null());
}

TEST_F(RateLimitingSchemaTest, SyncRateNeedsTheRedisPolicy) {
  json local = {{"minute", 1}, {"sync_rate", 1}};
  EXPECT_EQ(validate(local),
            json::parse(R"({"config": "sync_rate can only be used with the redis policy"})"));
  json too_fast = {
      {"minute", 1}, {"sync_rate", 0.01}, {"policy", "redis"}, {"redis", {{"host", "r"}}}};
  EXPECT_EQ(validate(too_fast),
            json::parse(R"({"config": "sync_rate must be greater than 0.02, or -1 to disable"})"));
}

TEST_F(RateLimitingSchemaTest, ErrorCodeMustBePositive) {
  json config = {{"minute", 1}, {"error_code", 0}};
  EXPECT_EQ(validate(config),
            json::parse(R"({"config": {"error_code": "value must be greater than 0"}})"));
}

TEST_F(RateLimitingSchemaTest, ConsumerScopeIsAllowed) {
  json config = {{"minute", 1}};
  config::PluginScope scope;
  scope.consumer = true;
  EXPECT_TRUE(validate(config, scope).is_null());
}

TEST(RateLimitingSchemaRegistrationTest, RegistersUnderItsNameWithKongPriority) {
  const config::PluginSchema* schema =
      config::PluginSchemaRegistry::instance().find("rate-limiting");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->priority(), 910);
}

TEST_F(RateLimitingSchemaTest, RedisPolicyTakesClusterNodesInsteadOfAHost) {
  json config = {
      {"minute", 1},
      {"policy", "redis"},
      {"redis", {{"cluster_nodes", {{{"ip", "10.0.0.1"}, {"port", 7000}}, {{"ip", "r2"}}}}}}};
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_EQ(config["redis"]["cluster_nodes"], json::parse(R"([
    {"ip": "10.0.0.1", "port": 7000}, {"ip": "r2", "port": 6379}])"));
  EXPECT_EQ(config["redis"]["cluster_max_redirections"], 5);
  EXPECT_TRUE(config["redis"]["host"].is_null());
}

TEST_F(RateLimitingSchemaTest, ClusterNodesAndHostAreMutuallyExclusive) {
  json config = {{"minute", 1},
                 {"policy", "redis"},
                 {"redis", {{"host", "r"}, {"cluster_nodes", {{{"ip", "r"}}}}}}};
  EXPECT_EQ(validate(config), json::parse(R"json({"@entity": [
    "these sets are mutually exclusive: ('config.redis.cluster_nodes'), ('config.redis.host')"]
})json"));
}

TEST_F(RateLimitingSchemaTest, ClusterNodesMustBeNonEmptyWithValidPorts) {
  json empty = {{"minute", 1}, {"policy", "redis"}, {"redis", {{"cluster_nodes", json::array()}}}};
  EXPECT_EQ(validate(empty), json::parse(R"({"config": {"redis": {
    "cluster_nodes": "length must be at least 1"}}})"));
  json bad_port = {{"minute", 1},
                   {"policy", "redis"},
                   {"redis", {{"cluster_nodes", {{{"ip", "r"}, {"port", 0}}}}}}};
  EXPECT_EQ(validate(bad_port), json::parse(R"({"config": {"redis": {
    "cluster_nodes": [{"port": "value should be between 1 and 65535"}]}}})"));
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
