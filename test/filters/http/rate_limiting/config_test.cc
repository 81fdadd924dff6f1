#include "source/filters/http/rate_limiting/config.h"

#include <google/protobuf/util/json_util.h>

#include "gtest/gtest.h"

namespace portico::filters::http::rate_limiting {
namespace {

google::protobuf::Struct structOf(const std::string& json) {
  google::protobuf::Struct value;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &value).ok());
  return value;
}

TEST(ConfigTest, ReadsEveryField) {
  config::v1::PluginInstance instance;
  instance.set_service_id("service-1");
  const absl::StatusOr<RateLimitConfig> config = parseConfig(structOf(R"({
    "second": null, "minute": 10, "hour": 100, "limit_by": "header", "header_name": "X-App",
    "policy": "redis", "fault_tolerant": false, "hide_client_headers": true,
    "error_code": 404, "error_message": "Fake Not Found", "sync_rate": -1,
    "window_type": "sliding",
    "redis": {"host": "redis.local", "port": 6380, "timeout": 150, "username": "u",
              "password": "p", "database": 2, "ssl": true, "ssl_verify": true,
              "server_name": "sni.local"}
  })"),
                                                             instance);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->limits.size(), 2u);
  EXPECT_EQ(config->limits[0].period, Period::kMinute);
  EXPECT_EQ(config->limits[1].limit, 100);
  EXPECT_EQ(config->limit_by, LimitBy::kHeader);
  EXPECT_EQ(config->header_name, "X-App");
  EXPECT_EQ(config->policy, Policy::kRedis);
  EXPECT_FALSE(config->fault_tolerant);
  EXPECT_TRUE(config->hide_client_headers);
  EXPECT_EQ(config->error_code, 404);
  EXPECT_EQ(config->error_message, "Fake Not Found");
  EXPECT_EQ(config->window_type, WindowType::kSliding);
  EXPECT_EQ(config->redis.host, "redis.local");
  EXPECT_EQ(config->redis.port, 6380);
  EXPECT_EQ(config->redis.timeout_ms, 150u);
  EXPECT_EQ(config->redis.username, "u");
  EXPECT_EQ(config->redis.password, "p");
  EXPECT_EQ(config->redis.database, 2);
  EXPECT_TRUE(config->redis.ssl);
  EXPECT_TRUE(config->redis.ssl_verify);
  EXPECT_EQ(config->redis.server_name, "sni.local");
  EXPECT_EQ(config->route_scope, kNullUuid);
  EXPECT_EQ(config->service_scope, "service-1");
}

TEST(ConfigTest, DefaultsAreKongs) {
  const absl::StatusOr<RateLimitConfig> config =
      parseConfig(structOf(R"({"minute": 5})"), config::v1::PluginInstance());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->limit_by, LimitBy::kConsumer);
  EXPECT_EQ(config->policy, Policy::kLocal);
  EXPECT_TRUE(config->fault_tolerant);
  EXPECT_EQ(config->error_code, 429);
  EXPECT_EQ(config->error_message, "API rate limit exceeded");
  EXPECT_EQ(config->window_type, WindowType::kFixed);
  EXPECT_EQ(config->route_scope, kNullUuid);
}

TEST(ConfigTest, PoolKeysDifferWithTheEndpointAndCredentials) {
  RedisSettings a;
  a.host = "h";
  RedisSettings b = a;
  EXPECT_EQ(a.poolKey(), b.poolKey());
  b.database = 1;
  EXPECT_NE(a.poolKey(), b.poolKey());
  b = a;
  b.password = "secret";
  EXPECT_NE(a.poolKey(), b.poolKey());
}

TEST(ConfigTest, ReadsClusterNodesInsteadOfAHost) {
  const absl::StatusOr<RateLimitConfig> config = parseConfig(structOf(R"({
    "minute": 5, "policy": "redis",
    "redis": {"host": null, "cluster_nodes": [{"ip": "10.0.0.1", "port": 7000},
                                              {"ip": "10.0.0.2", "port": 7001}],
              "cluster_max_redirections": 3}
  })"),
                                                             config::v1::PluginInstance());
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->redis.cluster());
  ASSERT_EQ(config->redis.cluster_nodes.size(), 2u);
  EXPECT_EQ(config->redis.cluster_nodes[1].ip, "10.0.0.2");
  EXPECT_EQ(config->redis.cluster_nodes[1].port, 7001);
  EXPECT_EQ(config->redis.cluster_max_redirections, 3);
}

TEST(ConfigTest, PoolKeysDifferWithTheClusterSeeds) {
  RedisSettings a;
  a.cluster_nodes = {{"10.0.0.1", 7000}};
  RedisSettings b = a;
  EXPECT_EQ(a.poolKey(), b.poolKey());
  b.cluster_nodes[0].port = 7001;
  EXPECT_NE(a.poolKey(), b.poolKey());
  EXPECT_NE(a.poolKey(), RedisSettings().poolKey());
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
