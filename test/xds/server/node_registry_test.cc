#include "source/xds/server/node_registry.h"

#include "gtest/gtest.h"
#include "source/xds/resources.h"

namespace portico::xds::server {
namespace {

class NodeRegistryTest : public testing::Test {
 protected:
  NodeRegistryTest() : registry_([this] { return now_; }) {}

  envoy::config::core::v3::Node node(const std::string& id) {
    envoy::config::core::v3::Node result;
    result.set_id(id);
    result.set_cluster("edge");
    result.set_user_agent_name("portico");
    result.set_user_agent_version("0.1.0");
    return result;
  }

  void ackEverything(const std::string& id, const std::string& version) {
    for (const std::string& type_url : resourceTypes()) {
      registry_.sent(id, type_url, version, "n-" + type_url);
      registry_.acked(id, type_url, version);
    }
  }

  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  NodeRegistry registry_;
};

TEST_F(NodeRegistryTest, ListsANodeInKongsDataPlanesShape) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  now_ += absl::Seconds(5);
  ackEverything("dp-1", "v1");

  const nlohmann::json body = registry_.dataPlanesJson("v1");
  EXPECT_TRUE(body["next"].is_null());
  ASSERT_EQ(body["data"].size(), 1u);
  const nlohmann::json& plane = body["data"][0];
  EXPECT_EQ(plane["id"], "dp-1");
  EXPECT_EQ(plane["ip"], "10.0.0.7");
  EXPECT_EQ(plane["hostname"], "edge");
  EXPECT_EQ(plane["version"], "0.1.0");
  EXPECT_EQ(plane["config_hash"], "v1");
  EXPECT_EQ(plane["sync_status"], "normal");
  EXPECT_EQ(plane["connected"], true);
  EXPECT_EQ(plane["connected_since"], 1700000000);
  EXPECT_EQ(plane["last_seen"], 1700000000);
  EXPECT_EQ(plane["last_ack"], 1700000005);
  EXPECT_TRUE(plane["last_nack"].is_null());
  EXPECT_TRUE(plane["error"].is_null());
  EXPECT_EQ(plane["resources"].size(), resourceTypes().size());
}

TEST_F(NodeRegistryTest, MetadataHostnameWinsOverTheCluster) {
  envoy::config::core::v3::Node named = node("dp-1");
  (*named.mutable_metadata()->mutable_fields())["hostname"].set_string_value("gw-3.internal");
  registry_.connected(named, "ipv6:[::1]:4000");
  const nlohmann::json plane = registry_.dataPlanesJson("")["data"][0];
  EXPECT_EQ(plane["hostname"], "gw-3.internal");
  EXPECT_EQ(plane["ip"], "::1");
}

TEST_F(NodeRegistryTest, ANodeBehindTheCurrentVersionIsUnknownNotNormal) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  ackEverything("dp-1", "v1");
  const nlohmann::json plane = registry_.dataPlanesJson("v2")["data"][0];
  EXPECT_EQ(plane["sync_status"], "unknown");
  EXPECT_EQ(plane["config_hash"], "v1");
}

TEST_F(NodeRegistryTest, ConfigHashIsTheLastVersionAckedForEveryType) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  ackEverything("dp-1", "v1");
  registry_.acked("dp-1", resourceTypes().front(), "v2");
  EXPECT_EQ(registry_.find("dp-1")->config_hash, "v1");
  ackEverything("dp-1", "v2");
  EXPECT_EQ(registry_.find("dp-1")->config_hash, "v2");
}

TEST_F(NodeRegistryTest, ANackShowsUntilTheTypeIsAckedAgain) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  ackEverything("dp-1", "v1");
  const std::string& routes = resourceTypes()[5];
  now_ += absl::Seconds(1);
  registry_.sent("dp-1", routes, "v2", "n-9");
  registry_.nacked("dp-1", routes, "v1", "bad route");

  nlohmann::json plane = registry_.dataPlanesJson("v2")["data"][0];
  EXPECT_EQ(plane["sync_status"], "nack");
  EXPECT_EQ(plane["error"], "bad route");
  EXPECT_EQ(plane["last_nack"], 1700000001);
  EXPECT_EQ(plane["resources"][routes]["nacked_version"], "v2");
  EXPECT_EQ(plane["resources"][routes]["acked_version"], "v1");

  now_ += absl::Seconds(1);
  ackEverything("dp-1", "v3");
  plane = registry_.dataPlanesJson("v3")["data"][0];
  EXPECT_EQ(plane["sync_status"], "normal");
}

TEST_F(NodeRegistryTest, NacksNamingTheVersionInUseCompleteTheConfigHash) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  // The node applied v1 but only its first type's ACK arrived before the next push.
  const std::vector<std::string>& types = resourceTypes();
  for (const std::string& type_url : types) {
    registry_.sent("dp-1", type_url, "v1", "n-1");
  }
  registry_.acked("dp-1", types.front(), "v1");
  EXPECT_EQ(registry_.find("dp-1")->config_hash, "");
  for (const std::string& type_url : types) {
    registry_.sent("dp-1", type_url, "v2", "n-2");
    registry_.nacked("dp-1", type_url, "v1", "refused");
  }
  EXPECT_EQ(registry_.find("dp-1")->config_hash, "v1");
}

TEST_F(NodeRegistryTest, AReconnectKeepsTheNodeAndItsConnectedSinceRestarts) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  registry_.disconnected("dp-1");
  EXPECT_FALSE(registry_.find("dp-1")->connected());
  now_ += absl::Seconds(30);
  registry_.connected(node("dp-1"), "ipv4:10.0.0.8:40000");
  const NodeStatus status = *registry_.find("dp-1");
  EXPECT_TRUE(status.connected());
  EXPECT_EQ(status.connected_since, now_);
  EXPECT_EQ(status.peer, "ipv4:10.0.0.8:40000");
  EXPECT_EQ(registry_.dataPlanesJson("")["data"].size(), 1u);
}

TEST_F(NodeRegistryTest, AnOverlappingOldStreamClosingLeavesTheNodeConnected) {
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51234");
  registry_.connected(node("dp-1"), "ipv4:10.0.0.7:51299");
  registry_.disconnected("dp-1");
  EXPECT_TRUE(registry_.find("dp-1")->connected());
}

TEST(PeerIpTest, ExtractsTheAddressOfGrpcPeers) {
  EXPECT_EQ(peerIp("ipv4:127.0.0.1:5000"), "127.0.0.1");
  EXPECT_EQ(peerIp("ipv6:[2001:db8::1]:5000"), "2001:db8::1");
  EXPECT_EQ(peerIp("ipv6:%5B::1%5D:5000"), "::1");
  EXPECT_EQ(peerIp("unix:/tmp/socket"), "");
}

}  // namespace
}  // namespace portico::xds::server
