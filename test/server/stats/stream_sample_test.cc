#include "source/server/stats/stream_sample.h"

#include <memory>

#include "gtest/gtest.h"
#include "source/server/snapshot.h"

namespace portico::server::stats {
namespace {

class StreamSampleTest : public ::testing::Test {
 protected:
  StreamSampleTest() {
    route_.set_id("4726a05a-d550-537e-9fc3-a07c7a1188c7");
    service_.set_host("echo.internal");
    context_.start_ms = 1000;
  }

  void matchRoute(bool with_service) {
    router::RouteMatch match;
    match.route = &route_;
    match.service = with_service ? &service_ : nullptr;
    context_.match = std::move(match);
  }

  config::v1::Route route_;
  config::v1::Service service_;
  config::v1::Consumer consumer_;
  http::StreamContext context_;
};

TEST_F(StreamSampleTest, NamesFallBackToRouteIdAndServiceHost) {
  matchRoute(true);
  const RequestSample sample = streamSample(context_, 200, 10, 20, 1005);
  EXPECT_EQ(sample.route, "4726a05a-d550-537e-9fc3-a07c7a1188c7");
  EXPECT_EQ(sample.service, "echo.internal");
}

// Kong's default (`per_consumer = false`): one series per route, not per route and consumer, so
// 10,000 consumers cannot make 10,000 times the series.
TEST_F(StreamSampleTest, TheConsumerLabelStaysEmptyByDefault) {
  matchRoute(true);
  consumer_.set_username("alice");
  context_.consumer = &consumer_;
  EXPECT_EQ(streamSample(context_, 200, 10, 20, 1005).consumer, "");
}

// Found the way Kong finds any plugin, here on the route; read at the end of the request, so a
// request another plugin rejected after authenticating is labelled too.
TEST_F(StreamSampleTest, APerConsumerPrometheusPluginOnTheRouteLabelsTheConsumer) {
  auto config = std::make_shared<config::v1::DeclarativeConfig>();
  config::v1::PluginInstance* plugin = config->add_plugins();
  plugin->set_id("0b5a7c1e-5a53-4f3e-9b0e-6f1d0c7a9e21");
  plugin->set_name("prometheus");
  plugin->set_route_id(route_.id());
  plugin->set_enabled(true);
  (*plugin->mutable_config()->mutable_fields())["per_consumer"].set_bool_value(true);
  absl::StatusOr<std::shared_ptr<const Snapshot>> snapshot = Snapshot::build(config, {}, 1);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  context_.snapshot = *snapshot;
  matchRoute(true);
  consumer_.set_id("5e0d3a4b-7c9f-4d6e-8a1b-2c3d4e5f6a7b");
  consumer_.set_username("alice");
  EXPECT_EQ(streamSample(context_, 401, 10, 20, 1005).consumer, "");  // nobody authenticated
  context_.consumer = &consumer_;
  EXPECT_EQ(streamSample(context_, 429, 10, 20, 1005).consumer, "alice");
  route_.set_id("another-route");
  EXPECT_EQ(streamSample(context_, 200, 10, 20, 1005).consumer, "");
}

TEST_F(StreamSampleTest, NamesWinOverIdsAndHosts) {
  route_.set_name("users");
  service_.set_name("echo");
  matchRoute(true);
  const RequestSample sample = streamSample(context_, 200, 10, 20, 1005);
  EXPECT_EQ(sample.route, "users");
  EXPECT_EQ(sample.service, "echo");
}

TEST_F(StreamSampleTest, AProxiedResponseSplitsGatewayAndUpstreamLatency) {
  matchRoute(true);
  context_.proxy_start_ms = 1004;
  context_.upstream_headers_ms = 1030;
  const RequestSample sample = streamSample(context_, 201, 300, 900, 1040);
  EXPECT_EQ(sample.source, ResponseSource::kService);
  EXPECT_EQ(sample.status, 201);
  EXPECT_EQ(sample.request_latency_ms, 40u);
  EXPECT_EQ(sample.upstream_latency_ms, 26u);
  EXPECT_EQ(sample.gateway_latency_ms, 4u);
  EXPECT_EQ(sample.ingress_bytes, 300u);
  EXPECT_EQ(sample.egress_bytes, 900u);
}

TEST_F(StreamSampleTest, AnUpstreamThatNeverAnsweredLeavesTheResponseToTheGateway) {
  matchRoute(true);
  context_.proxy_start_ms = 1002;
  const RequestSample sample = streamSample(context_, 502, 0, 0, 1010);
  EXPECT_EQ(sample.source, ResponseSource::kGateway);
  EXPECT_FALSE(sample.upstream_latency_ms.has_value());
  EXPECT_EQ(sample.gateway_latency_ms, 2u);
}

TEST_F(StreamSampleTest, ARouterMissHasEmptyLabelsAndAllTheLatencyIsTheGateways) {
  const RequestSample sample = streamSample(context_, 404, 0, 0, 1003);
  EXPECT_EQ(sample.route, "");
  EXPECT_EQ(sample.service, "");
  EXPECT_EQ(sample.gateway_latency_ms, 3u);
}

TEST_F(StreamSampleTest, TimeSpentWaitingOnAPluginsServiceIsNotTheGateways) {
  matchRoute(false);
  context_.excluded_latency_ms = 50;
  EXPECT_EQ(streamSample(context_, 200, 0, 0, 1060).gateway_latency_ms, 10u);
}

TEST(RequestHeadBytesTest, CountsTheRequestLineHeadersAndBlankLine) {
  http::MessageHead head;
  head.method = "GET";
  head.target = "/users?x=1";
  head.headers.add("Host", "gw");
  // "GET /users?x=1 HTTP/1.1\r\n" = 25, "Host: gw\r\n" = 10, "\r\n" = 2.
  EXPECT_EQ(requestHeadBytes(head), 37u);
}

}  // namespace
}  // namespace portico::server::stats
