#include "source/server/admin/bearer_token.h"

#include "gtest/gtest.h"

namespace portico::server::admin {
namespace {

http::HeaderMap withAuthorization(const std::string& value) {
  http::HeaderMap headers;
  headers.add("Authorization", value);
  return headers;
}

TEST(BearerTokenTest, TheExactTokenMatches) {
  EXPECT_TRUE(bearerTokenMatches(withAuthorization("Bearer s3cret"), "s3cret"));
}

TEST(BearerTokenTest, TheSchemeIsCaseInsensitiveAndSurroundingSpaceIgnored) {
  EXPECT_TRUE(bearerTokenMatches(withAuthorization("bearer   s3cret "), "s3cret"));
  EXPECT_TRUE(bearerTokenMatches(withAuthorization("BEARER s3cret"), "s3cret"));
}

TEST(BearerTokenTest, AnotherTokenAPrefixOrAnExtensionDoesNotMatch) {
  for (const char* value :
       {"Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Bearer ", "Bearer", ""}) {
    EXPECT_FALSE(bearerTokenMatches(withAuthorization(value), "s3cret")) << value;
  }
}

TEST(BearerTokenTest, OtherSchemesDoNotMatch) {
  EXPECT_FALSE(bearerTokenMatches(withAuthorization("Basic s3cret"), "s3cret"));
  EXPECT_FALSE(bearerTokenMatches(withAuthorization("s3cret"), "s3cret"));
}

TEST(BearerTokenTest, AMissingOrRepeatedHeaderDoesNotMatch) {
  EXPECT_FALSE(bearerTokenMatches(http::HeaderMap(), "s3cret"));
  http::HeaderMap twice = withAuthorization("Bearer s3cret");
  twice.add("Authorization", "Bearer s3cret");
  EXPECT_FALSE(bearerTokenMatches(twice, "s3cret"));
}

TEST(BearerTokenTest, AnEmptyExpectedTokenNeverMatches) {
  EXPECT_FALSE(bearerTokenMatches(withAuthorization("Bearer "), ""));
}

}  // namespace
}  // namespace portico::server::admin
