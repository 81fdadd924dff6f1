#include "source/filters/http/rate_limiting/redis_cluster.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "source/filters/http/rate_limiting/cluster_slot.h"
#include "source/filters/http/rate_limiting/counter_key.h"
#include "source/filters/http/rate_limiting/redis_policy.h"
#include "source/upstream/resolver.h"
#include "test/filters/http/rate_limiting/redis_server.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters::http::rate_limiting {
namespace {

using portico::test::runUntil;

constexpr int64_t kMinuteStart = 1773578040000;

// One real three-node cluster for the whole suite; tests that move slots use slots no other
// test uses.
class RedisClusterTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    servers_ = new RedisClusterServers();
    if (!servers_->start()) {
      delete servers_;
      servers_ = nullptr;
    }
  }

  static void TearDownTestSuite() {
    delete servers_;
    servers_ = nullptr;
  }

  void SetUp() override {
    if (servers_ == nullptr) {
      GTEST_SKIP() << "no redis-server/redis-cli to start a cluster with";
    }
    uv_loop_init(&loop_);
    resolver_.emplace(&loop_);
  }

  void TearDown() override {
    if (servers_ == nullptr) {
      return;
    }
    cluster_.reset();
    resolver_.reset();
    runUntil(
        &loop_, [] { return false; }, 20);
    uv_loop_close(&loop_);
  }

  RedisCluster& cluster(std::vector<int> seeds, int max_redirections = 5) {
    RedisSettings settings;
    for (int port : seeds) {
      settings.cluster_nodes.push_back(RedisNode{"127.0.0.1", static_cast<uint16_t>(port)});
    }
    settings.timeout_ms = 1000;
    settings.cluster_max_redirections = max_redirections;
    cluster_ = std::make_unique<RedisCluster>(&loop_, std::move(settings), *resolver_);
    return *cluster_;
  }

  absl::StatusOr<Replies> run(const std::vector<RedisCommand>& commands) {
    std::optional<absl::StatusOr<Replies>> result;
    cluster_->execute(commands,
                      [&](absl::StatusOr<Replies> replies) { result = std::move(replies); });
    EXPECT_FALSE(result.has_value()) << "called back before execute() returned";
    EXPECT_TRUE(runUntil(&loop_, [&] { return result.has_value(); }));
    if (!result.has_value()) {
      return absl::UnknownError("no answer");
    }
    return std::move(*result);
  }

  static std::string text(const redisReply& reply) {
    if (reply.type == REDIS_REPLY_INTEGER) {
      return std::to_string(reply.integer);
    }
    return reply.str != nullptr ? std::string(reply.str, reply.len) : "<nil>";
  }

  // A key named `prefix`-N served by the node on `port`.
  static std::string keyOn(int port, const std::string& prefix) {
    for (int i = 0;; ++i) {
      std::string key = prefix + "-" + std::to_string(i);
      if (servers_->owner(clusterSlot(key)) == port) {
        return key;
      }
    }
  }

  // Moves an empty slot the way redis-cli's resharding does (importing/migrating, then the new
  // owner everywhere), so the new owner's config epoch wins.
  static void moveSlot(int slot, int from, int to) {
    const std::string to_id = RedisClusterServers::nodeId(to);
    const std::string from_id = RedisClusterServers::nodeId(from);
    const std::string s = std::to_string(slot);
    RedisClusterServers::cli(to, "cluster setslot " + s + " importing " + from_id);
    RedisClusterServers::cli(from, "cluster setslot " + s + " migrating " + to_id);
    for (int port : servers_->ports()) {
      RedisClusterServers::cli(port, "cluster setslot " + s + " node " + to_id);
    }
  }

  static RedisClusterServers* servers_;
  uv_loop_t loop_;
  std::optional<upstream::Resolver> resolver_;
  std::unique_ptr<RedisCluster> cluster_;
};

RedisClusterServers* RedisClusterTest::servers_ = nullptr;

TEST_F(RedisClusterTest, SlotsAgreeWithClusterKeySlot) {
  for (const std::string key :
       {"foo", "bar", "{user1000}.following", "ratelimit:{r:s:1.2.3.4}:1"}) {
    EXPECT_EQ(std::to_string(clusterSlot(key)),
              RedisClusterServers::cli(servers_->ports()[0], "cluster keyslot '" + key + "'"))
        << key;
  }
}

TEST_F(RedisClusterTest, EachCommandGoesToTheNodeServingItsKey) {
  const std::vector<int>& ports = servers_->ports();
  std::vector<std::string> keys;
  for (int port : ports) {
    keys.push_back(keyOn(port, "route"));
  }
  RedisCluster& redis = cluster({ports[0]});
  std::vector<RedisCommand> commands;
  for (const std::string& key : keys) {
    commands.push_back({"SET", key, "v-" + key});
  }
  for (const std::string& key : keys) {
    commands.push_back({"GET", key});
  }
  absl::StatusOr<Replies> replies = run(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 6u);
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(text(*(*replies)[i]), "OK");
    EXPECT_EQ(text(*(*replies)[3 + i]), "v-" + keys[i]);
    // Without -c, a node only answers for its own slots.
    EXPECT_EQ(RedisClusterServers::cli(ports[i], "get " + keys[i]), "v-" + keys[i]);
  }
  EXPECT_EQ(redis.mapLoads(), 1u);
}

TEST_F(RedisClusterTest, AnUnreachableSeedIsSkipped) {
  RedisCluster& redis = cluster({closedPort(), servers_->ports()[1]});
  absl::StatusOr<Replies> replies = run({{"SET", "seed-key", "1"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ(text(*replies->front()), "OK");
  EXPECT_EQ(redis.nodeForSlot(clusterSlot("seed-key")),
            "127.0.0.1:" + std::to_string(servers_->owner(clusterSlot("seed-key"))));
}

TEST_F(RedisClusterTest, NoReachableSeedFailsTheRequest) {
  cluster({closedPort(), closedPort()});
  absl::StatusOr<Replies> replies = run({{"GET", "k"}});
  ASSERT_FALSE(replies.ok());
  EXPECT_NE(replies.status().message().find("CLUSTER SLOTS"), std::string::npos)
      << replies.status();
}

TEST_F(RedisClusterTest, ASeedWithoutClusterSupportIsSkipped) {
  RedisServer plain;
  ASSERT_TRUE(plain.start());
  cluster({plain.port()});
  absl::StatusOr<Replies> alone = run({{"GET", "k"}});
  ASSERT_FALSE(alone.ok());
  EXPECT_NE(alone.status().message().find("cluster support disabled"), std::string::npos)
      << alone.status();
  cluster({plain.port(), servers_->ports()[2]});
  absl::StatusOr<Replies> replies = run({{"SET", "plain-seed", "1"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ(text(*replies->front()), "OK");
}

TEST_F(RedisClusterTest, MovedUpdatesTheSlotAndRetriesOnTheNewOwner) {
  const std::vector<int>& ports = servers_->ports();
  const std::string key = keyOn(ports[0], "moved");
  const int slot = clusterSlot(key);
  RedisCluster& redis = cluster({ports[0]});
  ASSERT_TRUE(run({{"GET", key}}).ok());
  moveSlot(slot, ports[0], ports[1]);
  absl::StatusOr<Replies> replies = run({{"SET", key, "moved"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ(text(*replies->front()), "OK");
  EXPECT_EQ(redis.nodeForSlot(slot), "127.0.0.1:" + std::to_string(ports[1]));
  EXPECT_EQ(RedisClusterServers::cli(ports[1], "get " + key), "moved");
}

TEST_F(RedisClusterTest, AskSendsAskingAndTheCommandToTheImportingNode) {
  const std::vector<int>& ports = servers_->ports();
  const std::string key = keyOn(ports[1], "ask");
  const std::string slot = std::to_string(clusterSlot(key));
  RedisCluster& redis = cluster({ports[0]});
  ASSERT_TRUE(run({{"GET", key}}).ok());
  RedisClusterServers::cli(
      ports[2], "cluster setslot " + slot + " importing " + RedisClusterServers::nodeId(ports[1]));
  RedisClusterServers::cli(
      ports[1], "cluster setslot " + slot + " migrating " + RedisClusterServers::nodeId(ports[2]));
  absl::StatusOr<Replies> replies = run({{"SET", key, "asked"}, {"GET", key}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ(text(*(*replies)[0]), "OK");
  EXPECT_EQ(text(*(*replies)[1]), "asked");
  // ASK is for one command: the map still names the migrating node.
  EXPECT_EQ(redis.nodeForSlot(clusterSlot(key)), "127.0.0.1:" + std::to_string(ports[1]));
  EXPECT_EQ(RedisClusterServers::cli(ports[1], "cluster countkeysinslot " + slot), "0");
  EXPECT_EQ(RedisClusterServers::cli(ports[2], "cluster countkeysinslot " + slot), "1");
}

TEST_F(RedisClusterTest, GivesUpAfterMaxRedirections) {
  const std::vector<int>& ports = servers_->ports();
  const std::string key = keyOn(ports[2], "redirections");
  cluster({ports[0]}, 0);
  ASSERT_TRUE(run({{"GET", key}}).ok());
  moveSlot(clusterSlot(key), ports[2], ports[0]);
  absl::StatusOr<Replies> replies = run({{"GET", key}});
  ASSERT_FALSE(replies.ok());
  EXPECT_NE(replies.status().message().find("too many redirections (last: MOVED"),
            std::string::npos)
      << replies.status();
}

TEST_F(RedisClusterTest, ThePolicyCountsEachIdentifierOnItsShard) {
  const std::vector<int>& ports = servers_->ports();
  RateLimitConfig config;
  config.limits = {Limit{Period::kMinute, 2}, Limit{Period::kHour, 100}};
  config.policy = Policy::kRedis;
  config.redis.cluster_nodes = {RedisNode{"127.0.0.1", static_cast<uint16_t>(ports[2])}};
  config.route_scope = "route-1";
  config.service_scope = kNullUuid;
  RedisCluster& redis = cluster({ports[2]});
  std::set<int> shards;
  for (int client = 0; client < 6; ++client) {
    const std::string identifier = "10.0.0." + std::to_string(client);
    shards.insert(servers_->owner(
        clusterSlot(counterKey(config, identifier, kMinuteStart, Period::kMinute))));
    for (int request = 0; request < 3; ++request) {
      std::optional<absl::StatusOr<Decision>> decision;
      evaluateRedis(config, redis, identifier, kMinuteStart + 10,
                    [&](absl::StatusOr<Decision> result) { decision = std::move(result); });
      ASSERT_TRUE(runUntil(&loop_, [&] { return decision.has_value(); }));
      ASSERT_TRUE(decision->ok()) << decision->status();
      EXPECT_EQ((*decision)->exceeded.has_value(), request == 2) << identifier;
      EXPECT_EQ((*decision)->usages[1].usage, request);
    }
  }
  EXPECT_GT(shards.size(), 1u);
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
