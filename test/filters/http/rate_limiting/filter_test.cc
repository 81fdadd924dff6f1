#include "source/filters/http/rate_limiting/filter.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "gtest/gtest.h"
#include "source/filters/http/rate_limiting/redis_client.h"
#include "source/http/stream_context.h"
#include "source/upstream/resolver.h"
#include "test/filters/http/rate_limiting/fake_clock.h"
#include "test/filters/http/rate_limiting/redis_server.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters::http::rate_limiting {
namespace {

using portico::test::runUntil;

using portico::http::FilterStatus;
using portico::http::HeaderMap;
using portico::http::MessageHead;

constexpr int64_t kMinuteStart = 1773578040000;  // 2026-03-15 12:34:00 UTC

// Plays the stream around one filter: records what it answers and runs its response phase the
// way ActiveStream does.
class FakeStream : public portico::http::StreamCallbacks {
 public:
  FakeStream(uv_loop_t* loop, portico::upstream::Resolver& resolver)
      : loop_(loop), services_(loop, resolver, nullptr) {
    context_.client_address = "10.0.0.1";
  }

  uv_loop_t* loop() override { return loop_; }
  portico::http::StreamContext& context() override { return context_; }
  void continueRequest() override { continued = true; }
  void sendLocalReply(int status, std::string_view message, HeaderMap extra) override {
    reply_status = status;
    reply_message = std::string(message);
    MessageHead head;
    head.status = status;
    head.headers = std::move(extra);
    filter->onResponseHeaders(head);
    response_headers = head.headers;
  }
  void sendGatewayError(int, std::string_view) override {}
  void sendResponse(int, HeaderMap, std::string) override {}
  void encodeHeaders(MessageHead&, bool) override {}
  void encodeData(const char*, size_t, bool) override {}
  void corkDownstream(bool) override {}
  bool downstreamAboveHighWatermark() const override { return false; }
  void requestBodyReadEnable(bool) override {}
  void takeRequestBody(portico::http::HttpFilter&) override {}
  // The rate-limiting filter reaches Redis through its own clients, never through these.
  portico::upstream::Upstreams& upstreams() override { std::abort(); }
  portico::http::LoopServices& loopServices() override { return services_; }

  // The upstream answered: the filter's header phase runs on its response.
  HeaderMap proxiedResponse() {
    MessageHead head;
    head.status = 200;
    filter->onResponseHeaders(head);
    return head.headers;
  }

  portico::http::HttpFilter* filter = nullptr;
  bool continued = false;
  std::optional<int> reply_status;
  std::string reply_message;
  HeaderMap response_headers;

 private:
  uv_loop_t* loop_;
  portico::http::LoopServices services_;
  portico::http::StreamContext context_;
};

std::string header(const HeaderMap& headers, const char* name) {
  const std::string* value = headers.get(name);
  return value != nullptr ? *value : "<absent>";
}

class RateLimitingFilterTest : public testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    resolver_.emplace(&loop_);
    config_.limits = {Limit{Period::kMinute, 2}};
    config_.limit_by = LimitBy::kIp;
    config_.route_scope = "route-1";
    config_.service_scope = kNullUuid;
  }

  void TearDown() override {
    filters_.clear();
    redis_sync_.reset();
    redis_clients_.clear();
    resolver_.reset();
    runUntil(
        &loop_, [] { return false; }, 20);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  std::unique_ptr<RateLimitingFilterConfig> makeConfig() {
    return std::make_unique<RateLimitingFilterConfig>(
        config_, clock_, table_, failure_log_,
        [this](portico::http::LoopServices& services,
               const RedisSettings& settings) -> RedisClient& {
          std::unique_ptr<RedisClient>& client = redis_clients_[settings.poolKey()];
          if (client == nullptr) {
            client = std::make_unique<RedisClient>(services.loop(), settings, *resolver_);
          }
          return *client;
        },
        [this](portico::http::LoopServices& services, const RateLimitConfig& config,
               RedisExecutor& redis) -> RedisSync& {
          if (redis_sync_ == nullptr) {
            redis_sync_ =
                std::make_unique<RedisSync>(services.loop(), synced_, redis, failure_log_, clock_,
                                            static_cast<uint64_t>(config.sync_rate * 1000));
          }
          return *redis_sync_;
        });
  }

  // Runs one request through a fresh filter; the stream tells what happened.
  std::unique_ptr<FakeStream> request() {
    if (filter_config_ == nullptr) {
      filter_config_ = makeConfig();
    }
    auto stream = std::make_unique<FakeStream>(&loop_, *resolver_);
    filters_.push_back(filter_config_->createFilter());
    portico::http::HttpFilter& filter = *filters_.back();
    filter.setCallbacks(stream.get());
    stream->filter = &filter;
    MessageHead head;
    head.method = "GET";
    head.target = "/";
    if (filter.onRequestHeaders(head, true) == FilterStatus::kContinue) {
      stream->continued = true;
    } else if (!stream->reply_status) {
      runUntil(&loop_, [&] { return stream->continued || stream->reply_status.has_value(); });
    }
    return stream;
  }

  uv_loop_t loop_;
  std::optional<upstream::Resolver> resolver_;
  RateLimitConfig config_;
  FakeClock clock_{kMinuteStart + 20000};
  LocalCounterTable table_{1 << 10};
  ThrottledLog failure_log_{clock_, 10000};
  std::unique_ptr<RateLimitingFilterConfig> filter_config_;
  std::map<std::string, std::unique_ptr<RedisClient>> redis_clients_;
  SyncedCounters synced_;
  std::unique_ptr<RedisSync> redis_sync_;
  std::vector<portico::http::HttpFilterPtr> filters_;
};

TEST_F(RateLimitingFilterTest, ProxiedResponsesCarryTheHeaders) {
  auto stream = request();
  EXPECT_TRUE(stream->continued);
  const HeaderMap headers = stream->proxiedResponse();
  EXPECT_EQ(header(headers, "X-RateLimit-Limit-Minute"), "2");
  EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Minute"), "1");
  EXPECT_EQ(header(headers, "RateLimit-Reset"), "40");
}

TEST_F(RateLimitingFilterTest, OverTheLimitAnswers429WithHeaders) {
  request();
  request();
  auto rejected = request();
  EXPECT_FALSE(rejected->continued);
  EXPECT_EQ(rejected->reply_status, 429);
  EXPECT_EQ(rejected->reply_message, "API rate limit exceeded");
  EXPECT_EQ(header(rejected->response_headers, "X-RateLimit-Remaining-Minute"), "0");
  EXPECT_EQ(header(rejected->response_headers, "Retry-After"), "40");
}

TEST_F(RateLimitingFilterTest, TheNextWindowAdmitsAgain) {
  request();
  request();
  clock_.set(kMinuteStart + 60000);
  EXPECT_TRUE(request()->continued);
}

TEST_F(RateLimitingFilterTest, CustomErrorCodeAndMessage) {
  config_.limits = {Limit{Period::kMinute, 1}};
  config_.error_code = 404;
  config_.error_message = "Fake Not Found";
  request();
  auto rejected = request();
  EXPECT_EQ(rejected->reply_status, 404);
  EXPECT_EQ(rejected->reply_message, "Fake Not Found");
}

TEST_F(RateLimitingFilterTest, AnErrorCodeOutsideHttpErrorsBecomesA500) {
  config_.limits = {Limit{Period::kMinute, 1}};
  config_.error_code = 200;
  request();
  auto rejected = request();
  EXPECT_EQ(rejected->reply_status, 500);
  EXPECT_EQ(rejected->reply_message, "An unexpected error occurred");
  EXPECT_EQ(header(rejected->response_headers, "RateLimit-Limit"), "<absent>");
}

TEST_F(RateLimitingFilterTest, HideClientHeaders) {
  config_.limits = {Limit{Period::kMinute, 1}};
  config_.hide_client_headers = true;
  auto admitted = request();
  EXPECT_TRUE(admitted->proxiedResponse().empty());
  auto rejected = request();
  EXPECT_EQ(rejected->reply_status, 429);
  EXPECT_TRUE(rejected->response_headers.empty());
}

TEST_F(RateLimitingFilterTest, RedisDownFaultTolerantPassesWithoutHeaders) {
  config_.policy = Policy::kRedis;
  config_.redis.host = "127.0.0.1";
  config_.redis.port = static_cast<uint16_t>(closedPort());
  auto stream = request();
  EXPECT_TRUE(stream->continued);
  EXPECT_FALSE(stream->reply_status.has_value());
  EXPECT_TRUE(stream->proxiedResponse().empty());
}

TEST_F(RateLimitingFilterTest, RedisDownNotFaultTolerantAnswers500) {
  config_.policy = Policy::kRedis;
  config_.fault_tolerant = false;
  config_.redis.host = "127.0.0.1";
  config_.redis.port = static_cast<uint16_t>(closedPort());
  auto stream = request();
  EXPECT_FALSE(stream->continued);
  EXPECT_EQ(stream->reply_status, 500);
  EXPECT_EQ(stream->reply_message, "An unexpected error occurred");
  EXPECT_TRUE(stream->response_headers.empty());
}

TEST_F(RateLimitingFilterTest, RedisPolicyWaitsForRedisThenContinues) {
  if (!RedisServer::available()) {
    GTEST_SKIP() << "redis-server is not installed";
  }
  RedisServer server;
  ASSERT_TRUE(server.start());
  config_.policy = Policy::kRedis;
  config_.redis.host = "127.0.0.1";
  config_.redis.port = static_cast<uint16_t>(server.port());
  auto first = request();
  EXPECT_TRUE(first->continued);
  EXPECT_EQ(header(first->proxiedResponse(), "X-RateLimit-Remaining-Minute"), "1");
  request();
  auto rejected = request();
  EXPECT_EQ(rejected->reply_status, 429);
}

TEST_F(RateLimitingFilterTest, SyncRateReadsRedisOnceThenDecidesWithoutWaiting) {
  if (!RedisServer::available()) {
    GTEST_SKIP() << "redis-server is not installed";
  }
  RedisServer server;
  ASSERT_TRUE(server.start());
  config_.policy = Policy::kRedis;
  config_.sync_rate = 10;
  config_.redis.host = "127.0.0.1";
  config_.redis.port = static_cast<uint16_t>(server.port());
  filter_config_ = makeConfig();
  FakeStream stream(&loop_, *resolver_);
  portico::http::HttpFilterPtr first = filter_config_->createFilter();
  first->setCallbacks(&stream);
  stream.filter = first.get();
  MessageHead head;
  EXPECT_EQ(first->onRequestHeaders(head, true), FilterStatus::kStop);  // reads Redis
  ASSERT_TRUE(runUntil(&loop_, [&] { return stream.continued; }));
  EXPECT_EQ(header(stream.proxiedResponse(), "X-RateLimit-Remaining-Minute"), "1");
  portico::http::HttpFilterPtr second = filter_config_->createFilter();
  second->setCallbacks(&stream);
  stream.filter = second.get();
  EXPECT_EQ(second->onRequestHeaders(head, true), FilterStatus::kContinue);
  EXPECT_EQ(header(stream.proxiedResponse(), "X-RateLimit-Remaining-Minute"), "0");
  auto rejected = request();
  EXPECT_EQ(rejected->reply_status, 429);
  EXPECT_FALSE(rejected->continued);
}

TEST_F(RateLimitingFilterTest, AFilterDestroyedWhileWaitingIsNotCalledBack) {
  if (!RedisServer::available()) {
    GTEST_SKIP() << "redis-server is not installed";
  }
  RedisServer server;
  ASSERT_TRUE(server.start());
  config_.policy = Policy::kRedis;
  config_.redis.host = "127.0.0.1";
  config_.redis.port = static_cast<uint16_t>(server.port());
  filter_config_ = makeConfig();
  FakeStream stream(&loop_, *resolver_);
  {
    portico::http::HttpFilterPtr filter = filter_config_->createFilter();
    filter->setCallbacks(&stream);
    stream.filter = filter.get();
    MessageHead head;
    EXPECT_EQ(filter->onRequestHeaders(head, true), FilterStatus::kStop);
  }
  runUntil(
      &loop_, [] { return false; }, 200);
  EXPECT_FALSE(stream.continued);
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
