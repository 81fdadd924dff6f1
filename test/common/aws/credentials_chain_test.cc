#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "source/common/aws/credentials_provider_registry.h"
#include "source/common/aws/source_chain.h"
#include "test/common/aws/fake_fetcher.h"

namespace portico::aws {
namespace {

using test::fakeEnv;
using test::FakeFetcher;
using test::fetchInto;
using test::response;

// A source that answers with a scripted result and counts its fetches.
class ScriptedSource : public CredentialSource {
 public:
  ScriptedSource(std::string name, absl::StatusOr<Credentials> result)
      : name_(std::move(name)), result_(std::move(result)) {}
  void fetch(SourceCallback done) override {
    ++fetches;
    done(result_);
  }
  std::string name() const override { return name_; }
  void setResult(absl::StatusOr<Credentials> result) { result_ = std::move(result); }

  int fetches = 0;

 private:
  const std::string name_;
  absl::StatusOr<Credentials> result_;
};

Credentials keys(const std::string& id) {
  Credentials credentials;
  credentials.access_key_id = id;
  credentials.secret_access_key = "secret-" + id;
  return credentials;
}

TEST(SourceChainTest, FirstSourceWithCredentialsWins) {
  auto first = std::make_shared<ScriptedSource>("first", absl::NotFoundError("first: not set"));
  auto second = std::make_shared<ScriptedSource>("second", keys("SECOND"));
  auto third = std::make_shared<ScriptedSource>("third", keys("THIRD"));
  SourceChain chain({first, second, third});
  EXPECT_EQ(chain.name(), "chain");
  auto result = fetchInto(chain);
  ASSERT_TRUE(result->ok());
  EXPECT_EQ((*result)->access_key_id, "SECOND");
  EXPECT_EQ(chain.name(), "second");
  EXPECT_EQ(third->fetches, 0);
}

TEST(SourceChainTest, ConfiguredButFailingSourceStopsTheWalk) {
  auto first = std::make_shared<ScriptedSource>("first", absl::UnavailableError("first: HTTP 500"));
  auto second = std::make_shared<ScriptedSource>("second", keys("SECOND"));
  SourceChain chain({first, second});
  auto result = fetchInto(chain);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result->status().message(), "first: HTTP 500");
  EXPECT_EQ(second->fetches, 0);
}

TEST(SourceChainTest, NothingAnywhereListsEverySource) {
  SourceChain chain({std::make_shared<ScriptedSource>("a", absl::NotFoundError("a: unset")),
                     std::make_shared<ScriptedSource>("b", absl::NotFoundError("b: unset"))});
  auto result = fetchInto(chain);
  EXPECT_TRUE(absl::IsNotFound(result->status()));
  EXPECT_EQ(result->status().message(), "no AWS credentials found (a: unset; b: unset)");
}

TEST(SourceChainTest, RefreshesGoStraightToTheSourceThatAnswered) {
  auto first = std::make_shared<ScriptedSource>("first", absl::NotFoundError("first: unset"));
  auto second = std::make_shared<ScriptedSource>("second", keys("SECOND"));
  SourceChain chain({first, second});
  ASSERT_TRUE(fetchInto(chain)->ok());
  first->setResult(keys("FIRST"));
  auto again = fetchInto(chain);
  EXPECT_EQ((*again)->access_key_id, "SECOND");
  EXPECT_EQ(first->fetches, 1);

  // A source that stops being configured sends the chain back to the start.
  second->setResult(absl::NotFoundError("second: gone"));
  auto walked = fetchInto(chain);
  EXPECT_EQ((*walked)->access_key_id, "FIRST");
  EXPECT_EQ(chain.name(), "first");
}

// The real default chain: environment, shared file, container, IMDS.

absl::StatusOr<FetchResponse> everyEndpoint(const FetchRequest& request) {
  if (request.url.find("169.254.170.2") != std::string::npos) {
    return response(200, R"({"AccessKeyId":"CONTAINER","SecretAccessKey":"s","Token":"t",)"
                         R"("Expiration":"2099-01-01T00:00:00Z"})");
  }
  if (request.url.rfind("/security-credentials/") == request.url.size() - 22) {
    return response(200, "role");
  }
  return response(200, R"({"AccessKeyId":"IMDS","SecretAccessKey":"s","Token":"t",)"
                       R"("Expiration":"2099-01-01T00:00:00Z"})");
}

std::string resolve(const std::map<std::string, std::string>& env,
                    CredentialsOptions options = {}) {
  FakeFetcher fake(everyEndpoint);
  std::map<std::string, std::string> full = env;
  full.emplace("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
  full.emplace("AWS_CONFIG_FILE", "/nonexistent/config");
  auto source = makeCredentialSource(options, fakeEnv(full), fake.fetcher(), systemClock());
  auto result = fetchInto(*source);
  return result->ok() ? (*result)->access_key_id : std::string(result->status().message());
}

TEST(DefaultChainTest, OrderIsConfigEnvironmentFileContainerImds) {
  const std::string file = std::string(std::getenv("TEST_TMPDIR")) + "/chain_credentials";
  std::ofstream(file) << "[default]\naws_access_key_id = FILE\naws_secret_access_key = s\n";
  const std::map<std::string, std::string> env = {
      {"AWS_ACCESS_KEY_ID", "ENV"},
      {"AWS_SECRET_ACCESS_KEY", "s"},
      {"AWS_SHARED_CREDENTIALS_FILE", file},
      {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"},
  };
  CredentialsOptions with_keys;
  with_keys.access_key_id = "CONFIG";
  with_keys.secret_access_key = "s";
  EXPECT_EQ(resolve(env, with_keys), "CONFIG");
  EXPECT_EQ(resolve(env), "ENV");

  auto without_env = env;
  without_env.erase("AWS_ACCESS_KEY_ID");
  without_env.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(resolve(without_env), "FILE");

  without_env.erase("AWS_SHARED_CREDENTIALS_FILE");
  EXPECT_EQ(resolve(without_env), "CONTAINER");

  without_env.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  EXPECT_EQ(resolve(without_env), "IMDS");

  without_env["AWS_EC2_METADATA_DISABLED"] = "true";
  EXPECT_EQ(resolve(without_env).rfind("no AWS credentials found (environment:", 0), 0u);
}

TEST(DefaultChainTest, ImdsUsesTheConfiguredProtocolVersion) {
  for (const ImdsVersion version : {ImdsVersion::kV1, ImdsVersion::kV2}) {
    FakeFetcher fake(everyEndpoint);
    CredentialsOptions options;
    options.imds_version = version;
    auto source = makeCredentialSource(options,
                                       fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                                                {"AWS_CONFIG_FILE", "/nonexistent"}}),
                                       fake.fetcher(), systemClock());
    ASSERT_TRUE(fetchInto(*source)->ok());
    ASSERT_FALSE(fake.requests().empty());
    EXPECT_EQ(fake.requests()[0].method, version == ImdsVersion::kV2 ? "PUT" : "GET");
  }
}

TEST(DefaultChainTest, AssumeRoleWrapsTheBaseCredentials) {
  FakeFetcher fake([](const FetchRequest&) {
    return response(200,
                    "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                    "<AccessKeyId>ASSUMED</AccessKeyId><SecretAccessKey>x</SecretAccessKey>"
                    "<SessionToken>y</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
                    "</Credentials></AssumeRoleResult></AssumeRoleResponse>");
  });
  CredentialsOptions options;
  options.access_key_id = "AKIDCONFIG";
  options.secret_access_key = "s";
  options.assume_role_arn = "arn:aws:iam::1:role/r";
  options.role_session_name = "gateway";
  options.sts_endpoint_url = "https://sts.example.test";
  auto source = makeCredentialSource(options, fakeEnv({{"AWS_REGION", "eu-north-1"}}),
                                     fake.fetcher(), systemClock());
  auto result = fetchInto(*source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "ASSUMED");
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(fake.requests()[0].url, "https://sts.example.test/");
  EXPECT_NE(fake.requests()[0].body.find("RoleSessionName=gateway"), std::string::npos);
  EXPECT_NE(test::header(fake.requests()[0], "Authorization").find("Credential=AKIDCONFIG/"),
            std::string::npos);
  EXPECT_NE(test::header(fake.requests()[0], "Authorization").find("/eu-north-1/sts/"),
            std::string::npos);
}

}  // namespace
}  // namespace portico::aws
