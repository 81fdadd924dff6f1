#include "source/common/aws/credentials_refresher.h"

#include <uv.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "source/common/log/logger.h"
#include "test/common/aws/fake_fetcher.h"
#include "test/test_common/loop_runner.h"

namespace portico::aws {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const auto kNow = test::timeAt("2024-01-02T03:04:05Z");

// Answers each fetch with the next scripted result (the last one repeats), at once or on
// complete().
class ScriptedSource : public CredentialSource {
 public:
  void fetch(SourceCallback done) override {
    ++fetches;
    if (deferred) {
      pending.push_back(std::move(done));
      return;
    }
    done(next());
  }
  std::string name() const override { return "scripted"; }
  void complete() {
    auto waiting = std::move(pending);
    pending.clear();
    for (auto& done : waiting) {
      done(next());
    }
  }

  std::vector<absl::StatusOr<Credentials>> results;
  bool deferred = false;
  std::vector<SourceCallback> pending;
  int fetches = 0;

 private:
  absl::StatusOr<Credentials> next() {
    absl::StatusOr<Credentials> result = results.front();
    if (results.size() > 1) {
      results.erase(results.begin());
    }
    return result;
  }
};

Credentials temporary(const std::string& id, std::chrono::system_clock::time_point expiration) {
  Credentials credentials;
  credentials.access_key_id = id;
  credentials.secret_access_key = "secret-of-" + id;
  credentials.session_token = "token-of-" + id;
  credentials.expiration = expiration;
  return credentials;
}

class CredentialsRefresherTest : public ::testing::Test {
 protected:
  void SetUp() override { uv_loop_init(&loop_); }
  void TearDown() override {
    refresher_.reset();
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  void start(RefreshPolicy policy = {}) {
    refresher_ =
        std::make_shared<CredentialsRefresher>(&loop_, source_, provider_, clock_.clock(), policy);
    refresher_->start();
  }

  uv_loop_t loop_;
  test::FakeClock clock_{kNow};
  std::shared_ptr<ScriptedSource> source_ = std::make_shared<ScriptedSource>();
  std::shared_ptr<CredentialsProvider> provider_ =
      std::make_shared<CredentialsProvider>(clock_.clock());
  std::shared_ptr<CredentialsRefresher> refresher_;
};

TEST(RefreshDelayTest, FiveMinutesBeforeExpiryOrAtHalfLife) {
  const RefreshPolicy policy;
  EXPECT_EQ(refreshDelay(kNow + minutes(60), kNow, policy), minutes(55));
  EXPECT_EQ(refreshDelay(kNow + minutes(6), kNow, policy), minutes(3));
  EXPECT_EQ(refreshDelay(kNow + seconds(10), kNow, policy), seconds(5));
  EXPECT_EQ(refreshDelay(kNow - seconds(1), kNow, policy), milliseconds(0));
}

TEST_F(CredentialsRefresherTest, LongTermKeysAreFetchedOnceWithoutTimer) {
  Credentials keys;
  keys.access_key_id = "AKID";
  keys.secret_access_key = "s";
  source_->results = {keys};
  EXPECT_EQ(provider_->current(), nullptr);
  start();
  ASSERT_NE(provider_->current(), nullptr);
  EXPECT_EQ(provider_->current()->access_key_id, "AKID");
  EXPECT_EQ(refresher_->scheduledDelay(), std::nullopt);
}

TEST_F(CredentialsRefresherTest, TemporaryCredentialsAreRefreshedBeforeExpiry) {
  source_->results = {temporary("FIRST", kNow + minutes(60))};
  start();
  EXPECT_EQ(provider_->current()->access_key_id, "FIRST");
  EXPECT_EQ(refresher_->scheduledDelay(), minutes(55));
}

TEST_F(CredentialsRefresherTest, TimerOnTheLoopFetchesTheNextCredentials) {
  source_->results = {temporary("FIRST", kNow + milliseconds(100)),
                      temporary("SECOND", kNow + minutes(60))};
  RefreshPolicy policy;
  policy.refresh_before_expiry = minutes(1);  // so the 100 ms credentials refresh at 50 ms
  start(policy);
  EXPECT_EQ(refresher_->scheduledDelay(), milliseconds(50));
  ASSERT_TRUE(portico::test::runUntil(
      &loop_, [&] { return source_->fetches == 2; }, 2000));
  EXPECT_EQ(provider_->current()->access_key_id, "SECOND");
  EXPECT_EQ(refresher_->scheduledDelay(), minutes(59));
}

TEST_F(CredentialsRefresherTest, FailedRefreshKeepsLastGoodAndBacksOff) {
  RefreshPolicy policy;
  policy.initial_retry = seconds(1);
  policy.max_retry = seconds(4);
  source_->results = {temporary("GOOD", kNow + minutes(60)),
                      absl::UnavailableError("scripted: HTTP 500")};
  start(policy);
  std::vector<milliseconds> delays;
  for (int i = 0; i < 4; ++i) {
    absl::Status status;
    refresher_->refreshNow([&](const absl::Status& result) { status = result; });
    EXPECT_EQ(status.message(), "scripted: HTTP 500");
    ASSERT_NE(provider_->current(), nullptr);
    EXPECT_EQ(provider_->current()->access_key_id, "GOOD");
    delays.push_back(*refresher_->scheduledDelay());
  }
  EXPECT_EQ(delays, (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4), seconds(4)}));

  // Past the expiration the old credentials are gone, and retries go on.
  clock_.advance(minutes(61));
  EXPECT_EQ(provider_->current(), nullptr);
  refresher_->refreshNow();
  EXPECT_EQ(provider_->current(), nullptr);
  EXPECT_EQ(refresher_->scheduledDelay(), seconds(4));

  // A success resets the backoff.
  source_->results = {temporary("NEW", clock_.now() + minutes(60)),
                      absl::UnavailableError("scripted: HTTP 500")};
  refresher_->refreshNow();
  EXPECT_EQ(provider_->current()->access_key_id, "NEW");
  refresher_->refreshNow();
  EXPECT_EQ(refresher_->scheduledDelay(), seconds(1));
}

TEST_F(CredentialsRefresherTest, FailedFirstFetchIsRetriedOnTheLoop) {
  RefreshPolicy policy;
  policy.initial_retry = milliseconds(20);
  source_->results = {absl::UnavailableError("scripted: timeout"),
                      temporary("LATE", kNow + minutes(60))};
  start(policy);
  EXPECT_EQ(provider_->current(), nullptr);
  ASSERT_TRUE(portico::test::runUntil(
      &loop_, [&] { return provider_->current() != nullptr; }, 2000));
  EXPECT_EQ(provider_->current()->access_key_id, "LATE");
}

TEST_F(CredentialsRefresherTest, AlreadyExpiredCredentialsCountAsFailure) {
  source_->results = {temporary("STALE", kNow - seconds(1))};
  start();
  EXPECT_EQ(provider_->current(), nullptr);
  EXPECT_EQ(refresher_->scheduledDelay(), seconds(1));
}

TEST_F(CredentialsRefresherTest, ConcurrentRefreshesShareOneFetch) {
  source_->deferred = true;
  source_->results = {temporary("ONE", kNow + minutes(60))};
  start();
  int reports = 0;
  refresher_->refreshNow([&](const absl::Status& status) { reports += status.ok() ? 1 : 100; });
  refresher_->refreshNow([&](const absl::Status& status) { reports += status.ok() ? 1 : 100; });
  EXPECT_EQ(source_->fetches, 1);
  EXPECT_EQ(provider_->current(), nullptr);
  source_->complete();
  EXPECT_EQ(reports, 2);
  EXPECT_EQ(provider_->current()->access_key_id, "ONE");
}

TEST_F(CredentialsRefresherTest, StopsOnceTheProviderIsReleased) {
  RefreshPolicy policy;
  policy.initial_retry = milliseconds(5);
  source_->results = {absl::UnavailableError("scripted: down")};
  start(policy);
  provider_.reset();
  EXPECT_FALSE(refresher_->active());
  const int fetches = source_->fetches;
  portico::test::runUntil(
      &loop_, [] { return false; }, 50);
  EXPECT_EQ(source_->fetches, fetches);
}

TEST_F(CredentialsRefresherTest, ReleasedWhileFetchingIsSafe) {
  source_->deferred = true;
  source_->results = {temporary("LATE", kNow + minutes(60))};
  start();
  refresher_.reset();
  source_->complete();
  EXPECT_EQ(provider_->current(), nullptr);
}

TEST_F(CredentialsRefresherTest, LogsNameTheSourceButNoKeySecretOrToken) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/refresher.log";
  log::configure(path, log::Level::kDebug);
  source_->results = {temporary("ASIALOGGED", kNow + minutes(60)),
                      absl::UnavailableError("scripted: HTTP 503")};
  start();
  refresher_->refreshNow();
  log::configure("stderr", log::Level::kNotice);

  std::stringstream content;
  content << std::ifstream(path).rdbuf();
  const std::string log = content.str();
  EXPECT_NE(log.find("aws credentials: fetched from scripted, refresh in 55m"), std::string::npos)
      << log;
  EXPECT_NE(log.find("aws credentials: scripted: HTTP 503; retrying in 1s (keeping the current "
                     "ones)"),
            std::string::npos)
      << log;
  for (const char* secret : {"ASIALOGGED", "secret-of-", "token-of-"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace portico::aws
