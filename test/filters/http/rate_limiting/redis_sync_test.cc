#include "source/filters/http/rate_limiting/redis_sync.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "source/filters/http/rate_limiting/redis_client.h"
#include "source/upstream/resolver.h"
#include "test/filters/http/rate_limiting/fake_clock.h"
#include "test/filters/http/rate_limiting/redis_server.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters::http::rate_limiting {
namespace {

using portico::test::runUntil;

// The start of the next real minute: Redis expires keys by its own clock, so PEXPIREAT at this
// window's end must lie in the future.
const int64_t kMinuteStart = (systemClock().nowMs() / 60000 + 1) * 60000;
constexpr uint64_t kIntervalMs = 50;

// One gateway process: its own local view and its own worker's sync.
struct Gateway {
  Gateway(uv_loop_t* loop, RedisClient& redis, ThrottledLog& log, const Clock& clock)
      : sync(loop, counters, redis, log, clock, kIntervalMs) {}
  SyncedCounters counters;
  RedisSync sync;
};

class RedisSyncTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!RedisServer::available()) {
      GTEST_SKIP() << "redis-server is not installed";
    }
    ASSERT_TRUE(server_.start());
    uv_loop_init(&loop_);
    resolver_.emplace(&loop_);
    RedisSettings settings;
    settings.host = "127.0.0.1";
    settings.port = static_cast<uint16_t>(server_.port());
    settings.timeout_ms = 500;
    client_ = std::make_unique<RedisClient>(&loop_, settings, *resolver_);
    config_.limits = {Limit{Period::kMinute, 5}};
    config_.route_scope = "route-1";
    config_.service_scope = kNullUuid;
    config_.policy = Policy::kRedis;
    config_.sync_rate = 0.05;
  }

  void TearDown() override {
    if (client_ != nullptr) {
      gateways_.clear();
      client_.reset();
      resolver_.reset();
      runUntil(
          &loop_, [] { return false; }, 20);
      uv_loop_close(&loop_);
    }
  }

  Gateway& gateway() {
    gateways_.push_back(std::make_unique<Gateway>(&loop_, *client_, log_, clock_));
    return *gateways_.back();
  }

  // A request judged the way the filter does: locally when it can, else after one read.
  absl::StatusOr<Decision> request(Gateway& gateway, const char* id = "1.2.3.4") {
    if (std::optional<Decision> decision =
            gateway.sync.decideLocally(config_, id, clock_.nowMs())) {
      return *decision;
    }
    std::optional<absl::StatusOr<Decision>> result;
    gateway.sync.fetchThenDecide(config_, id, clock_.nowMs(),
                                 [&](absl::StatusOr<Decision> decision) { result = decision; });
    EXPECT_TRUE(runUntil(&loop_, [&] { return result.has_value(); }));
    return result.value_or(absl::DeadlineExceededError("no answer"));
  }

  bool admitted(Gateway& gateway, const char* id = "1.2.3.4") {
    absl::StatusOr<Decision> decision = request(gateway, id);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return decision.ok() && !decision->exceeded;
  }

  // Runs one flush of `gateway` now (nothing is sent when no view remains) and waits for it.
  void syncNow(Gateway& gateway) {
    ASSERT_TRUE(runUntil(&loop_, [&] { return !gateway.sync.flushing(); }));
    gateway.sync.flush();
    ASSERT_TRUE(runUntil(&loop_, [&] { return !gateway.sync.flushing(); }));
  }

  std::string command(const RedisCommand& args) {
    std::optional<absl::StatusOr<Replies>> result;
    client_->execute({args}, [&](absl::StatusOr<Replies> replies) { result = std::move(replies); });
    runUntil(&loop_, [&] { return result.has_value(); });
    if (!result.has_value() || !result->ok()) {
      return "<failed>";
    }
    const redisReply& reply = *(**result)[0];
    if (reply.type == REDIS_REPLY_INTEGER) {
      return std::to_string(reply.integer);
    }
    return reply.str != nullptr ? std::string(reply.str, reply.len) : "<nil>";
  }

  // How many times Redis ran `name` (INFO commandstats).
  int calls(const std::string& name) {
    const std::string stats = command({"INFO", "commandstats"});
    const std::string prefix = absl::StrCat("cmdstat_", name, ":calls=");
    for (absl::string_view line : absl::StrSplit(stats, "\r\n")) {
      if (absl::StartsWith(line, prefix)) {
        int value = 0;
        absl::string_view rest = line.substr(prefix.size());
        absl::SimpleAtoi(rest.substr(0, rest.find(',')), &value);
        return value;
      }
    }
    return 0;
  }

  std::string key() {
    return absl::StrCat("ratelimit:route-1:", kNullUuid, ":1.2.3.4:", kMinuteStart, ":minute");
  }

  RedisServer server_;
  uv_loop_t loop_;
  std::optional<upstream::Resolver> resolver_;
  FakeClock clock_{kMinuteStart + 100};
  ThrottledLog log_{clock_, 10000};
  std::unique_ptr<RedisClient> client_;
  std::vector<std::unique_ptr<Gateway>> gateways_;
  RateLimitConfig config_;
};

TEST_F(RedisSyncTest, OnlyTheFirstRequestOfAKeyGoesToRedis) {
  Gateway& gateway = this->gateway();
  const int gets_before = calls("get");
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(admitted(gateway));
  }
  EXPECT_FALSE(admitted(gateway));
  EXPECT_EQ(calls("get") - gets_before, 1);
  EXPECT_EQ(calls("incrby"), 0);
  // The timer flushes on its own within the interval.
  EXPECT_TRUE(runUntil(
      &loop_, [&] { return calls("incrby") == 1; }, 1000));
  EXPECT_EQ(command({"GET", key()}), "5");  // the rejection did not count
  const int pttl = std::stoi(command({"PTTL", key()}));
  EXPECT_GT(pttl, 60000 - 100 - 5000);  // PEXPIREAT at the window's nominal end
  EXPECT_LE(pttl, 60000 + 60000);
}

TEST_F(RedisSyncTest, TwoGatewaysConvergeOnTheSharedCountAfterASync) {
  Gateway& first = gateway();
  Gateway& second = gateway();
  EXPECT_TRUE(admitted(first));
  EXPECT_TRUE(admitted(first));
  EXPECT_TRUE(admitted(first));
  EXPECT_TRUE(admitted(second));
  syncNow(first);
  syncNow(second);
  EXPECT_EQ(command({"GET", key()}), "4");
  EXPECT_EQ(first.counters.view(key()), 3);
  EXPECT_EQ(second.counters.view(key()), 4);  // its flush read back the first one's requests
  EXPECT_TRUE(admitted(first));
  syncNow(first);
  EXPECT_EQ(first.counters.view(key()), 5);
  EXPECT_FALSE(admitted(first));
  syncNow(second);  // unused since its last flush: its view is dropped, and read again
  EXPECT_FALSE(admitted(second));
  EXPECT_EQ(command({"GET", key()}), "5");
}

TEST_F(RedisSyncTest, RedisDownFailsOnlyUnknownKeysAndKeepsDeltasUntilItIsBack) {
  Gateway& gateway = this->gateway();
  EXPECT_TRUE(admitted(gateway));
  syncNow(gateway);
  EXPECT_EQ(command({"GET", key()}), "1");
  server_.stop();
  EXPECT_TRUE(admitted(gateway));  // judged locally, no Redis needed
  EXPECT_FALSE(request(gateway, "5.6.7.8").ok());
  syncNow(gateway);  // fails and keeps the delta
  EXPECT_EQ(gateway.counters.view(key()), 2);
  ASSERT_TRUE(server_.start());  // empty: the first delta is gone with the old process
  EXPECT_TRUE(runUntil(
      &loop_,
      [&] {
        return command({"GET", key()}) == "1";
      },
      3000));
  EXPECT_EQ(gateway.counters.view(key()), 1);
}

TEST_F(RedisSyncTest, AViewUnusedForAnIntervalIsReadAgain) {
  Gateway& gateway = this->gateway();
  EXPECT_TRUE(admitted(gateway));
  syncNow(gateway);
  syncNow(gateway);
  EXPECT_EQ(gateway.counters.size(), 0u);
  EXPECT_EQ(command({"SET", key(), "5"}), "OK");
  EXPECT_FALSE(admitted(gateway));
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
