#include <string>

#include "gtest/gtest.h"
#include "source/common/aws/imds_source.h"
#include "test/common/aws/fake_fetcher.h"

namespace portico::aws {
namespace {

using test::fakeEnv;
using test::FakeFetcher;
using test::fetchInto;
using test::header;
using test::response;

constexpr char kDocument[] =
    R"({"Code":"Success","LastUpdated":"2024-01-02T03:00:00Z","Type":"AWS-HMAC",)"
    R"("AccessKeyId":"ASIAIMDS","SecretAccessKey":"imdsSecret","Token":"imdsToken",)"
    R"("Expiration":"2024-01-02T09:04:05Z"})";

// A metadata service: a session token for PUT /latest/api/token (v2), one role, its credentials.
absl::StatusOr<FetchResponse> metadataService(const FetchRequest& request) {
  const std::string path = request.url.substr(request.url.find('/', sizeof("http://")));
  if (path == "/latest/api/token") {
    return response(request.method == "PUT" ? 200 : 405, "session-token-xyz");
  }
  if (path == "/latest/meta-data/iam/security-credentials/") {
    return response(200, "my-role\n");
  }
  if (path == "/latest/meta-data/iam/security-credentials/my-role") {
    return response(200, kDocument);
  }
  return response(404, "");
}

TEST(ImdsSourceTest, V2GetsASessionTokenAndSendsItWithEveryCall) {
  FakeFetcher fake(metadataService);
  ImdsSource source(fakeEnv({}), fake.fetcher(), ImdsVersion::kV2);
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "ASIAIMDS");
  EXPECT_EQ((*result)->secret_access_key, "imdsSecret");
  EXPECT_EQ((*result)->session_token, "imdsToken");
  EXPECT_EQ((*result)->expiration, test::timeAt("2024-01-02T09:04:05Z"));

  const auto& requests = fake.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(header(requests[0], "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(header(requests[1], "X-aws-ec2-metadata-token"), "session-token-xyz");
  EXPECT_EQ(requests[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role");
  EXPECT_EQ(header(requests[2], "X-aws-ec2-metadata-token"), "session-token-xyz");
}

TEST(ImdsSourceTest, V1SkipsTheToken) {
  FakeFetcher fake(metadataService);
  ImdsSource source(fakeEnv({}), fake.fetcher(), ImdsVersion::kV1);
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "ASIAIMDS");
  const auto& requests = fake.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  for (const FetchRequest& request : requests) {
    EXPECT_EQ(header(request, "X-aws-ec2-metadata-token"), "");
  }
}

TEST(ImdsSourceTest, EndpointFromEnvironment) {
  FakeFetcher fake(metadataService);
  ImdsSource source(fakeEnv({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}}),
                    fake.fetcher(), ImdsVersion::kV2);
  ASSERT_TRUE(fetchInto(source)->ok());
  EXPECT_EQ(fake.requests()[0].url, "http://127.0.0.1:1338/latest/api/token");

  ImdsSource ipv6(fakeEnv({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}), fake.fetcher(),
                  ImdsVersion::kV1);
  EXPECT_EQ(ipv6.endpoint(), "http://[fd00:ec2::254]");
}

TEST(ImdsSourceTest, DisabledOrRolelessIsNotFound) {
  FakeFetcher fake(metadataService);
  ImdsSource disabled(fakeEnv({{"AWS_EC2_METADATA_DISABLED", "true"}}), fake.fetcher(),
                      ImdsVersion::kV2);
  EXPECT_TRUE(absl::IsNotFound(fetchInto(disabled)->status()));
  EXPECT_TRUE(fake.requests().empty());

  fake.setHandler([](const FetchRequest& request) {
    return request.method == "PUT" ? response(200, "t") : response(404, "");
  });
  ImdsSource roleless(fakeEnv({}), fake.fetcher(), ImdsVersion::kV2);
  EXPECT_TRUE(absl::IsNotFound(fetchInto(roleless)->status()));
}

TEST(ImdsSourceTest, FailuresNameTheStepAndStatusButNoToken) {
  FakeFetcher fake([](const FetchRequest&) { return response(403, "session-token-xyz"); });
  ImdsSource source(fakeEnv({}), fake.fetcher(), ImdsVersion::kV2);
  auto result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result->status().message(), "imds: token request: HTTP 403");

  fake.setHandler([](const FetchRequest& request) -> absl::StatusOr<FetchResponse> {
    if (request.method == "PUT") {
      return response(200, "session-token-xyz");
    }
    return absl::UnavailableError("connection refused");
  });
  result = fetchInto(source);
  EXPECT_EQ(result->status().message(), "imds: role request: connection refused");
}

TEST(ImdsSourceTest, CompletesWhenTheSourceIsGoneBeforeTheAnswers) {
  FakeFetcher fake(metadataService);
  fake.setDeferred(true);
  auto source = std::make_unique<ImdsSource>(fakeEnv({}), fake.fetcher(), ImdsVersion::kV2);
  auto result = fetchInto(*source);
  source.reset();
  while (fake.pendingCount() > 0) {
    fake.complete();
  }
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "ASIAIMDS");
}

}  // namespace
}  // namespace portico::aws
