#include "source/filters/http/jwt/claims.h"

#include "gtest/gtest.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'700'000'000;

ClaimPolicy verifying(bool exp, bool nbf) {
  ClaimPolicy policy;
  policy.verify_exp = exp;
  policy.verify_nbf = nbf;
  return policy;
}

TEST(RegisteredClaimsTest, NothingIsCheckedByDefault) {
  EXPECT_TRUE(verifyRegisteredClaims({{"exp", kNow - 100}}, ClaimPolicy(), kNow).is_null());
}

TEST(RegisteredClaimsTest, MissingOrNonNumericClaimsMustBeNumbersAndErrorsAreCollected) {
  EXPECT_EQ(verifyRegisteredClaims(json::object(), verifying(true, true), kNow),
            json({{"exp", "must be a number"}, {"nbf", "must be a number"}}));
  EXPECT_EQ(verifyRegisteredClaims({{"exp", "9999999999"}}, verifying(true, false), kNow),
            json({{"exp", "must be a number"}}));
}

TEST(RegisteredClaimsTest, ExpEqualToNowIsExpired) {
  EXPECT_EQ(verifyRegisteredClaims({{"exp", kNow}}, verifying(true, false), kNow),
            json({{"exp", "token expired"}}));
  EXPECT_TRUE(verifyRegisteredClaims({{"exp", kNow + 1}}, verifying(true, false), kNow).is_null());
}

TEST(RegisteredClaimsTest, NbfInTheFutureIsNotValidYet) {
  EXPECT_EQ(verifyRegisteredClaims({{"nbf", kNow + 1}}, verifying(false, true), kNow),
            json({{"nbf", "token not valid yet"}}));
  EXPECT_TRUE(verifyRegisteredClaims({{"nbf", kNow}}, verifying(false, true), kNow).is_null());
}

TEST(RegisteredClaimsTest, LeewayForgivesSmallClockSkew) {
  ClaimPolicy policy = verifying(true, true);
  policy.leeway = 30;
  EXPECT_TRUE(
      verifyRegisteredClaims({{"exp", kNow - 29}, {"nbf", kNow + 30}}, policy, kNow).is_null());
  EXPECT_EQ(verifyRegisteredClaims({{"exp", kNow - 30}, {"nbf", kNow + 31}}, policy, kNow),
            json({{"exp", "token expired"}, {"nbf", "token not valid yet"}}));
}

TEST(MaximumExpirationTest, ExpMustExistAndLieWithinTheMaximum) {
  ClaimPolicy policy;
  policy.maximum_expiration = 300;
  const json error = {{"exp", "exceeds maximum allowed expiration"}};
  EXPECT_TRUE(checkMaximumExpiration({{"exp", kNow + 300}}, policy, kNow).is_null());
  EXPECT_EQ(checkMaximumExpiration({{"exp", kNow + 301}}, policy, kNow), error);
  EXPECT_EQ(checkMaximumExpiration(json::object(), policy, kNow), error);
  EXPECT_TRUE(checkMaximumExpiration(json::object(), ClaimPolicy(), kNow).is_null());
}

TEST(ClaimPolicyTest, IssuerMustBeAllowed) {
  ClaimPolicy policy;
  policy.allowed_issuers = {"https://idp.test/"};
  EXPECT_TRUE(checkClaimPolicy({{"iss", "https://idp.test/"}}, policy).is_null());
  EXPECT_EQ(checkClaimPolicy({{"iss", "https://evil.test/"}}, policy),
            json({{"iss", "issuer not allowed"}}));
  EXPECT_EQ(checkClaimPolicy(json::object(), policy), json({{"iss", "issuer not allowed"}}));
}

TEST(ClaimPolicyTest, AudienceStringOrListMustContainAnAllowedOne) {
  ClaimPolicy policy;
  policy.allowed_audiences = {"orders", "users"};
  EXPECT_TRUE(checkClaimPolicy({{"aud", "users"}}, policy).is_null());
  EXPECT_TRUE(checkClaimPolicy({{"aud", {"x", "orders"}}}, policy).is_null());
  EXPECT_EQ(checkClaimPolicy({{"aud", {"x"}}}, policy), json({{"aud", "audience not allowed"}}));
  EXPECT_EQ(checkClaimPolicy(json::object(), policy), json({{"aud", "audience not allowed"}}));
}

TEST(ClaimPolicyTest, RequiredClaimsMustBePresentAndNotNull) {
  ClaimPolicy policy;
  policy.required_claims = {"sub", "scope"};
  EXPECT_TRUE(checkClaimPolicy({{"sub", "a"}, {"scope", ""}}, policy).is_null());
  EXPECT_EQ(checkClaimPolicy({{"sub", nullptr}}, policy),
            json({{"sub", "required claim missing"}, {"scope", "required claim missing"}}));
}

}  // namespace
}  // namespace portico::filters::http::jwt
