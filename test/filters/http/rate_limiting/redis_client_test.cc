#include "source/filters/http/rate_limiting/redis_client.h"

#include <memory>
#include <optional>

#include "gtest/gtest.h"
#include "source/upstream/resolver.h"
#include "test/filters/http/rate_limiting/redis_server.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters::http::rate_limiting {
namespace {

using portico::test::runUntil;

class RedisClientTest : public testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    resolver_.emplace(&loop_);
  }

  void TearDown() override {
    client_.reset();
    resolver_.reset();
    runUntil(
        &loop_, [] { return false; }, 20);
    uv_loop_close(&loop_);
  }

  RedisClient& client(RedisSettings settings) {
    client_ = std::make_unique<RedisClient>(&loop_, std::move(settings), *resolver_);
    return *client_;
  }

  static RedisSettings local(int port) {
    RedisSettings settings;
    settings.host = "127.0.0.1";
    settings.port = static_cast<uint16_t>(port);
    settings.timeout_ms = 1000;
    return settings;
  }

  absl::StatusOr<Replies> run(RedisClient& redis, const std::vector<RedisCommand>& commands) {
    std::optional<absl::StatusOr<Replies>> result;
    redis.execute(commands, [&](absl::StatusOr<Replies> replies) { result = std::move(replies); });
    EXPECT_FALSE(result.has_value()) << "called back before execute() returned";
    EXPECT_TRUE(runUntil(&loop_, [&] { return result.has_value(); }));
    if (!result.has_value()) {
      return absl::UnknownError("no answer");
    }
    return std::move(*result);
  }

  uv_loop_t loop_;
  std::optional<upstream::Resolver> resolver_;
  std::unique_ptr<RedisClient> client_;
};

#define REQUIRE_REDIS()                              \
  if (!RedisServer::available()) {                   \
    GTEST_SKIP() << "redis-server is not installed"; \
  }

TEST_F(RedisClientTest, PipelinedCommandsGetTheirRepliesInOrder) {
  REQUIRE_REDIS();
  RedisServer server;
  ASSERT_TRUE(server.start());
  RedisClient& redis = client(local(server.port()));
  absl::StatusOr<Replies> replies =
      run(redis, {{"SET", "k", "v"}, {"INCR", "n"}, {"INCR", "n"}, {"GET", "k"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[2]->integer, 2);
  EXPECT_EQ(std::string((*replies)[3]->str), "v");
}

TEST_F(RedisClientTest, ManyConcurrentRequestsShareAFewConnections) {
  REQUIRE_REDIS();
  RedisServer server;
  ASSERT_TRUE(server.start());
  RedisClient& redis = client(local(server.port()));
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    redis.execute({{"INCR", "n"}},
                  [&](absl::StatusOr<Replies> replies) { answered += replies.ok() ? 1 : 0; });
  }
  ASSERT_TRUE(runUntil(&loop_, [&] { return answered == 200; }));
  EXPECT_LE(redis.openConnections(), RedisClient::kMaxConnections);
  absl::StatusOr<Replies> count = run(redis, {{"GET", "n"}});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(std::string((*count)[0]->str), "200");
}

TEST_F(RedisClientTest, AuthenticatesAndSelectsTheDatabase) {
  REQUIRE_REDIS();
  RedisServer server({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.start());
  RedisSettings settings = local(server.port());
  settings.password = "s3cret";
  settings.database = 3;
  RedisClient& redis = client(settings);
  ASSERT_TRUE(run(redis, {{"SET", "k", "in-db-3"}}).ok());
  absl::StatusOr<Replies> replies =
      run(redis, {{"SELECT", "3"}, {"GET", "k"}, {"SELECT", "0"}, {"EXISTS", "k"}});
  ASSERT_TRUE(replies.ok());
  EXPECT_EQ(std::string((*replies)[1]->str), "in-db-3");
  EXPECT_EQ((*replies)[3]->integer, 0);
}

TEST_F(RedisClientTest, AWrongPasswordFailsTheRequest) {
  REQUIRE_REDIS();
  RedisServer server({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.start());
  RedisSettings settings = local(server.port());
  settings.password = "wrong";
  absl::StatusOr<Replies> replies = run(client(settings), {{"PING"}});
  ASSERT_FALSE(replies.ok());
  EXPECT_NE(replies.status().message().find("handshake failed"), std::string::npos);
}

TEST_F(RedisClientTest, NothingListeningFailsAndBacksOff) {
  RedisClient& redis = client(local(closedPort()));
  absl::StatusOr<Replies> first = run(redis, {{"PING"}});
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(absl::IsUnavailable(first.status())) << first.status();
  // Right after a failed connect the client does not try again: the answer comes at once.
  absl::StatusOr<Replies> second = run(redis, {{"PING"}});
  EXPECT_NE(second.status().message().find("waiting before reconnecting"), std::string::npos)
      << second.status();
}

TEST_F(RedisClientTest, ASilentServerTimesOut) {
  SilentServer silent;
  RedisSettings settings = local(silent.port());
  settings.timeout_ms = 100;
  const uint64_t start = uv_now(&loop_);
  absl::StatusOr<Replies> replies = run(client(settings), {{"PING"}});
  ASSERT_FALSE(replies.ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded(replies.status())) << replies.status();
  uv_update_time(&loop_);
  EXPECT_GE(uv_now(&loop_) - start, 90u);
  EXPECT_LT(uv_now(&loop_) - start, 1000u);
}

TEST_F(RedisClientTest, RecoversWhenRedisComesBack) {
  REQUIRE_REDIS();
  auto server = std::make_unique<RedisServer>();
  ASSERT_TRUE(server->start());
  const int port = server->port();
  RedisClient& redis = client(local(port));
  ASSERT_TRUE(run(redis, {{"PING"}}).ok());
  server->stop();
  EXPECT_FALSE(run(redis, {{"PING"}}).ok());
  EXPECT_FALSE(run(redis, {{"PING"}}).ok());
  // The same port again: the client reconnects on its own, after its backoff.
  ASSERT_TRUE(server->start());
  bool recovered = false;
  for (int attempt = 0; attempt < 40 && !recovered; ++attempt) {
    recovered = run(redis, {{"PING"}}).ok();
    if (!recovered) {
      runUntil(
          &loop_, [] { return false; }, 50);
    }
  }
  EXPECT_TRUE(recovered);
  EXPECT_EQ(server->port(), port);
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
