#include "source/xds/server/discovery_server.h"

#include <algorithm>
#include <set>

#include "gtest/gtest.h"
#include "source/xds/resources.h"
#include "test/xds/server/ads_test_client.h"

namespace portico::xds::server {
namespace {

using config::v1::DeclarativeConfig;

constexpr char kServiceType[] = "type.googleapis.com/portico.config.v1.Service";
constexpr char kRouteType[] = "type.googleapis.com/portico.config.v1.Route";

std::shared_ptr<const DeclarativeConfig> sampleConfig(const std::string& service_host) {
  auto config = std::make_shared<DeclarativeConfig>();
  auto* service = config->add_services();
  service->set_id("svc-1");
  service->set_host(service_host);
  auto* route = config->add_routes();
  route->set_id("route-1");
  route->set_service_id("svc-1");
  config->add_consumers()->set_id("consumer-1");
  auto* credential = config->add_jwt_secrets();
  credential->set_id("jwt-1");
  credential->set_consumer_id("consumer-1");
  auto* plugin = config->add_plugins();
  plugin->set_id("plugin-1");
  plugin->set_route_id("route-1");
  return config;
}

class DiscoveryServerTest : public testing::Test {
 protected:
  void SetUp() override {
    DiscoveryServer::Options options;
    options.listen = "127.0.0.1:0";
    options.security.plaintext = true;
    options.control_plane_id = "cp-test";
    absl::StatusOr<std::unique_ptr<DiscoveryServer>> started = DiscoveryServer::start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
  }

  std::unique_ptr<AdsTestClient> connect() {
    return std::make_unique<AdsTestClient>(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }

  // Subscribes `node_id` to every type, each request naming the node as Envoy's clients do.
  static void subscribeAll(AdsTestClient& client, const std::string& node_id,
                           const std::string& version = "") {
    for (const std::string& type_url : resourceTypes()) {
      ASSERT_TRUE(client.send(subscription(node_id, type_url, version)));
    }
  }

  // Reads one response per type, asserting the dependency order and the version.
  static std::vector<DiscoveryResponse> readAll(AdsTestClient& client, const std::string& version) {
    std::vector<DiscoveryResponse> responses;
    for (const std::string& type_url : resourceTypes()) {
      std::optional<DiscoveryResponse> response = client.read();
      EXPECT_TRUE(response.has_value()) << "no response for " << type_url;
      if (!response) {
        break;
      }
      EXPECT_EQ(response->type_url(), type_url);
      EXPECT_EQ(response->version_info(), version);
      responses.push_back(*response);
    }
    return responses;
  }

  bool subscribedToAll(const std::string& node_id) {
    std::optional<NodeStatus> node = server_->nodes().find(node_id);
    return node && node->types.size() == resourceTypes().size();
  }

  std::unique_ptr<DiscoveryServer> server_;
};

TEST_F(DiscoveryServerTest, SubscribingToEveryTypeReceivesEachInDependencyOrder) {
  const auto config = sampleConfig("a.example");
  server_->publish(config, "v1");
  auto client = connect();
  subscribeAll(*client, "dp-1");

  std::vector<DiscoveryResponse> responses = readAll(*client, "v1");
  ASSERT_EQ(responses.size(), resourceTypes().size());
  std::set<std::string> nonces;
  for (const DiscoveryResponse& response : responses) {
    EXPECT_FALSE(response.nonce().empty());
    nonces.insert(response.nonce());
    EXPECT_EQ(response.control_plane().identifier(), "cp-test");
    EXPECT_EQ(static_cast<size_t>(response.resources_size()),
              resourcesOf(*config, response.type_url()).size());
  }
  EXPECT_EQ(nonces.size(), responses.size());
  EXPECT_EQ(responses.front().type_url(), resourceTypes().front());
  const auto services = std::find_if(responses.begin(), responses.end(), [](const auto& response) {
    return response.type_url() == "type.googleapis.com/portico.config.v1.Service";
  });
  ASSERT_NE(services, responses.end());
  config::v1::Service service;
  ASSERT_TRUE(services->resources(0).UnpackTo(&service));
  EXPECT_EQ(service.host(), "a.example");
}

TEST_F(DiscoveryServerTest, PublishPushesTypesInDependencyOrderWhateverTheSubscriptionOrder) {
  auto client = connect();
  std::vector<std::string> reversed(resourceTypes().rbegin(), resourceTypes().rend());
  for (const std::string& type_url : reversed) {
    ASSERT_TRUE(client->send(subscription("dp-1", type_url)));
  }
  ASSERT_TRUE(eventually([&] { return subscribedToAll("dp-1"); }));

  server_->publish(sampleConfig("a.example"), "v1");
  EXPECT_EQ(readAll(*client, "v1").size(), resourceTypes().size());
}

TEST_F(DiscoveryServerTest, AckIsRecordedAndEveryTypeAckedMeansSyncStatusNormal) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  subscribeAll(*client, "dp-1");
  for (const DiscoveryResponse& response : readAll(*client, "v1")) {
    ASSERT_TRUE(client->send(ack(response)));
  }
  ASSERT_TRUE(eventually([&] { return server_->nodes().find("dp-1")->config_hash == "v1"; }));

  const NodeStatus node = *server_->nodes().find("dp-1");
  EXPECT_TRUE(node.connected());
  EXPECT_EQ(node.types.at(kRouteType).acked_version, "v1");
  EXPECT_NE(node.last_ack, absl::InfinitePast());
  const nlohmann::json plane = server_->dataPlanesJson()["data"][0];
  EXPECT_EQ(plane["id"], "dp-1");
  EXPECT_EQ(plane["ip"], "127.0.0.1");
  EXPECT_EQ(plane["hostname"], "edge");
  EXPECT_EQ(plane["version"], "0.1.0");
  EXPECT_EQ(plane["config_hash"], "v1");
  EXPECT_EQ(plane["sync_status"], "normal");
  EXPECT_EQ(plane["connected"], true);
}

TEST_F(DiscoveryServerTest, NackRecordsTheErrorAndTheRejectedVersionIsNotResent) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  subscribeAll(*client, "dp-1");
  for (const DiscoveryResponse& response : readAll(*client, "v1")) {
    ASSERT_TRUE(client->send(response.type_url() == kRouteType
                                 ? nack(response, "", "route-1: unknown service")
                                 : ack(response)));
  }
  ASSERT_TRUE(eventually([&] { return !server_->nodes().find("dp-1")->error.empty(); }));

  const NodeStatus node = *server_->nodes().find("dp-1");
  EXPECT_EQ(node.types.at(kRouteType).error, "route-1: unknown service");
  EXPECT_EQ(node.types.at(kRouteType).nacked_version, "v1");
  EXPECT_TRUE(node.types.at(kRouteType).rejecting());
  const nlohmann::json plane = server_->dataPlanesJson()["data"][0];
  EXPECT_EQ(plane["sync_status"], "nack");
  EXPECT_EQ(plane["error"], "route-1: unknown service");
  EXPECT_TRUE(plane["last_nack"].is_number());

  // The next thing the node receives is the next version, not v1's routes again.
  server_->publish(sampleConfig("b.example"), "v2");
  std::optional<DiscoveryResponse> next = client->read();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->type_url(), resourceTypes().front());
  EXPECT_EQ(next->version_info(), "v2");
}

TEST_F(DiscoveryServerTest, AnAnswerToASupersededNonceIsIgnored) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  ASSERT_TRUE(client->send(subscription("dp-1", kServiceType)));
  std::optional<DiscoveryResponse> first = client->read();
  ASSERT_TRUE(first.has_value());
  server_->publish(sampleConfig("b.example"), "v2");
  std::optional<DiscoveryResponse> second = client->read();
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->version_info(), "v2");

  ASSERT_TRUE(client->send(nack(*first, "", "stale complaint")));
  ASSERT_TRUE(client->send(ack(*second)));
  ASSERT_TRUE(eventually(
      [&] { return server_->nodes().find("dp-1")->types.at(kServiceType).acked_version == "v2"; }));
  const NodeStatus node = *server_->nodes().find("dp-1");
  EXPECT_EQ(node.last_nack, absl::InfinitePast());
  EXPECT_TRUE(node.error.empty());
}

TEST_F(DiscoveryServerTest, PublishPushesTheNewVersionToEveryConnectedNode) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto first = connect();
  auto second = connect();
  subscribeAll(*first, "dp-1");
  subscribeAll(*second, "dp-2");
  for (AdsTestClient* client : {first.get(), second.get()}) {
    for (const DiscoveryResponse& response : readAll(*client, "v1")) {
      ASSERT_TRUE(client->send(ack(response)));
    }
  }

  server_->publish(sampleConfig("b.example"), "v2");
  EXPECT_EQ(readAll(*first, "v2").size(), resourceTypes().size());
  EXPECT_EQ(readAll(*second, "v2").size(), resourceTypes().size());
  EXPECT_EQ(server_->dataPlanesJson()["data"].size(), 2u);
}

TEST_F(DiscoveryServerTest, ANodeReconnectingWithTheCurrentVersionIsNotSentItAgain) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  subscribeAll(*client, "dp-1", "v1");
  ASSERT_TRUE(eventually([&] { return subscribedToAll("dp-1"); }));
  EXPECT_EQ(server_->nodes().find("dp-1")->config_hash, "v1");
  EXPECT_EQ(server_->dataPlanesJson()["data"][0]["sync_status"], "normal");

  server_->publish(sampleConfig("b.example"), "v2");
  std::optional<DiscoveryResponse> next = client->read();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->type_url(), resourceTypes().front());
  EXPECT_EQ(next->version_info(), "v2");
}

TEST_F(DiscoveryServerTest, ANodeReconnectingWithAnOlderVersionIsSentTheCurrentOne) {
  server_->publish(sampleConfig("b.example"), "v2");
  auto client = connect();
  subscribeAll(*client, "dp-1", "v1");
  EXPECT_EQ(readAll(*client, "v2").size(), resourceTypes().size());
}

TEST_F(DiscoveryServerTest, AStreamWhoseFirstRequestNamesNoNodeIsRefused) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  ASSERT_TRUE(client->send(subscription("", kServiceType)));
  EXPECT_EQ(client->finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(server_->dataPlanesJson()["data"].size(), 0u);
}

TEST_F(DiscoveryServerTest, AnUnknownTypeIsLeftUnanswered) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  ASSERT_TRUE(client->send(subscription("dp-1", "type.googleapis.com/envoy.config.Cluster")));
  ASSERT_TRUE(client->send(subscription("", kServiceType)));
  std::optional<DiscoveryResponse> response = client->read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->type_url(), kServiceType);
}

TEST_F(DiscoveryServerTest, NothingIsSentBeforeTheFirstPublish) {
  auto client = connect();
  ASSERT_TRUE(client->send(subscription("dp-1", kServiceType)));
  // The node is listed when its stream opens, its subscription once the request is read.
  ASSERT_TRUE(eventually([&] {
    const auto node = server_->nodes().find("dp-1");
    return node.has_value() && node->types.count(kServiceType) == 1;
  }));
  EXPECT_EQ(server_->nodes().find("dp-1")->types.at(kServiceType).sent_version, "");
  server_->publish(sampleConfig("a.example"), "v1");
  std::optional<DiscoveryResponse> response = client->read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->version_info(), "v1");
}

TEST_F(DiscoveryServerTest, ADisconnectedNodeStaysListedAsDisconnected) {
  auto client = connect();
  ASSERT_TRUE(client->send(subscription("dp-1", kServiceType)));
  ASSERT_TRUE(eventually([&] { return server_->nodes().find("dp-1").has_value(); }));
  client->cancel();
  ASSERT_TRUE(eventually([&] { return !server_->nodes().find("dp-1")->connected(); }));
  EXPECT_EQ(server_->dataPlanesJson()["data"][0]["connected"], false);
}

TEST_F(DiscoveryServerTest, ShutdownEndsOpenStreams) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto client = connect();
  ASSERT_TRUE(client->send(subscription("dp-1", kServiceType)));
  ASSERT_TRUE(client->read().has_value());
  server_->shutdown();
  EXPECT_FALSE(client->finish().ok());
}

TEST_F(DiscoveryServerTest, DestroyingTheServerWhilePushingToNodesIsClean) {
  server_->publish(sampleConfig("a.example"), "v1");
  auto first = connect();
  auto second = connect();
  subscribeAll(*first, "dp-1");
  subscribeAll(*second, "dp-2");
  ASSERT_TRUE(first->read().has_value());
  server_->publish(sampleConfig("b.example"), "v2");
  server_.reset();
  EXPECT_FALSE(first->finish().ok());
  EXPECT_FALSE(second->finish().ok());
}

TEST(DiscoveryServerStartTest, PlaintextOffLoopbackIsRefused) {
  DiscoveryServer::Options options;
  options.listen = "0.0.0.0:0";
  options.security.plaintext = true;
  absl::StatusOr<std::unique_ptr<DiscoveryServer>> started = DiscoveryServer::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("loopback"), std::string::npos);
}

TEST(DiscoveryServerStartTest, MutualTlsWithoutACertificateIsRefused) {
  DiscoveryServer::Options options;
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<DiscoveryServer>> started = DiscoveryServer::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("cluster_cert"), std::string::npos);
}

TEST(DiscoveryServerStartTest, APortAlreadyInUseFailsTheStart) {
  DiscoveryServer::Options options;
  options.listen = "127.0.0.1:0";
  options.security.plaintext = true;
  absl::StatusOr<std::unique_ptr<DiscoveryServer>> first = DiscoveryServer::start(options);
  ASSERT_TRUE(first.ok());
  options.listen = "127.0.0.1:" + std::to_string((*first)->port());
  EXPECT_FALSE(DiscoveryServer::start(options).ok());
}

}  // namespace
}  // namespace portico::xds::server
