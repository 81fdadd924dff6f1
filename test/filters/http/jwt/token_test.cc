#include "source/filters/http/jwt/token.h"

#include "gtest/gtest.h"
#include "source/filters/http/jwt/base64url.h"
#include "test/filters/http/jwt/test_tokens.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;
using testing::base64Url;

std::string segment(const std::string& text) { return base64Url(text); }

TokenError errorOf(const std::string& raw) {
  auto parsed = parseToken(raw);
  EXPECT_TRUE(std::holds_alternative<TokenError>(parsed)) << raw;
  return std::holds_alternative<TokenError>(parsed) ? std::get<TokenError>(parsed)
                                                    : TokenError::kInvalidJson;
}

TEST(Base64UrlTest, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(decodeBase64Url("YQ"), "a");
  EXPECT_EQ(decodeBase64Url("YQ=="), "a");
  EXPECT_EQ(decodeBase64Url("YWI"), "ab");
  EXPECT_EQ(decodeBase64Url(""), "");
  EXPECT_EQ(decodeBase64Url("-_8"), std::string("\xfb\xff", 2));
}

TEST(Base64UrlTest, RejectsTheStandardAlphabetAndJunk) {
  EXPECT_FALSE(decodeBase64Url("+/8"));
  EXPECT_FALSE(decodeBase64Url("YQ=a"));
  EXPECT_FALSE(decodeBase64Url("Y"));
  EXPECT_FALSE(decodeBase64Url("YQ.x"));
  EXPECT_FALSE(decodeBase64Url("Y Q"));
}

TEST(TokenTest, SplitsAndDecodesAValidToken) {
  const std::string raw = testing::mintHmac(Algorithm::kHS256, "s", {{"iss", "k"}});
  auto parsed = parseToken(raw);
  ASSERT_TRUE(std::holds_alternative<Token>(parsed));
  const Token& token = std::get<Token>(parsed);
  EXPECT_EQ(token.algorithm, Algorithm::kHS256);
  EXPECT_EQ(token.claims, json({{"iss", "k"}}));
  EXPECT_EQ(token.header["typ"], "JWT");
  EXPECT_EQ(token.signing_input, raw.substr(0, raw.rfind('.')));
  EXPECT_EQ(token.signature.size(), 32u);
}

TEST(TokenTest, FewerThanThreePartsIsInvalidJson) {
  EXPECT_EQ(errorOf("X"), TokenError::kInvalidJson);
  EXPECT_EQ(errorOf(segment(R"({"alg":"HS256"})") + "." + segment("{}")), TokenError::kInvalidJson);
}

TEST(TokenTest, HeaderOrClaimsThatAreNotBase64UrlJsonObjectsAreInvalidJson) {
  const std::string header = segment(R"({"alg":"HS256"})");
  EXPECT_EQ(errorOf(header + ".!!!.sig"), TokenError::kInvalidJson);
  EXPECT_EQ(errorOf(segment("not json") + "." + segment("{}") + ".sig"), TokenError::kInvalidJson);
  EXPECT_EQ(errorOf(header + "." + segment("[1,2]") + ".sig"), TokenError::kInvalidJson);
  EXPECT_EQ(errorOf(segment("null") + "." + segment("{}") + ".sig"), TokenError::kInvalidJson);
}

// Kong#13356: `+`/`/` (standard base64) in a segment is not base64url.
TEST(TokenTest, StandardBase64SegmentsAreInvalidJson) {
  std::string claims = segment(R"({"x":"???>>>"})");
  ASSERT_NE(claims.find_first_of("-_"), std::string::npos);
  for (char& c : claims) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  EXPECT_EQ(errorOf(segment(R"({"alg":"HS256"})") + "." + claims + ".sig"),
            TokenError::kInvalidJson);
}

TEST(TokenTest, MissingUnknownNoneOrNonStringAlgIsInvalidAlg) {
  for (const char* header : {R"({})", R"({"alg":"none"})", R"({"alg":"foo"})", R"({"alg":null})",
                             R"({"alg":256})", R"({"alg":"hs256"})"}) {
    EXPECT_EQ(errorOf(segment(header) + "." + segment("{}") + ".c2ln"), TokenError::kInvalidAlg)
        << header;
  }
}

TEST(TokenTest, AFourthPartMakesTheSignatureInvalid) {
  const std::string raw = testing::mintHmac(Algorithm::kHS256, "s", {{"iss", "k"}}) + ".extra";
  EXPECT_EQ(errorOf(raw), TokenError::kInvalidSignature);
}

TEST(TokenTest, AnEmptySignatureParses) {
  auto parsed = parseToken(segment(R"({"alg":"HS256"})") + "." + segment("{}") + ".");
  ASSERT_TRUE(std::holds_alternative<Token>(parsed));
  EXPECT_TRUE(std::get<Token>(parsed).signature.empty());
}

TEST(TokenTest, ErrorTextsAreKongs) {
  EXPECT_EQ(tokenErrorText(TokenError::kInvalidJson), "invalid JSON");
  EXPECT_EQ(tokenErrorText(TokenError::kInvalidAlg), "invalid alg");
  EXPECT_EQ(tokenErrorText(TokenError::kInvalidSignature), "invalid signature");
}

}  // namespace
}  // namespace portico::filters::http::jwt
