#include <string>

#include "gtest/gtest.h"
#include "source/common/aws/sigv4_signer.h"
#include "source/common/aws/sts_assume_role.h"
#include "test/common/aws/fake_fetcher.h"

namespace portico::aws {
namespace {

using test::fakeEnv;
using test::FakeFetcher;
using test::fetchInto;
using test::header;
using test::response;

constexpr char kBaseSecret[] = "baseSecretKeyValue";
constexpr char kAssumedSecret[] = "assumedSecretValue";
constexpr char kAssumeRoleXml[] =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/kong</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:kong</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>assumedSessionToken</SessionToken>
      <SecretAccessKey>assumedSecretValue</SecretAccessKey>
      <Expiration>2024-01-02T04:04:05.359Z</Expiration>
      <AccessKeyId>ASIAASSUMED</AccessKeyId>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";
constexpr char kAccessDeniedXml[] =
    R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
  <Message>User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole</Message></Error>
  <RequestId>8e4f5a2c</RequestId>
</ErrorResponse>)";

Credentials baseCredentials() {
  Credentials base;
  base.access_key_id = "ASIABASE";
  base.secret_access_key = kBaseSecret;
  base.session_token = "baseSessionToken";
  return base;
}

AssumeRoleOptions roleOptions() {
  AssumeRoleOptions options;
  options.role_arn = "arn:aws:iam::123456789012:role/demo";
  options.session_name = "kong";
  return options;
}

TEST(StsEndpointTest, GlobalWithoutRegionRegionalWithOne) {
  AssumeRoleOptions options;
  auto global = resolveStsEndpoint(options, fakeEnv({}));
  ASSERT_TRUE(global.ok());
  EXPECT_EQ(global->url, "https://sts.amazonaws.com/");
  EXPECT_EQ(global->authority, "sts.amazonaws.com");
  EXPECT_EQ(global->signing_region, "us-east-1");

  options.region = "eu-west-1";
  auto regional = resolveStsEndpoint(options, fakeEnv({}));
  EXPECT_EQ(regional->url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(regional->signing_region, "eu-west-1");

  auto legacy = resolveStsEndpoint(options, fakeEnv({{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}}));
  EXPECT_EQ(legacy->url, "https://sts.amazonaws.com/");
  EXPECT_EQ(legacy->signing_region, "us-east-1");

  options.region = "cn-north-1";
  EXPECT_EQ(resolveStsEndpoint(options, fakeEnv({}))->url,
            "https://sts.cn-north-1.amazonaws.com.cn/");
}

TEST(StsEndpointTest, ConfiguredEndpointKeepsPortAndSignsForItsRegion) {
  AssumeRoleOptions options;
  options.endpoint_url = "http://127.0.0.1:4566";
  options.region = "ap-south-1";
  auto local = resolveStsEndpoint(options, fakeEnv({}));
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->url, "http://127.0.0.1:4566/");
  EXPECT_EQ(local->authority, "127.0.0.1:4566");
  EXPECT_EQ(local->path, "/");
  EXPECT_EQ(local->signing_region, "ap-south-1");

  options.endpoint_url = "https://sts.eu-central-1.amazonaws.com";
  EXPECT_EQ(resolveStsEndpoint(options, fakeEnv({}))->signing_region, "eu-central-1");

  options.endpoint_url = "sts.example.com";
  EXPECT_EQ(resolveStsEndpoint(options, fakeEnv({})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AssumeRoleRequestTest, IsASignedFormPost) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kAssumeRoleXml); });
  AssumeRoleOptions options = roleOptions();
  options.region = "eu-west-1";
  auto source =
      std::make_shared<AssumeRoleSource>(std::make_shared<StaticSource>(baseCredentials()), options,
                                         fakeEnv({}), fake.fetcher(), systemClock());
  const auto now = test::timeAt("2024-01-02T03:04:05Z");
  auto request = source->buildRequest(baseCredentials(), now);
  ASSERT_TRUE(request.ok()) << request.status();

  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(request->body,
            "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
            "&RoleSessionName=kong&Version=2011-06-15");
  EXPECT_EQ(header(*request, "Host"), "sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(header(*request, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(header(*request, "X-Amz-Date"), "20240102T030405Z");
  EXPECT_EQ(header(*request, "X-Amz-Security-Token"), "baseSessionToken");
  const std::string authorization = header(*request, "Authorization");
  EXPECT_EQ(authorization.rfind("AWS4-HMAC-SHA256 Credential=ASIABASE/20240102/eu-west-1/sts/"
                                "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                                "x-amz-security-token, Signature=",
                                0),
            0u)
      << authorization;

  // The signature covers exactly the headers and body that are sent.
  HeaderList signed_headers;
  for (const auto& entry : request->headers) {
    if (entry.first != "Authorization") {
      signed_headers.push_back(entry);
    }
  }
  const std::string payload_hash = sha256Hex(request->body);
  auto expected = SigV4Signer("sts", "eu-west-1")
                      .sign(SignableRequest{"POST", "/", "", signed_headers, payload_hash},
                            baseCredentials(), now);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(authorization, expected->authorization);
}

TEST(AssumeRoleRequestTest, LongTermBaseKeysSendNoSecurityToken) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kAssumeRoleXml); });
  Credentials base = baseCredentials();
  base.session_token.clear();
  auto source =
      std::make_shared<AssumeRoleSource>(std::make_shared<StaticSource>(base), roleOptions(),
                                         fakeEnv({}), fake.fetcher(), systemClock());
  auto request = source->buildRequest(base, test::timeAt("2024-01-02T03:04:05Z"));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->url, "https://sts.amazonaws.com/");
  EXPECT_EQ(header(*request, "X-Amz-Security-Token"), "");
  EXPECT_NE(header(*request, "Authorization").find("SignedHeaders=content-type;host;x-amz-date,"),
            std::string::npos);
}

TEST(AssumeRoleSourceTest, FetchesBaseThenReturnsAssumedCredentials) {
  FakeFetcher fake([](const FetchRequest&) { return response(200, kAssumeRoleXml); });
  auto source = std::make_shared<AssumeRoleSource>(
      std::make_shared<StaticSource>(baseCredentials()), roleOptions(), fakeEnv({}), fake.fetcher(),
      test::FakeClock(test::timeAt("2024-01-02T03:04:05Z")).clock());
  auto result = fetchInto(*source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "ASIAASSUMED");
  EXPECT_EQ((*result)->secret_access_key, kAssumedSecret);
  EXPECT_EQ((*result)->session_token, "assumedSessionToken");
  EXPECT_EQ((*result)->expiration,
            test::timeAt("2024-01-02T04:04:05Z") + std::chrono::milliseconds(359));
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(header(fake.requests()[0], "X-Amz-Date"), "20240102T030405Z");
}

TEST(AssumeRoleSourceTest, StsErrorsGiveStatusAndCodeOnly) {
  FakeFetcher fake([](const FetchRequest&) { return response(403, kAccessDeniedXml); });
  auto source =
      std::make_shared<AssumeRoleSource>(std::make_shared<StaticSource>(baseCredentials()),
                                         roleOptions(), fakeEnv({}), fake.fetcher(), systemClock());
  auto result = fetchInto(*source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result->status().message(), "sts assume role: HTTP 403 AccessDenied");
}

TEST(AssumeRoleSourceTest, BaseFailureIsReportedWithoutCallingSts) {
  class FailingSource : public CredentialSource {
   public:
    void fetch(SourceCallback done) override { done(absl::NotFoundError("chain: nothing")); }
    std::string name() const override { return "failing"; }
  };
  FakeFetcher fake([](const FetchRequest&) { return response(200, kAssumeRoleXml); });
  auto source = std::make_shared<AssumeRoleSource>(std::make_shared<FailingSource>(), roleOptions(),
                                                   fakeEnv({}), fake.fetcher(), systemClock());
  auto result = fetchInto(*source);
  EXPECT_TRUE(absl::IsNotFound(result->status()));
  EXPECT_EQ(result->status().message(), "sts assume role: base credentials: chain: nothing");
  EXPECT_TRUE(fake.requests().empty());
}

TEST(AssumeRoleResponseTest, MalformedOrIncompleteXmlIsRefusedWithoutQuotingIt) {
  const std::string truncated = std::string(kAssumeRoleXml).substr(0, 600);
  const std::string no_token = std::string("<AssumeRoleResponse><AssumeRoleResult><Credentials>") +
                               "<AccessKeyId>A</AccessKeyId><SecretAccessKey>" + kAssumedSecret +
                               "</SecretAccessKey></Credentials></AssumeRoleResult>"
                               "</AssumeRoleResponse>";
  for (const std::string& xml : {truncated, no_token, std::string("not xml"), std::string()}) {
    auto result = parseAssumeRoleResponse(xml);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(std::string(result.status().message()).find(kAssumedSecret), std::string::npos);
  }
  EXPECT_EQ(parseStsErrorCode(kAccessDeniedXml), "AccessDenied");
  EXPECT_EQ(parseStsErrorCode("<ErrorResponse><Error><Code>a b</Code></Error></ErrorResponse>"),
            "");
  EXPECT_EQ(parseStsErrorCode("garbage"), "");
}

}  // namespace
}  // namespace portico::aws
