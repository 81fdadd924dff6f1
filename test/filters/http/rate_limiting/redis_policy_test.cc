#include "source/filters/http/rate_limiting/redis_policy.h"

#include <memory>
#include <optional>

#include "gtest/gtest.h"
#include "source/filters/http/rate_limiting/redis_client.h"
#include "source/upstream/resolver.h"
#include "test/filters/http/rate_limiting/fake_clock.h"
#include "test/filters/http/rate_limiting/redis_server.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters::http::rate_limiting {
namespace {

using portico::test::runUntil;

constexpr int64_t kMinuteStart = 1773578040000;  // 2026-03-15 12:34:00 UTC

class RedisPolicyTest : public testing::Test {
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
    client_ = std::make_unique<RedisClient>(&loop_, settings, *resolver_);
    config_.limits = {Limit{Period::kMinute, 3}};
    config_.route_scope = "route-1";
    config_.service_scope = kNullUuid;
    config_.policy = Policy::kRedis;
  }

  void TearDown() override {
    if (client_ != nullptr) {
      client_.reset();
      resolver_.reset();
      runUntil(
          &loop_, [] { return false; }, 20);
      uv_loop_close(&loop_);
    }
  }

  Decision evaluate(int64_t now_ms, const char* id = "1.2.3.4") {
    std::optional<absl::StatusOr<Decision>> result;
    evaluateRedis(config_, *client_, id, now_ms,
                  [&](absl::StatusOr<Decision> decision) { result = std::move(decision); });
    EXPECT_TRUE(runUntil(&loop_, [&] { return result.has_value(); }));
    EXPECT_TRUE(result.has_value() && result->ok());
    return result.has_value() && result->ok() ? **result : Decision();
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

  std::string key(int64_t window_start) {
    return "ratelimit:route-1:" + std::string(kNullUuid) +
           ":1.2.3.4:" + std::to_string(window_start) + ":minute";
  }

  RedisServer server_;
  uv_loop_t loop_;
  std::optional<upstream::Resolver> resolver_;
  std::unique_ptr<RedisClient> client_;
  RateLimitConfig config_;
};

TEST_F(RedisPolicyTest, CountsEveryRequestInKongsKeyWithTheWindowTtl) {
  for (int i = 0; i < 3; ++i) {
    const Decision decision = evaluate(kMinuteStart + 100);
    EXPECT_FALSE(decision.exceeded);
    EXPECT_EQ(decision.usages[0].usage, i);
  }
  const Decision rejected = evaluate(kMinuteStart + 100);
  EXPECT_TRUE(rejected.exceeded);
  EXPECT_EQ(rejected.usages[0].usage, 3);
  EXPECT_EQ(command({"GET", key(kMinuteStart)}), "4");  // rejected requests count too
  const int ttl = std::stoi(command({"TTL", key(kMinuteStart)}));
  EXPECT_GT(ttl, 55);
  EXPECT_LE(ttl, 60);
}

TEST_F(RedisPolicyTest, TheNextWindowStartsAgain) {
  for (int i = 0; i < 4; ++i) {
    evaluate(kMinuteStart);
  }
  const Decision next = evaluate(kMinuteStart + 60000);
  EXPECT_FALSE(next.exceeded);
  EXPECT_EQ(next.usages[0].usage, 0);
}

TEST_F(RedisPolicyTest, ReloadsTheScriptAfterRedisForgotIt) {
  evaluate(kMinuteStart);
  EXPECT_EQ(command({"SCRIPT", "FLUSH"}), "OK");
  EXPECT_EQ(evaluate(kMinuteStart).usages[0].usage, 1);
}

TEST_F(RedisPolicyTest, AllPeriodsInOneRoundTrip) {
  config_.limits = {Limit{Period::kSecond, 100}, Limit{Period::kMinute, 3},
                    Limit{Period::kHour, 1000}};
  for (int i = 0; i < 3; ++i) {
    evaluate(kMinuteStart);
  }
  const Decision rejected = evaluate(kMinuteStart);
  ASSERT_TRUE(rejected.exceeded);
  EXPECT_EQ(*rejected.exceeded, 1u);
  EXPECT_EQ(rejected.usages[2].usage, 3);
}

TEST_F(RedisPolicyTest, ConcurrentRequestsAdmitExactlyTheLimit) {
  config_.limits = {Limit{Period::kMinute, 10}};
  int admitted = 0;
  int answered = 0;
  for (int i = 0; i < 100; ++i) {
    evaluateRedis(config_, *client_, "burst", kMinuteStart, [&](absl::StatusOr<Decision> d) {
      ++answered;
      admitted += d.ok() && !d->exceeded ? 1 : 0;
    });
  }
  ASSERT_TRUE(runUntil(&loop_, [&] { return answered == 100; }));
  EXPECT_EQ(admitted, 10);
}

TEST_F(RedisPolicyTest, SlidingWindowsCountOnlyAdmittedRequestsAndCarryOver) {
  config_.limits = {Limit{Period::kMinute, 10}};
  config_.window_type = WindowType::kSliding;
  int admitted = 0;
  for (int i = 0; i < 15; ++i) {
    admitted += evaluate(kMinuteStart + 59000).exceeded ? 0 : 1;
  }
  EXPECT_EQ(admitted, 10);
  EXPECT_EQ(command({"GET", key(kMinuteStart)}), "10");
  // The previous 10 weigh 59/60 one second later (one more fits), half at mid-minute.
  EXPECT_FALSE(evaluate(kMinuteStart + 61000).exceeded);
  EXPECT_TRUE(evaluate(kMinuteStart + 61000).exceeded);
  admitted = 0;
  for (int i = 0; i < 10; ++i) {
    admitted += evaluate(kMinuteStart + 90000).exceeded ? 0 : 1;
  }
  EXPECT_EQ(admitted, 4);
  const int ttl = std::stoi(command({"TTL", key(kMinuteStart + 60000)}));
  EXPECT_GT(ttl, 60);  // kept for the window after, as its previous window
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
