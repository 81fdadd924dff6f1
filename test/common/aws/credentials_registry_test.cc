#include <uv.h>

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "source/common/aws/credentials_provider_registry.h"
#include "test/common/aws/fake_fetcher.h"

namespace portico::aws {
namespace {

using test::fakeEnv;
using test::FakeFetcher;
using test::response;

constexpr char kImdsDocument[] =
    R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t",)"
    R"("Expiration":"2099-01-01T00:00:00Z"})";

absl::StatusOr<FetchResponse> metadataService(const FetchRequest& request) {
  if (request.method == "PUT") {
    return response(200, "token");
  }
  if (request.url.back() == '/') {
    return response(200, "role");
  }
  return response(200, kImdsDocument);
}

class CredentialsProviderRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { uv_loop_init(&loop_); }
  void TearDown() override {
    registry_.reset();
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  void makeRegistry(std::map<std::string, std::string> env) {
    env.emplace("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    env.emplace("AWS_CONFIG_FILE", "/nonexistent/config");
    registry_ = std::make_unique<CredentialsProviderRegistry>(&loop_, fake_.fetcher(),
                                                              fakeEnv(std::move(env)));
  }

  static CredentialsOptions configKeys(const std::string& id) {
    CredentialsOptions options;
    options.access_key_id = id;
    options.secret_access_key = "secret";
    return options;
  }

  uv_loop_t loop_;
  FakeFetcher fake_{metadataService};
  std::unique_ptr<CredentialsProviderRegistry> registry_;
};

TEST_F(CredentialsProviderRegistryTest, ConfigKeysAreReadyAtOnce) {
  makeRegistry({});
  auto provider = registry_->get(configKeys("AKIDCONFIG"));
  ASSERT_NE(provider->current(), nullptr);
  EXPECT_EQ(provider->current()->access_key_id, "AKIDCONFIG");
  EXPECT_TRUE(fake_.requests().empty());
}

TEST_F(CredentialsProviderRegistryTest, EnvironmentKeysAreReadyAtOnce) {
  makeRegistry({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
  auto provider = registry_->get({});
  ASSERT_NE(provider->current(), nullptr);
  EXPECT_EQ(provider->current()->access_key_id, "AKIDENV");
}

TEST_F(CredentialsProviderRegistryTest, ImdsCredentialsArriveLater) {
  makeRegistry({});
  fake_.setDeferred(true);
  CredentialsOptions options;
  options.imds_version = ImdsVersion::kV2;
  auto provider = registry_->get(options);
  EXPECT_EQ(provider->current(), nullptr);
  while (fake_.pendingCount() > 0) {
    fake_.complete();
  }
  ASSERT_NE(provider->current(), nullptr);
  EXPECT_EQ(provider->current()->access_key_id, "ASIAIMDS");
  EXPECT_EQ(fake_.requests().size(), 3u);
}

TEST_F(CredentialsProviderRegistryTest, SameOptionsShareOneProviderWhileInUse) {
  makeRegistry({});
  auto first = registry_->get({});
  auto again = registry_->get({});
  EXPECT_EQ(first, again);
  EXPECT_EQ(fake_.requests().size(), 2u);  // one IMDS v1 fetch: role list, then credentials

  auto other = registry_->get(configKeys("AKIDOTHER"));
  EXPECT_NE(first, other);
  EXPECT_EQ(registry_->size(), 2u);

  first.reset();
  again.reset();
  EXPECT_EQ(registry_->size(), 1u);
  EXPECT_NE(registry_->get({})->current(), nullptr);
  EXPECT_EQ(fake_.requests().size(), 4u);
}

TEST_F(CredentialsProviderRegistryTest, ProviderOutlivesTheRegistry) {
  makeRegistry({});
  auto provider = registry_->get(configKeys("AKIDKEEP"));
  registry_.reset();
  EXPECT_EQ(provider->current()->access_key_id, "AKIDKEEP");
}

}  // namespace
}  // namespace portico::aws
