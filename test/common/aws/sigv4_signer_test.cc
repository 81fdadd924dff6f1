#include "source/common/aws/sigv4_signer.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "source/common/aws/uri_encode.h"

namespace portico::aws {
namespace {

constexpr char kEmptyBodyHash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::chrono::system_clock::time_point timeAt(const std::string& amz_date) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%E4Y%m%dT%H%M%SZ", amz_date, absl::UTCTimeZone(), &time, &error))
      << error;
  return absl::ToChronoTime(time);
}

Credentials exampleCredentials() {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt};
}

// Line `index` of a canonical request (0 method, 1 URI, 2 query, 3.. headers).
std::string creqLine(const Signature& signature, size_t index) {
  const std::vector<std::string> lines = absl::StrSplit(signature.canonical_request, '\n');
  return index < lines.size() ? lines[index] : "<missing>";
}

class SigV4SignerTest : public testing::Test {
 protected:
  // Signs a request carrying `headers` plus Host and the signingHeaders() for `now`.
  absl::StatusOr<Signature> signWith(const SigV4Signer& signer, std::string_view method,
                                     std::string_view path, std::string_view query,
                                     HeaderList headers, const Credentials& credentials,
                                     const std::string& amz_date) {
    const auto now = timeAt(amz_date);
    headers.emplace_back("Host", "lambda.us-east-1.amazonaws.com");
    for (auto& header : signingHeaders(credentials, now)) {
      headers.push_back(std::move(header));
    }
    const SignableRequest request{method, path, query, headers, kEmptyBodyHash};
    return signer.sign(request, credentials, now);
  }

  SigV4Signer lambda_{"lambda", "us-east-1"};
};

TEST_F(SigV4SignerTest, MatchesTheSmithyDoubleUrlEncodeVectorForALambdaArn) {
  const SigV4Signer signer("lambda", "us-east-2");
  const HeaderList headers = {{"Host", "lambda.us-east-2.amazonaws.com"},
                              {"X-Amz-Date", "20210511T154045Z"}};
  const SignableRequest request{
      "POST",
      "/2015-03-31/functions/"
      "arn%3Aaws%3Alambda%3Aus-west-2%3A892717189312%3Afunction%3Amy-rusty-fun/"
      "invocations",
      "", headers, kEmptyBodyHash};

  const auto signature = signer.sign(request, exampleCredentials(), timeAt("20210511T154045Z"));

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 1),
            "/2015-03-31/functions/"
            "arn%253Aaws%253Alambda%253Aus-west-2%253A892717189312%253Afunction%253Amy-rusty-fun/"
            "invocations");
  EXPECT_EQ(signature->authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20210511/us-east-2/lambda/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=4b93abbcc68be32bd64c18e2c71150660ab4c29bbd6c32a383a7517a88fc1804");
}

TEST_F(SigV4SignerTest, EncodesTheColonOfNameAliasTwice) {
  const auto signature = signWith(lambda_, "POST", "/2015-03-31/functions/fn%3Aalias/invocations",
                                  "", {}, exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 1), "/2015-03-31/functions/fn%253Aalias/invocations");
}

TEST_F(SigV4SignerTest, NormalisesThePathForServicesOtherThanS3) {
  const auto signature =
      signWith(lambda_, "GET", "//a/./b/../c//", "", {}, exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 1), "/a/c/");
}

TEST_F(SigV4SignerTest, S3ModeSignsThePathExactlyAsSent) {
  const SigV4Signer s3("s3", "us-east-1", /*double_encode_path=*/false);

  const auto signature = signWith(s3, "GET", "/my-object//example//photo%3A1.user", "", {},
                                  exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 1), "/my-object//example//photo%3A1.user");
}

TEST_F(SigV4SignerTest, SignsTheSessionTokenOfTemporaryCredentials) {
  Credentials credentials = exampleCredentials();
  credentials.session_token = "TOKEN123";

  const auto signature = signWith(lambda_, "POST", "/2015-03-31/functions/fn/invocations", "", {},
                                  credentials, "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 5), "x-amz-security-token:TOKEN123");
  EXPECT_NE(signature->authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos)
      << signature->authorization;
}

TEST_F(SigV4SignerTest, SigningHeadersAreTheDateAndTheTokenWhenThereIsOne) {
  Credentials credentials = exampleCredentials();
  const auto now = timeAt("20150830T123600Z");
  EXPECT_EQ(signingHeaders(credentials, now), (HeaderList{{"X-Amz-Date", "20150830T123600Z"}}));

  credentials.session_token = "TOKEN123";
  EXPECT_EQ(signingHeaders(credentials, now),
            (HeaderList{{"X-Amz-Date", "20150830T123600Z"}, {"X-Amz-Security-Token", "TOKEN123"}}));
}

TEST_F(SigV4SignerTest, RefusesTemporaryCredentialsWhoseTokenIsNotSigned) {
  Credentials credentials = exampleCredentials();
  credentials.session_token = "TOKEN123";
  const HeaderList headers = {{"Host", "lambda.us-east-1.amazonaws.com"},
                              {"X-Amz-Date", "20150830T123600Z"}};
  const SignableRequest request{"POST", "/", "", headers, kEmptyBodyHash};

  const auto signature = lambda_.sign(request, credentials, timeAt("20150830T123600Z"));

  EXPECT_EQ(signature.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(signature.status().message().find("TOKEN123"), absl::string_view::npos);
}

TEST_F(SigV4SignerTest, RefusesAMissingOrDifferentXAmzDate) {
  const HeaderList no_date = {{"Host", "lambda.us-east-1.amazonaws.com"}};
  const HeaderList stale_date = {{"Host", "lambda.us-east-1.amazonaws.com"},
                                 {"X-Amz-Date", "20150830T123559Z"}};
  const auto now = timeAt("20150830T123600Z");

  EXPECT_EQ(lambda_.sign({"GET", "/", "", no_date, kEmptyBodyHash}, exampleCredentials(), now)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(lambda_.sign({"GET", "/", "", stale_date, kEmptyBodyHash}, exampleCredentials(), now)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SigV4SignerTest, RefusesARequestWithoutHost) {
  const HeaderList headers = {{"X-Amz-Date", "20150830T123600Z"}};
  const SignableRequest request{"GET", "/", "", headers, kEmptyBodyHash};

  EXPECT_EQ(lambda_.sign(request, exampleCredentials(), timeAt("20150830T123600Z")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SigV4SignerTest, RefusesCredentialsWithoutAKey) {
  Credentials credentials = exampleCredentials();
  credentials.secret_access_key.clear();

  const auto signature = signWith(lambda_, "GET", "/", "", {}, credentials, "20150830T123600Z");

  EXPECT_EQ(signature.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SigV4SignerTest, CanonicalQueryIsReEncodedAndSortedByNameThenValue) {
  const auto signature =
      signWith(lambda_, "POST", "/", "b=2&a=1&a=0&c&&Qualifier=$LATEST&sp=a%20b&plus=a+b&t=~x%7e",
               {}, exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 2),
            "Qualifier=%24LATEST&a=0&a=1&b=2&c=&plus=a%2Bb&sp=a%20b&t=~x~");
}

TEST_F(SigV4SignerTest, EscapedAndRawQualifierSignAlike) {
  const auto escaped = signWith(lambda_, "POST", "/", "Qualifier=%24LATEST", {},
                                exampleCredentials(), "20150830T123600Z");
  const auto raw = signWith(lambda_, "POST", "/", "Qualifier=$LATEST", {}, exampleCredentials(),
                            "20150830T123600Z");

  ASSERT_TRUE(escaped.ok() && raw.ok());
  EXPECT_EQ(escaped->authorization, raw->authorization);
}

TEST_F(SigV4SignerTest, HeaderNamesAreLowerCasedAndValuesTrimmedAndCollapsed) {
  const auto signature =
      signWith(lambda_, "POST", "/", "",
               {{"X-Amz-Log-Type", "  Tail \t "}, {"My-Header", " \"a   b \t c\" "}},
               exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 4), "my-header:\"a b c\"");
  EXPECT_EQ(creqLine(*signature, 6), "x-amz-log-type:Tail");
}

TEST_F(SigV4SignerTest, RepeatedHeadersAreJoinedInArrivalOrder) {
  const auto signature =
      signWith(lambda_, "GET", "/", "", {{"My-Header", "z"}, {"my-header", " a "}},
               exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(creqLine(*signature, 4), "my-header:z,a");
}

TEST_F(SigV4SignerTest, StringToSignHoldsTheScopeAndTheCanonicalRequestHash) {
  const auto signature =
      signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(signature->amz_date, "20150830T123600Z");
  EXPECT_EQ(signature->string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/lambda/aws4_request\n" +
                sha256Hex(signature->canonical_request));
}

TEST(SigV4KeyTest, DerivesTheSigningKeyOfTheAwsDocumentationExample) {
  const auto key =
      deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");

  ASSERT_TRUE(key.ok()) << key.status();
  std::string hex;
  for (const unsigned char byte : *key) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4HashTest, Sha256HexIsLowerCaseHex) {
  EXPECT_EQ(sha256Hex(""), kEmptyBodyHash);
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(SigV4SignerTest, CachedSigningKeyGivesTheSameSignatureAsAFreshOne) {
  const auto first =
      signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), "20150830T123600Z");
  const auto cached =
      signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), "20150830T123600Z");
  const SigV4Signer fresh("lambda", "us-east-1");
  const auto uncached =
      signWith(fresh, "GET", "/", "", {}, exampleCredentials(), "20150830T123600Z");

  ASSERT_TRUE(first.ok() && cached.ok() && uncached.ok());
  EXPECT_EQ(lambda_.cachedKeyCount(), 1u);
  EXPECT_EQ(first->authorization, cached->authorization);
  EXPECT_EQ(cached->authorization, uncached->authorization);
}

TEST_F(SigV4SignerTest, KeyCacheKeepsOnlyTheNewestDay) {
  Credentials other = exampleCredentials();
  other.secret_access_key = "another-secret";
  const auto day_one =
      signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), "20150830T235959Z");
  ASSERT_TRUE(signWith(lambda_, "GET", "/", "", {}, other, "20150830T235959Z").ok());
  EXPECT_EQ(lambda_.cachedKeyCount(), 2u);

  ASSERT_TRUE(signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), "20150831T000000Z").ok());
  EXPECT_EQ(lambda_.cachedKeyCount(), 1u);

  // A thread still holding yesterday's time signs correctly without bringing yesterday back.
  const auto late = signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), "20150830T235959Z");
  ASSERT_TRUE(day_one.ok() && late.ok());
  EXPECT_EQ(late->authorization, day_one->authorization);
  EXPECT_EQ(lambda_.cachedKeyCount(), 1u);
}

TEST_F(SigV4SignerTest, KeyCacheStaysBoundedWithManySecrets) {
  Credentials credentials = exampleCredentials();
  for (int i = 0; i < 100; ++i) {
    credentials.secret_access_key = "secret-" + std::to_string(i);
    ASSERT_TRUE(signWith(lambda_, "GET", "/", "", {}, credentials, "20150830T123600Z").ok());
  }
  EXPECT_LE(lambda_.cachedKeyCount(), 32u);
}

TEST_F(SigV4SignerTest, ConcurrentSignersAgree) {
  const auto expected = signWith(SigV4Signer("lambda", "us-east-1"), "GET", "/", "", {},
                                 exampleCredentials(), "20150830T123600Z");
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string amz_date = i % 2 == 0 ? "20150830T123600Z" : "20150831T000000Z";
        const auto signature =
            signWith(lambda_, "GET", "/", "", {}, exampleCredentials(), amz_date);
        if (i % 2 == 0 &&
            (!signature.ok() || signature->authorization != expected->authorization)) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(UriEncodeTest, KeepsUnreservedAndEscapesTheRestWithUpperCaseHex) {
  EXPECT_EQ(uriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(uriEncode("a b/c%3A\xE1\x88\xB4", false), "a%20b%2Fc%253A%E1%88%B4");
  EXPECT_EQ(uriEncode("/a b/", true), "/a%20b/");
}

TEST(UriEncodeTest, DecodesOnlyWellFormedEscapes) {
  EXPECT_EQ(uriDecode("%24LATEST%2f"), "$LATEST/");
  EXPECT_EQ(uriDecode("100%"), "100%");
  EXPECT_EQ(uriDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(uriDecode("a+b"), "a+b");
}

TEST(UriEncodeTest, NormalisesDotAndEmptySegments) {
  EXPECT_EQ(normalizePath(""), "/");
  EXPECT_EQ(normalizePath("/"), "/");
  EXPECT_EQ(normalizePath("//example//"), "/example/");
  EXPECT_EQ(normalizePath("/example/.."), "/");
  EXPECT_EQ(normalizePath("/example1/example2/../.."), "/");
  EXPECT_EQ(normalizePath("/./example"), "/example");
  EXPECT_EQ(normalizePath("/a/b/.."), "/a/");
  EXPECT_EQ(normalizePath("/../a"), "/a");
}

}  // namespace
}  // namespace portico::aws
