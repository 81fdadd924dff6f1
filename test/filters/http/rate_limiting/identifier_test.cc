#include "source/filters/http/rate_limiting/identifier.h"

#include "gtest/gtest.h"
#include "source/filters/http/rate_limiting/counter_key.h"

namespace portico::filters::http::rate_limiting {
namespace {

class IdentifierTest : public testing::Test {
 protected:
  IdentifierTest() {
    service_.set_id("service-1");
    route_.set_id("route-1");
    consumer_.set_id("consumer-1");
    context_.client_address = "10.0.0.7";
    router::RouteMatch match;
    match.route = &route_;
    match.service = &service_;
    match.normalized_path = "/rl/a";
    context_.match = match;
  }

  std::string identify(LimitBy limit_by) {
    config_.limit_by = limit_by;
    return requestIdentifier(config_, request_, context_);
  }

  config::v1::Service service_;
  config::v1::Route route_;
  config::v1::Consumer consumer_;
  RateLimitConfig config_;
  portico::http::MessageHead request_;
  portico::http::StreamContext context_;
};

TEST_F(IdentifierTest, IpIsTheClientAddress) { EXPECT_EQ(identify(LimitBy::kIp), "10.0.0.7"); }

TEST_F(IdentifierTest, ConsumerThenCredentialThenIp) {
  EXPECT_EQ(identify(LimitBy::kConsumer), "10.0.0.7");
  context_.credential_identifier = "the-jwt-key";
  context_.credential_id = "credential-1";
  EXPECT_EQ(identify(LimitBy::kConsumer), "credential-1");
  context_.consumer = &consumer_;
  EXPECT_EQ(identify(LimitBy::kConsumer), "consumer-1");
}

TEST_F(IdentifierTest, CredentialFallsBackToIp) {
  context_.consumer = &consumer_;
  EXPECT_EQ(identify(LimitBy::kCredential), "10.0.0.7");
  context_.credential_identifier = "the-jwt-key";
  context_.credential_id = "credential-1";
  EXPECT_EQ(identify(LimitBy::kCredential), "credential-1");  // the id, as Kong keys it
}

TEST_F(IdentifierTest, ServiceIsTheMatchedServiceOrTheIpOnServicelessRoutes) {
  EXPECT_EQ(identify(LimitBy::kService), "service-1");
  context_.match->service = nullptr;
  EXPECT_EQ(identify(LimitBy::kService), "10.0.0.7");
}

TEST_F(IdentifierTest, HeaderTakesTheFirstValueOrTheIp) {
  config_.header_name = "X-App";
  EXPECT_EQ(identify(LimitBy::kHeader), "10.0.0.7");
  request_.headers.add("x-app", "first");
  request_.headers.add("X-App", "second");
  EXPECT_EQ(identify(LimitBy::kHeader), "first");
}

TEST_F(IdentifierTest, PathOnlyWhenItIsExactlyTheConfiguredPath) {
  config_.path = "/rl/a";
  EXPECT_EQ(identify(LimitBy::kPath), "/rl/a");
  config_.path = "/rl";
  EXPECT_EQ(identify(LimitBy::kPath), "10.0.0.7");
}

TEST(CounterKeyTest, KongsLayout) {
  RateLimitConfig config;
  config.route_scope = "32f871d0-fb0d-5a6b-a69d-03e6602ec1e6";
  config.service_scope = kNullUuid;
  EXPECT_EQ(counterKey(config, "127.0.0.1", 1773578040000, Period::kMinute),
            "ratelimit:32f871d0-fb0d-5a6b-a69d-03e6602ec1e6:"
            "00000000-0000-0000-0000-000000000000:127.0.0.1:1773578040000:minute");
}

TEST(CounterKeyTest, ClusterKeysTagTheScopeAndIdentifier) {
  RateLimitConfig config;
  config.route_scope = "r";
  config.service_scope = "s";
  config.policy = Policy::kRedis;
  config.redis.cluster_nodes = {{"127.0.0.1", 7000}};
  EXPECT_EQ(counterKey(config, "1.2.3.4", 1773578040000, Period::kMinute),
            "ratelimit:{r:s:1.2.3.4}:1773578040000:minute");
  config.policy = Policy::kLocal;
  EXPECT_EQ(counterKey(config, "1.2.3.4", 1773578040000, Period::kMinute),
            "ratelimit:r:s:1.2.3.4:1773578040000:minute");
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
