#include "source/filters/http/jwt/jwks_source.h"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/filters/http/jwt/filter_config.h"
#include "test/filters/http/jwt/test_tokens.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;
using upstream::FetchCallback;
using upstream::FetchRequest;
using upstream::FetchResponse;

constexpr char kUrl[] = "https://idp.test/.well-known/jwks.json";
// libuv timers count from the loop's cached time, which may lag the moment they were armed.
constexpr int64_t kSlackMs = 5;

// Keys are slow to generate; every test shares these.
struct Keys {
  PublicKeySharedPtr a = testing::generateKey("P-256");
  PublicKeySharedPtr b = testing::generateKey("P-256");
};

const Keys& keys() {
  static const Keys* keys = new Keys();
  return *keys;
}

std::string jwksWith(const PublicKeySharedPtr& key, const std::string& kid) {
  return json{{"keys", {testing::publicJwk(key.get(), kid, "ES256")}}}.dump();
}

FetchResponse ok(std::string body) {
  FetchResponse response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

FetchResponse status(int code) {
  FetchResponse response;
  response.status = code;
  response.body = "{}";
  return response;
}

// An HttpFetcher the test answers by hand; records when each request arrived.
class FakeFetcher {
 public:
  struct Call {
    FetchRequest request;
    FetchCallback done;
    std::chrono::steady_clock::time_point at;
  };

  upstream::HttpFetcher fetcher() {
    return [this](const FetchRequest& request, FetchCallback done) {
      ++count_;
      requests_.push_back(request);
      times_.push_back(std::chrono::steady_clock::now());
      if (answer_at_once_) {
        done(*answer_at_once_);
        return;
      }
      pending_.push_back(std::move(done));
    };
  }

  // Answers the oldest unanswered request.
  void answer(absl::StatusOr<FetchResponse> response) {
    ASSERT_FALSE(pending_.empty()) << "no request to answer";
    FetchCallback done = std::move(pending_.front());
    pending_.pop_front();
    done(std::move(response));
  }

  void answerAtOnce(absl::StatusOr<FetchResponse> response) { answer_at_once_ = response; }

  int count() const { return count_; }
  size_t pending() const { return pending_.size(); }
  const std::vector<FetchRequest>& requests() const { return requests_; }
  // Milliseconds between request `i - 1` and request `i`.
  int64_t gapMs(size_t i) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(times_[i] - times_[i - 1]).count();
  }

 private:
  int count_ = 0;
  std::deque<FetchCallback> pending_;
  std::vector<FetchRequest> requests_;
  std::vector<std::chrono::steady_clock::time_point> times_;
  std::optional<absl::StatusOr<FetchResponse>> answer_at_once_;
};

class RemoteJwksRegistryTest : public ::testing::Test {
 protected:
  RemoteJwksRegistryTest() {
    uv_loop_init(&loop_);
    registry_ = std::make_unique<RemoteJwksRegistry>(&loop_, fake_.fetcher());
    // Nothing happens by timer unless a test asks for it.
    options_.refresh_interval_ms = 60000;
    options_.min_wake_interval_ms = 60000;
    options_.first_retry_ms = 20;
  }

  ~RemoteJwksRegistryTest() override {
    registry_.reset();
    test::runUntil(
        &loop_, [] { return false; }, 20);
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "handles left open on the loop";
  }

  std::shared_ptr<RemoteJwksSource> get() { return registry_->get(kUrl, options_); }

  bool runUntilFetches(int count, int timeout_ms = 2000) {
    return test::runUntil(
        &loop_, [&] { return fake_.count() >= count; }, timeout_ms);
  }

  // Runs the loop for `ms` whatever happens.
  void runFor(int ms) {
    test::runUntil(
        &loop_, [] { return false; }, ms);
  }

  static bool hasKid(const JwksSource& source, const std::string& kid) {
    JwksConstSharedPtr jwks = source.current();
    return jwks != nullptr && jwks->find(kid) != nullptr;
  }

  uv_loop_t loop_;
  FakeFetcher fake_;
  RemoteJwksRegistry::Options options_;
  std::unique_ptr<RemoteJwksRegistry> registry_;
};

TEST_F(RemoteJwksRegistryTest, TheFirstGetFetchesAndTheSourceIsEmptyUntilTheAnswer) {
  options_.fetch_timeout_ms = 1234;
  std::shared_ptr<RemoteJwksSource> source = get();
  ASSERT_EQ(fake_.count(), 1);
  const FetchRequest& request = fake_.requests()[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, kUrl);
  EXPECT_EQ(request.timeout_ms, 1234u);
  EXPECT_EQ(request.headers,
            (std::vector<std::pair<std::string, std::string>>{{"Accept", "application/json"}}));
  EXPECT_EQ(source->current(), nullptr);

  fake_.answer(ok(jwksWith(keys().a, "a")));
  EXPECT_TRUE(hasKid(*source, "a"));
  EXPECT_EQ(source->current()->size(), 1u);
}

TEST_F(RemoteJwksRegistryTest, ASecondGetOfTheSameUrlSharesTheLiveSourceWithoutFetching) {
  std::shared_ptr<RemoteJwksSource> first = get();
  fake_.answer(ok(jwksWith(keys().a, "a")));
  std::shared_ptr<RemoteJwksSource> second = get();
  EXPECT_EQ(first, second);
  EXPECT_EQ(fake_.count(), 1);
  EXPECT_EQ(registry_->size(), 1u);

  std::shared_ptr<RemoteJwksSource> other = registry_->get("https://other.test/jwks", options_);
  EXPECT_NE(other, first);
  EXPECT_EQ(fake_.count(), 2);
  EXPECT_EQ(fake_.requests()[1].url, "https://other.test/jwks");
  EXPECT_EQ(registry_->size(), 2u);
}

TEST_F(RemoteJwksRegistryTest, AGetWhileTheFirstFetchIsInFlightDoesNotFetchAgain) {
  std::shared_ptr<RemoteJwksSource> first = get();
  std::shared_ptr<RemoteJwksSource> second = get();
  EXPECT_EQ(fake_.count(), 1);
  fake_.answer(ok(jwksWith(keys().a, "a")));
  EXPECT_TRUE(hasKid(*second, "a"));
}

TEST_F(RemoteJwksRegistryTest, AFetcherThatAnswersAtOnceFillsTheSourceBeforeGetReturns) {
  fake_.answerAtOnce(ok(jwksWith(keys().a, "a")));
  EXPECT_TRUE(hasKid(*get(), "a"));
}

TEST_F(RemoteJwksRegistryTest, AnUnknownKidWakesOneFetchPerWakeInterval) {
  options_.min_wake_interval_ms = 500;
  std::shared_ptr<RemoteJwksSource> source = get();
  fake_.answer(ok(jwksWith(keys().a, "a")));

  // Workers call it: the wake crosses threads through the loop's uv_async.
  std::thread worker([&] { source->onUnknownKid(); });
  worker.join();
  ASSERT_TRUE(runUntilFetches(2));
  fake_.answer(ok(jwksWith(keys().b, "b")));
  EXPECT_TRUE(hasKid(*source, "b"));
  EXPECT_FALSE(hasKid(*source, "a"));

  source->onUnknownKid();
  source->onUnknownKid();
  runFor(100);
  EXPECT_EQ(fake_.count(), 2) << "woken again within min_wake_interval_ms";

  runFor(450);
  source->onUnknownKid();
  EXPECT_TRUE(runUntilFetches(3)) << "not woken once min_wake_interval_ms had passed";
}

TEST_F(RemoteJwksRegistryTest, AWakeWhileAFetchIsInFlightDoesNotStartAnother) {
  std::shared_ptr<RemoteJwksSource> source = get();
  source->onUnknownKid();
  runFor(50);
  EXPECT_EQ(fake_.count(), 1);
  EXPECT_EQ(fake_.pending(), 1u);
}

TEST_F(RemoteJwksRegistryTest, FailedFetchesAreRetriedWithBackoffUntilOneSucceeds) {
  std::shared_ptr<RemoteJwksSource> source = get();
  fake_.answer(absl::UnavailableError("could not connect"));
  EXPECT_EQ(source->current(), nullptr);
  ASSERT_TRUE(runUntilFetches(2));
  fake_.answer(status(500));
  ASSERT_TRUE(runUntilFetches(3));
  fake_.answer(ok("not json"));
  ASSERT_TRUE(runUntilFetches(4));
  fake_.answer(ok(jwksWith(keys().a, "a")));
  EXPECT_TRUE(hasKid(*source, "a"));

  // 20, 40, 80 ms: each failure doubles the wait.
  EXPECT_GE(fake_.gapMs(1), 20 - kSlackMs);
  EXPECT_GE(fake_.gapMs(2), 40 - kSlackMs);
  EXPECT_GE(fake_.gapMs(3), 80 - kSlackMs);
  EXPECT_GT(fake_.gapMs(3), fake_.gapMs(1));
  // After a success the next fetch waits for the refresh interval.
  runFor(200);
  EXPECT_EQ(fake_.count(), 4);
}

TEST_F(RemoteJwksRegistryTest, TheBackoffStopsGrowingAtTheRefreshInterval) {
  options_.first_retry_ms = 40;
  options_.refresh_interval_ms = 60;
  std::shared_ptr<RemoteJwksSource> source = get();
  for (int i = 1; i <= 3; ++i) {
    fake_.answer(status(503));
    ASSERT_TRUE(runUntilFetches(i + 1));
  }
  EXPECT_GE(fake_.gapMs(1), 40 - kSlackMs);
  EXPECT_GE(fake_.gapMs(2), 60 - kSlackMs);
  EXPECT_LT(fake_.gapMs(3), 140) << "the wait kept doubling past refresh_interval_ms";
}

TEST_F(RemoteJwksRegistryTest, AFailedFetchKeepsTheLastGoodSet) {
  options_.min_wake_interval_ms = 0;
  std::shared_ptr<RemoteJwksSource> source = get();
  fake_.answer(ok(jwksWith(keys().a, "a")));
  JwksConstSharedPtr good = source->current();

  const std::vector<absl::StatusOr<FetchResponse>> failures = {
      absl::DeadlineExceededError("no progress"),
      status(404),
      status(500),
      ok("not json"),
      ok(R"({"keys": "not an array"})"),
      ok(R"({"keys": [{"kid": "x", "kty": "EC"}]})")};
  for (const absl::StatusOr<FetchResponse>& failure : failures) {
    SCOPED_TRACE(failure.ok() ? std::to_string(failure->status) + " " + failure->body
                              : failure.status().ToString());
    const int before = fake_.count();
    source->onUnknownKid();
    ASSERT_TRUE(runUntilFetches(before + 1));
    fake_.answer(failure);
    EXPECT_EQ(source->current(), good);
    // A failure is retried soon (first_retry_ms), not after the refresh interval.
    ASSERT_TRUE(runUntilFetches(before + 2, 500));
    fake_.answer(ok(jwksWith(keys().a, "a")));
    EXPECT_NE(source->current(), good);
    good = source->current();
  }
}

TEST_F(RemoteJwksRegistryTest, APeriodicRefreshPicksUpARotatedSet) {
  options_.refresh_interval_ms = 50;
  std::shared_ptr<RemoteJwksSource> source = get();
  fake_.answer(ok(jwksWith(keys().a, "a")));
  ASSERT_TRUE(runUntilFetches(2));
  EXPECT_GE(fake_.gapMs(1), 50 - kSlackMs);
  fake_.answer(ok(jwksWith(keys().b, "b")));
  EXPECT_TRUE(hasKid(*source, "b"));
  EXPECT_FALSE(hasKid(*source, "a"));
  ASSERT_TRUE(runUntilFetches(3));
}

TEST_F(RemoteJwksRegistryTest, AReleasedSourcesUrlIsDroppedOnItsNextTick) {
  options_.refresh_interval_ms = 30;
  std::shared_ptr<RemoteJwksSource> source = get();
  fake_.answer(ok(jwksWith(keys().a, "a")));
  EXPECT_EQ(registry_->size(), 1u);
  source.reset();
  EXPECT_TRUE(test::runUntil(&loop_, [&] { return registry_->size() == 0; }));
  EXPECT_EQ(fake_.count(), 1) << "fetched for a source nobody holds";
}

TEST_F(RemoteJwksRegistryTest, ASourceTakenAgainBeforeTheTickStartsWithTheLastGoodSet) {
  std::shared_ptr<RemoteJwksSource> source = get();
  fake_.answer(ok(jwksWith(keys().a, "a")));
  source.reset();
  // A config reload: the new snapshot asks for the URL before the old one's source ticked away.
  std::shared_ptr<RemoteJwksSource> again = get();
  EXPECT_TRUE(hasKid(*again, "a"));
  EXPECT_EQ(fake_.count(), 2);
  EXPECT_EQ(registry_->size(), 1u);
}

TEST_F(RemoteJwksRegistryTest, AnAnswerAfterTheRegistryIsGoneIsIgnored) {
  std::shared_ptr<RemoteJwksSource> source = get();
  source.reset();
  registry_.reset();
  fake_.answer(ok(jwksWith(keys().a, "a")));
}

// The whole chain: a token whose kid the set lacks is checked against the credential's own key
// (and fails), wakes a fetch, and passes once the rotated set has arrived.
TEST_F(RemoteJwksRegistryTest, ATokenWithAnUnknownKidPassesOnceTheRotatedSetArrives) {
  config::v1::DeclarativeConfig declarative;
  config::v1::Consumer* consumer = declarative.add_consumers();
  consumer->set_id("idp-id");
  consumer->set_username("idp");
  config::v1::JwtCredential* credential = declarative.add_jwt_secrets();
  credential->set_id("cred-id");
  credential->set_consumer_id("idp-id");
  credential->set_key("https://idp.test/");
  credential->set_algorithm("ES256");
  credential->set_secret("unused");
  credential->set_rsa_public_key(testing::publicKeyPem(testing::generateKey("P-256").get()));

  PluginConfig plugin;
  plugin.sources.header_names = {"authorization"};
  plugin.jwks_uri = kUrl;
  plugin.jwks_refresh_interval = 300;
  absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> config = JwtFilterConfig::create(
      plugin, *CredentialStore::build(declarative), registry_.get(), [] { return 1'700'000'000; });
  ASSERT_TRUE(config.ok()) << config.status();
  fake_.answer(ok(jwksWith(keys().a, "a")));

  VerifiedTokenCache cache;
  auto authenticate = [&](const PublicKeySharedPtr& key, const std::string& kid) {
    portico::http::HeaderMap headers;
    headers.set("Authorization",
                "Bearer " + testing::mintWithKey(Algorithm::kES256, key.get(),
                                                 {{"iss", "https://idp.test/"}}, {{"kid", kid}}));
    return (*config)->authenticator().authenticate(headers, "", (*config)->now(), cache);
  };
  EXPECT_EQ(authenticate(keys().a, "a").kind, AuthResult::Kind::kAuthenticated);

  const AuthResult unknown = authenticate(keys().b, "b");
  EXPECT_EQ(unknown.kind, AuthResult::Kind::kRejected);
  EXPECT_EQ(unknown.body, json({{"message", "Invalid signature"}}));
  ASSERT_TRUE(runUntilFetches(2));
  fake_.answer(ok(jwksWith(keys().b, "b")));
  EXPECT_EQ(authenticate(keys().b, "b").kind, AuthResult::Kind::kAuthenticated);
  EXPECT_EQ(authenticate(keys().a, "a").kind, AuthResult::Kind::kRejected);
}

// The same chain for a credential's own `jwks_uri`, with no JWKS on the plugin and no key on the
// credential.
TEST_F(RemoteJwksRegistryTest, ACredentialsJwksUriIsFetchedAndRotatedByKid) {
  config::v1::DeclarativeConfig declarative;
  config::v1::Consumer* consumer = declarative.add_consumers();
  consumer->set_id("idp-id");
  config::v1::JwtCredential* credential = declarative.add_jwt_secrets();
  credential->set_id("cred-id");
  credential->set_consumer_id("idp-id");
  credential->set_key("https://idp.test/");
  credential->set_algorithm("ES256");
  credential->set_secret("unused");
  credential->set_jwks_uri(kUrl);

  absl::StatusOr<CredentialStoreConstSharedPtr> store =
      CredentialStore::build(declarative, registry_.get());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(fake_.count(), 1) << "building the store starts the credential's fetch";
  EXPECT_EQ(fake_.requests()[0].url, kUrl);
  PluginConfig plugin;
  plugin.sources.header_names = {"authorization"};
  absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> config =
      JwtFilterConfig::create(plugin, *store, registry_.get(), [] { return 1'700'000'000; });
  ASSERT_TRUE(config.ok()) << config.status();

  VerifiedTokenCache cache;
  auto authenticate = [&](const PublicKeySharedPtr& key, const std::string& kid) {
    portico::http::HeaderMap headers;
    headers.set("Authorization",
                "Bearer " + testing::mintWithKey(Algorithm::kES256, key.get(),
                                                 {{"iss", "https://idp.test/"}}, {{"kid", kid}}));
    return (*config)->authenticator().authenticate(headers, "", (*config)->now(), cache);
  };
  EXPECT_EQ(authenticate(keys().a, "a").body, json({{"message", "Invalid signature"}}))
      << "verified before any set arrived";
  runFor(50);
  EXPECT_EQ(fake_.count(), 1) << "a token before the first set woke a second fetch";

  fake_.answer(ok(jwksWith(keys().a, "a")));
  EXPECT_EQ(authenticate(keys().a, "a").kind, AuthResult::Kind::kAuthenticated);

  const AuthResult unknown = authenticate(keys().b, "b");
  EXPECT_EQ(unknown.kind, AuthResult::Kind::kRejected);
  EXPECT_EQ(unknown.body, json({{"message", "Invalid signature"}}));
  ASSERT_TRUE(runUntilFetches(2)) << "an unknown kid did not wake a fetch";
  fake_.answer(ok(jwksWith(keys().b, "b")));
  EXPECT_EQ(authenticate(keys().b, "b").kind, AuthResult::Kind::kAuthenticated);
  EXPECT_EQ(authenticate(keys().a, "a").kind, AuthResult::Kind::kRejected);

  authenticate(keys().a, "gone");
  runFor(50);
  EXPECT_EQ(fake_.count(), 2) << "woken again within min_wake_interval_ms";
}

TEST_F(RemoteJwksRegistryTest, CredentialsAndPluginsNamingOneUrlShareItsFetcher) {
  config::v1::DeclarativeConfig declarative;
  for (const char* key : {"one", "two"}) {
    config::v1::JwtCredential* credential = declarative.add_jwt_secrets();
    credential->set_key(key);
    credential->set_algorithm("ES256");
    credential->set_jwks_uri(kUrl);
  }
  absl::StatusOr<CredentialStoreConstSharedPtr> store =
      CredentialStore::build(declarative, registry_.get());
  ASSERT_TRUE(store.ok()) << store.status();
  std::shared_ptr<RemoteJwksSource> plugin_source = get();
  EXPECT_EQ((*store)->findByKey("one")->jwks, plugin_source);
  EXPECT_EQ((*store)->findByKey("two")->jwks, plugin_source);
  EXPECT_EQ(fake_.count(), 1);
  EXPECT_EQ(registry_->size(), 1u);
}

TEST(CredentialStoreTest, ACredentialsJwksUriWithoutARegistryHasNoKeysAndFetchesNothing) {
  config::v1::DeclarativeConfig declarative;
  config::v1::JwtCredential* credential = declarative.add_jwt_secrets();
  credential->set_key("k");
  credential->set_algorithm("RS256");
  credential->set_jwks_uri(kUrl);
  absl::StatusOr<CredentialStoreConstSharedPtr> store = CredentialStore::build(declarative);
  ASSERT_TRUE(store.ok()) << store.status();
  const Credential* compiled = (*store)->findByKey("k");
  ASSERT_NE(compiled, nullptr);
  ASSERT_NE(compiled->jwks, nullptr);
  EXPECT_EQ(compiled->jwks->current(), nullptr);
}

TEST(JwtFilterConfigTest, AJwksUriWithoutARegistryHasNoKeys) {
  config::v1::DeclarativeConfig declarative;
  PluginConfig plugin;
  plugin.jwks_uri = kUrl;
  absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> config =
      JwtFilterConfig::create(plugin, *CredentialStore::build(declarative));
  EXPECT_TRUE(config.ok()) << config.status();
}

}  // namespace
}  // namespace portico::filters::http::jwt
