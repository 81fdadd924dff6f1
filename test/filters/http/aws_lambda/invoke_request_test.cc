#include "source/filters/http/aws_lambda/invoke_request.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace portico::filters::http::aws_lambda {
namespace {

constexpr char kPayload[] = R"({"key1":"v1"})";

std::chrono::system_clock::time_point fixedNow() {
  return absl::ToChronoTime(
      absl::FromCivil(absl::CivilSecond(2026, 11, 26, 6, 11, 46), absl::UTCTimeZone()));
}

aws::Credentials longTermKeys() { return {"AKIDEXAMPLE", "SECRETEXAMPLE", "", std::nullopt}; }

aws::Credentials temporaryKeys() {
  return {"ASIAEXAMPLE", "SECRETEXAMPLE", "SESSIONTOKEN123", std::nullopt};
}

InvokeEndpoint endpointFor(std::string_view function_name,
                           const std::optional<std::string>& qualifier = std::nullopt) {
  return makeInvokeEndpoint(function_name, qualifier, "lambda.us-east-1.amazonaws.com", 443, true,
                            "RequestResponse", "Tail");
}

// The request as it goes on the wire, read back.
struct WireRequest {
  std::string method;
  std::string path;
  std::string query;
  aws::HeaderList headers;
  std::string body;

  const std::string* header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) {
        return &value;
      }
    }
    return nullptr;
  }
  size_t count(std::string_view name) const {
    size_t n = 0;
    for (const auto& entry : headers) {
      n += absl::EqualsIgnoreCase(entry.first, absl::string_view(name.data(), name.size()));
    }
    return n;
  }
};

WireRequest parseWire(const std::string& bytes) {
  WireRequest wire;
  const size_t head_end = bytes.find("\r\n\r\n");
  EXPECT_NE(head_end, std::string::npos);
  wire.body = bytes.substr(head_end + 4);
  const std::vector<std::string> lines = absl::StrSplit(bytes.substr(0, head_end), "\r\n");
  const std::vector<std::string> start = absl::StrSplit(lines[0], ' ');
  EXPECT_EQ(start.size(), 3u);
  EXPECT_EQ(start[2], "HTTP/1.1");
  wire.method = start[0];
  const std::vector<std::string> target = absl::StrSplit(start[1], absl::MaxSplits('?', 1));
  wire.path = target[0];
  wire.query = target.size() > 1 ? target[1] : "";
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(": ");
    EXPECT_NE(colon, std::string::npos) << lines[i];
    wire.headers.emplace_back(lines[i].substr(0, colon), lines[i].substr(colon + 2));
  }
  return wire;
}

// Signs again what the wire request says it signed (its SignedHeaders, path, query and body)
// and returns the Authorization value a verifier holding `credentials` would expect.
std::string recomputeAuthorization(const WireRequest& wire, const aws::Credentials& credentials,
                                   const aws::SigV4Signer& signer) {
  const std::string* authorization = wire.header("Authorization");
  EXPECT_NE(authorization, nullptr);
  if (authorization == nullptr) {
    return "";
  }
  const size_t start = authorization->find("SignedHeaders=");
  const size_t end = authorization->find(',', start);
  EXPECT_NE(start, std::string::npos);
  const std::vector<std::string> names =
      absl::StrSplit(authorization->substr(start + 14, end - start - 14), ';');
  aws::HeaderList signed_headers;
  for (const std::string& name : names) {
    const std::string* value = wire.header(name);
    EXPECT_NE(value, nullptr) << "signed header missing from the wire: " << name;
    if (value != nullptr) {
      signed_headers.emplace_back(name, *value);
    }
  }
  absl::StatusOr<aws::Signature> signature =
      signer.sign(aws::SignableRequest{wire.method, wire.path, wire.query, signed_headers,
                                       aws::sha256Hex(wire.body)},
                  credentials, fixedNow());
  EXPECT_TRUE(signature.ok()) << signature.status();
  return signature.ok() ? signature->authorization : "";
}

WireRequest build(const InvokeEndpoint& endpoint, const aws::Credentials& credentials,
                  std::string_view payload = kPayload) {
  const aws::SigV4Signer signer("lambda", "us-east-1");
  absl::StatusOr<std::string> bytes =
      buildInvokeRequest(endpoint, payload, credentials, signer, fixedNow());
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return parseWire(bytes.ok() ? *bytes : std::string("\r\n\r\n"));
}

TEST(InvokeEndpointTest, PlainNameIsOnePathSegment) {
  const InvokeEndpoint endpoint = endpointFor("my-function");
  EXPECT_EQ(endpoint.path, "/2015-03-31/functions/my-function/invocations");
  EXPECT_EQ(endpoint.query, "");
}

TEST(InvokeEndpointTest, AliasAndArnColonsAreSentAsPercent3A) {
  EXPECT_EQ(endpointFor("my-function:prod").path,
            "/2015-03-31/functions/my-function%3Aprod/invocations");
  EXPECT_EQ(endpointFor("arn:aws:lambda:us-east-1:123456789012:function:gwtest-dev-auth:live").path,
            "/2015-03-31/functions/"
            "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Agwtest-dev-auth%3Alive/"
            "invocations");
}

TEST(InvokeEndpointTest, QualifierIsPercentEncodedInTheQuery) {
  EXPECT_EQ(endpointFor("fn", "$LATEST").query, "Qualifier=%24LATEST");
  EXPECT_EQ(endpointFor("fn", "7").query, "Qualifier=7");
  EXPECT_EQ(endpointFor("fn", std::string()).query, "");
}

TEST(InvokeEndpointTest, HostHeaderCarriesThePortOnlyWhenNotTheSchemesDefault) {
  EXPECT_EQ(makeInvokeEndpoint("fn", std::nullopt, "lambda.eu-west-1.amazonaws.com", 443, true,
                               "RequestResponse", "Tail")
                .host_header,
            "lambda.eu-west-1.amazonaws.com");
  EXPECT_EQ(
      makeInvokeEndpoint("fn", std::nullopt, "127.0.0.1", 80, false, "RequestResponse", "Tail")
          .host_header,
      "127.0.0.1");
  EXPECT_EQ(
      makeInvokeEndpoint("fn", std::nullopt, "127.0.0.1", 9100, false, "RequestResponse", "Tail")
          .host_header,
      "127.0.0.1:9100");
  EXPECT_EQ(
      makeInvokeEndpoint("fn", std::nullopt, "localstack", 443, false, "RequestResponse", "Tail")
          .host_header,
      "localstack:443");
  EXPECT_EQ(
      makeInvokeEndpoint("fn", std::nullopt, "localstack", 80, true, "RequestResponse", "Tail")
          .host_header,
      "localstack:80");
}

TEST(InvokeRequestTest, StartLineTargetsTheEncodedPathAndQualifier) {
  const WireRequest wire =
      build(endpointFor("arn:aws:lambda:us-east-1:123456789012:function:fn:live", "$LATEST"),
            longTermKeys());
  EXPECT_EQ(wire.method, "POST");
  EXPECT_EQ(wire.path,
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn%"
            "3Alive/invocations");
  EXPECT_EQ(wire.query, "Qualifier=%24LATEST");
}

TEST(InvokeRequestTest, CarriesTheInvokeHeadersAndThePayload) {
  const InvokeEndpoint endpoint =
      makeInvokeEndpoint("fn", std::nullopt, "127.0.0.1", 9100, false, "Event", "None");
  const WireRequest wire = build(endpoint, longTermKeys());
  ASSERT_NE(wire.header("Host"), nullptr);
  EXPECT_EQ(*wire.header("Host"), "127.0.0.1:9100");
  ASSERT_NE(wire.header("X-Amz-Invocation-Type"), nullptr);
  EXPECT_EQ(*wire.header("X-Amz-Invocation-Type"), "Event");
  ASSERT_NE(wire.header("X-Amz-Log-Type"), nullptr);
  EXPECT_EQ(*wire.header("X-Amz-Log-Type"), "None");
  ASSERT_NE(wire.header("X-Amz-Date"), nullptr);
  EXPECT_EQ(*wire.header("X-Amz-Date"), "20261126T061146Z");
  ASSERT_NE(wire.header("Content-Length"), nullptr);
  EXPECT_EQ(*wire.header("Content-Length"), std::to_string(std::string(kPayload).size()));
  EXPECT_EQ(wire.body, kPayload);
  for (const char* name : {"Host", "X-Amz-Date", "Content-Length", "Authorization"}) {
    EXPECT_EQ(wire.count(name), 1u) << name;
  }
}

TEST(InvokeRequestTest, EmptyPayloadHasContentLengthZero) {
  const WireRequest wire = build(endpointFor("fn"), longTermKeys(), "");
  ASSERT_NE(wire.header("Content-Length"), nullptr);
  EXPECT_EQ(*wire.header("Content-Length"), "0");
  EXPECT_EQ(wire.body, "");
  EXPECT_EQ(recomputeAuthorization(wire, longTermKeys(), aws::SigV4Signer("lambda", "us-east-1")),
            *wire.header("Authorization"));
}

TEST(InvokeRequestTest, AuthorizationScopesTheKeyToTheDayRegionAndLambda) {
  const aws::SigV4Signer signer("lambda", "eu-central-1");
  absl::StatusOr<std::string> bytes =
      buildInvokeRequest(endpointFor("fn"), kPayload, longTermKeys(), signer, fixedNow());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  const WireRequest wire = parseWire(*bytes);
  ASSERT_NE(wire.header("Authorization"), nullptr);
  EXPECT_TRUE(absl::StartsWith(
      *wire.header("Authorization"),
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-central-1/lambda/aws4_request, "))
      << *wire.header("Authorization");
  EXPECT_TRUE(absl::StrContains(*wire.header("Authorization"), "SignedHeaders="));
  EXPECT_TRUE(absl::StrContains(*wire.header("Authorization"), ", Signature="));
}

TEST(InvokeRequestTest, SecurityTokenIsSentAndSignedOnlyWithTemporaryCredentials) {
  const WireRequest long_term = build(endpointFor("fn"), longTermKeys());
  EXPECT_EQ(long_term.header("X-Amz-Security-Token"), nullptr);
  EXPECT_FALSE(absl::StrContains(*long_term.header("Authorization"), "x-amz-security-token"));

  const WireRequest temporary = build(endpointFor("fn"), temporaryKeys());
  ASSERT_NE(temporary.header("X-Amz-Security-Token"), nullptr);
  EXPECT_EQ(*temporary.header("X-Amz-Security-Token"), "SESSIONTOKEN123");
  EXPECT_TRUE(absl::StrContains(*temporary.header("Authorization"), "x-amz-security-token"));
  EXPECT_TRUE(absl::StrContains(*temporary.header("Authorization"), "Credential=ASIAEXAMPLE/"));
}

TEST(InvokeRequestTest, SignatureVerifiesAgainstTheBytesSent) {
  const aws::SigV4Signer signer("lambda", "us-east-1");
  for (const aws::Credentials& credentials : {longTermKeys(), temporaryKeys()}) {
    const WireRequest wire = build(endpointFor("fn:alias", "$LATEST"), credentials);
    ASSERT_NE(wire.header("Authorization"), nullptr);
    EXPECT_EQ(recomputeAuthorization(wire, credentials, signer), *wire.header("Authorization"));
  }
}

TEST(InvokeRequestTest, SignatureCoversBodyPathAndSecret) {
  const aws::SigV4Signer signer("lambda", "us-east-1");
  const WireRequest wire = build(endpointFor("fn"), longTermKeys());
  const std::string& sent = *wire.header("Authorization");

  WireRequest tampered_body = wire;
  tampered_body.body = R"({"key1":"v2"})";
  EXPECT_NE(recomputeAuthorization(tampered_body, longTermKeys(), signer), sent);

  WireRequest tampered_path = wire;
  tampered_path.path = "/2015-03-31/functions/other/invocations";
  EXPECT_NE(recomputeAuthorization(tampered_path, longTermKeys(), signer), sent);

  aws::Credentials other_secret = longTermKeys();
  other_secret.secret_access_key = "ANOTHERSECRET";
  EXPECT_NE(recomputeAuthorization(wire, other_secret, signer), sent);
}

TEST(InvokeRequestTest, IncompleteCredentialsFailInsteadOfSendingAnUnsignedCall) {
  const aws::SigV4Signer signer("lambda", "us-east-1");
  const aws::Credentials no_secret{"AKIDEXAMPLE", "", "", std::nullopt};
  EXPECT_FALSE(buildInvokeRequest(endpointFor("fn"), kPayload, no_secret, signer, fixedNow()).ok());
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
