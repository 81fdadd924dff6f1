#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "source/common/aws/container_source.h"
#include "test/common/aws/fake_fetcher.h"

namespace portico::aws {
namespace {

using test::fakeEnv;
using test::FakeFetcher;
using test::fetchInto;
using test::header;
using test::response;

constexpr char kSecret[] = "containerSecretValue";
constexpr char kDocument[] =
    R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"containerSecretValue",)"
    R"("Token":"containerToken","Expiration":"2024-01-02T09:04:05Z"})";

TEST(ContainerSourceTest, RelativeUriGoesToTheEcsAgentWithAuthorizationToken) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kDocument); });
  ContainerSource source(fakeEnv({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/id"},
                                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc"}}),
                         fake.fetcher());
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "ASIACONTAINER");
  EXPECT_EQ((*result)->secret_access_key, kSecret);
  EXPECT_EQ((*result)->session_token, "containerToken");
  EXPECT_EQ((*result)->expiration, test::timeAt("2024-01-02T09:04:05Z"));
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(fake.requests()[0].method, "GET");
  EXPECT_EQ(fake.requests()[0].url, "http://169.254.170.2/v2/credentials/id");
  EXPECT_EQ(header(fake.requests()[0], "Authorization"), "Basic abc");
}

TEST(ContainerSourceTest, RelativeUriWinsOverFullUri) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kDocument); });
  ContainerSource source(fakeEnv({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "creds"},
                                  {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/x"}}),
                         fake.fetcher());
  EXPECT_EQ(source.buildRequest()->url, "http://169.254.170.2/creds");
}

TEST(ContainerSourceTest, FullUriWithTokenFileReadAtEachFetch) {
  const std::string token_file = std::string(std::getenv("TEST_TMPDIR")) + "/eks-token";
  std::ofstream(token_file, std::ios::trunc) << "eks-token-1\n";
  FakeFetcher fake([](const FetchRequest&) { return response(200, kDocument); });
  ContainerSource source(
      fakeEnv({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
               {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored"}}),
      fake.fetcher());
  ASSERT_TRUE(fetchInto(source)->ok());
  std::ofstream(token_file, std::ios::trunc) << "eks-token-2";
  ASSERT_TRUE(fetchInto(source)->ok());
  ASSERT_EQ(fake.requests().size(), 2u);
  EXPECT_EQ(fake.requests()[0].url, "http://169.254.170.23/v1/credentials");
  EXPECT_EQ(header(fake.requests()[0], "Authorization"), "eks-token-1");
  EXPECT_EQ(header(fake.requests()[1], "Authorization"), "eks-token-2");
}

TEST(ContainerSourceTest, FullUriMustBeHttpsOrLocal) {
  EXPECT_TRUE(isAllowedContainerUri("https://creds.example.com/role"));
  EXPECT_TRUE(isAllowedContainerUri("http://127.0.0.1:8080/role"));
  EXPECT_TRUE(isAllowedContainerUri("http://localhost/role"));
  EXPECT_TRUE(isAllowedContainerUri("http://[::1]:9000/role"));
  EXPECT_TRUE(isAllowedContainerUri("http://169.254.170.2/role"));
  EXPECT_TRUE(isAllowedContainerUri("http://[fd00:ec2::23]/role"));
  EXPECT_FALSE(isAllowedContainerUri("http://creds.example.com/role"));
  EXPECT_FALSE(isAllowedContainerUri("http://10.0.0.1/role"));
  EXPECT_FALSE(isAllowedContainerUri("http://127.attacker.example/role"));
  EXPECT_FALSE(isAllowedContainerUri("ftp://127.0.0.1/role"));

  FakeFetcher fake([](const FetchRequest&) { return response(200, kDocument); });
  ContainerSource source(fakeEnv({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/"}}),
                         fake.fetcher());
  EXPECT_EQ(fetchInto(source)->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(fake.requests().empty());
}

TEST(ContainerSourceTest, NotConfiguredIsNotFound) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kDocument); });
  ContainerSource source(fakeEnv({}), fake.fetcher());
  EXPECT_TRUE(absl::IsNotFound(fetchInto(source)->status()));
  EXPECT_TRUE(fake.requests().empty());
}

TEST(ContainerSourceTest, FailuresNameSourceAndStatusButNoTokenOrBody) {
  FakeFetcher fake(
      [](const FetchRequest&) { return response(500, std::string("oops ") + kSecret); });
  ContainerSource source(fakeEnv({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"},
                                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "topsecrettoken"}}),
                         fake.fetcher());
  auto result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result->status().message(), "container: HTTP 500");

  fake.setHandler([](const FetchRequest&) -> absl::StatusOr<FetchResponse> {
    return absl::DeadlineExceededError("timed out");
  });
  result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result->status().message(), "container: timed out");
}

TEST(ContainerSourceTest, TokenWithLineBreakIsRefused) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kDocument); });
  ContainerSource source(fakeEnv({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"},
                                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"}}),
                         fake.fetcher());
  auto result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(result->status().message()).find("Evil"), std::string::npos);
}

}  // namespace
}  // namespace portico::aws
