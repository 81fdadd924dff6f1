#include "source/filters/http/jwt/token_extractor.h"

#include "gtest/gtest.h"
#include "re2/re2.h"

namespace portico::filters::http::jwt {
namespace {

using Kind = ExtractedToken::Kind;

class TokenExtractorTest : public ::testing::Test {
 protected:
  ExtractedToken extract(std::string_view query = "") const {
    return extractor_.extract(headers_, query);
  }

  TokenExtractor extractor_{TokenSources{{"jwt", "token"}, {"crumble"}, {"authorization"}}};
  portico::http::HeaderMap headers_;
};

TEST_F(TokenExtractorTest, NothingIsNoToken) { EXPECT_EQ(extract().kind, Kind::kNone); }

TEST_F(TokenExtractorTest, ReadsQueryParameters) {
  ExtractedToken token = extract("a=1&token=abc");
  EXPECT_EQ(token.kind, Kind::kOne);
  EXPECT_EQ(token.token, "abc");
}

TEST_F(TokenExtractorTest, DecodesQueryValues) { EXPECT_EQ(extract("jwt=a%2Eb+c").token, "a.b c"); }

TEST_F(TokenExtractorTest, EmptyValuesAreIgnored) {
  EXPECT_EQ(extract("jwt=&token=").kind, Kind::kNone);
}

TEST_F(TokenExtractorTest, RepeatedDistinctValuesAreMultipleTokens) {
  EXPECT_EQ(extract("jwt=a&jwt=b").kind, Kind::kMultiple);
  EXPECT_EQ(extract("jwt=a&jwt=a&token=a").kind, Kind::kOne);
}

TEST_F(TokenExtractorTest, AValuelessParameterIsUnrecognizable) {
  EXPECT_EQ(extract("jwt").kind, Kind::kUnrecognizable);
  EXPECT_EQ(extract("jwt&token=a").kind, Kind::kMultiple);
}

TEST_F(TokenExtractorTest, ReadsNamedCookies) {
  headers_.add("Cookie", "other=x; crumble=abc; path=/;domain=.test");
  EXPECT_EQ(extract().token, "abc");
}

TEST_F(TokenExtractorTest, ReadsBearerFromTheFirstHeaderLineOnly) {
  headers_.add("Authorization", "Bearer first");
  headers_.add("Authorization", "Bearer second");
  ExtractedToken token = extract();
  EXPECT_EQ(token.kind, Kind::kOne);
  EXPECT_EQ(token.token, "first");
}

TEST_F(TokenExtractorTest, BearerMatchIsUnanchoredAndAcceptsLowerCaseB) {
  headers_.add("authorization", "xbearer   tok");
  EXPECT_EQ(extract().token, "tok");
}

TEST_F(TokenExtractorTest, OtherSchemesAndUpperCaseBearerYieldNothing) {
  headers_.add("Authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(extract().kind, Kind::kNone);
  headers_.set("Authorization", "BEARER tok");
  EXPECT_EQ(extract().kind, Kind::kNone);
  headers_.set("Authorization", "Bearer");
  EXPECT_EQ(extract().kind, Kind::kNone);
}

TEST_F(TokenExtractorTest, TheSameTokenInQueryAndHeaderCountsOnce) {
  headers_.add("Authorization", "Bearer abc");
  EXPECT_EQ(extract("jwt=abc").kind, Kind::kOne);
  EXPECT_EQ(extract("jwt=xyz").kind, Kind::kMultiple);
}

TEST(BearerTokenTest, FindsWhatKongsPatternFinds) {
  const RE2 kong(R"(\s*[Bb]earer\s+(.+))");
  for (const char* value :
       {"Bearer abc", "bearer abc", "BEARER abc", "Bearer", "Bearer ", "Bearer  ", "Bearer \t x",
        "Token x, Bearer y", "Bearerx y", "xBearer y", "Bearer\ty", " Bearer  a b ",
        "Bearerbearer z", "bearer Bearer q", "", "Basic Zm9v", "Bearer\t\t"}) {
    std::string expected;
    const bool matched = RE2::PartialMatch(value, kong, &expected);
    const std::optional<std::string_view> found = bearerToken(value);
    ASSERT_EQ(found.has_value(), matched) << "'" << value << "'";
    if (matched) {
      EXPECT_EQ(std::string(*found), expected) << "'" << value << "'";
    }
  }
}

}  // namespace
}  // namespace portico::filters::http::jwt
