#include "source/filters/http/jwt/verified_token_cache.h"

#include <thread>

#include "gtest/gtest.h"
#include "test/filters/http/jwt/test_tokens.h"

namespace portico::filters::http::jwt {
namespace {

constexpr int64_t kNow = 1'700'000'000;

TokenConstSharedPtr tokenWithClaims(nlohmann::json claims) {
  auto token = std::make_shared<Token>();
  token->claims = std::move(claims);
  return token;
}

class VerifiedTokenCacheTest : public ::testing::Test {
 protected:
  PublicKeySharedPtr key_ = testing::generateKey("P-256");
  TokenConstSharedPtr token_ = tokenWithClaims({{"iss", "k"}});
};

TEST_F(VerifiedTokenCacheTest, GivesBackTheDecodedTokenAndItsKey) {
  VerifiedTokenCache cache;
  EXPECT_EQ(cache.find("t", kNow), nullptr);
  cache.insert("t", token_, key_);
  VerifiedTokenCache::Entry* entry = cache.find("t", kNow);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->token, token_);
  EXPECT_EQ(entry->verified_under, key_);
  EXPECT_EQ(cache.find("u", kNow), nullptr);
}

TEST_F(VerifiedTokenCacheTest, AnHmacTokenIsCachedWithItsSecretIdAndNoKey) {
  VerifiedTokenCache cache;
  cache.insert("t", token_, nullptr, 42);
  ASSERT_NE(cache.find("t", kNow), nullptr);
  EXPECT_EQ(cache.find("t", kNow)->verified_under, nullptr);
  EXPECT_EQ(cache.find("t", kNow)->verified_secret, 42u);
}

TEST_F(VerifiedTokenCacheTest, NeverAnswersAtOrAfterExp) {
  VerifiedTokenCache cache;
  cache.insert("t", tokenWithClaims({{"exp", kNow + 10}}), key_);
  EXPECT_NE(cache.find("t", kNow + 9), nullptr);
  EXPECT_EQ(cache.find("t", kNow + 10), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(VerifiedTokenCacheTest, AnExpThatIsNotANumberSetsNoDeadline) {
  VerifiedTokenCache cache;
  cache.insert("t", tokenWithClaims({{"exp", "soon"}}), key_);
  EXPECT_NE(cache.find("t", kNow + 1'000'000), nullptr);
}

TEST_F(VerifiedTokenCacheTest, EvictsTheLeastRecentlyUsedWhenFull) {
  VerifiedTokenCache cache(2);
  cache.insert("a", token_, key_);
  cache.insert("b", token_, key_);
  EXPECT_NE(cache.find("a", kNow), nullptr);
  cache.insert("c", token_, key_);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find("a", kNow), nullptr);
  EXPECT_EQ(cache.find("b", kNow), nullptr);
  EXPECT_NE(cache.find("c", kNow), nullptr);
}

TEST_F(VerifiedTokenCacheTest, InsertingAgainReplacesTheEntry) {
  VerifiedTokenCache cache;
  cache.insert("t", token_, nullptr);
  cache.insert("t", token_, key_);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("t", kNow)->verified_under, key_);
}

TEST_F(VerifiedTokenCacheTest, AdmitsATokenOnItsSecondSighting) {
  VerifiedTokenCache cache;
  EXPECT_FALSE(cache.admit("t"));
  EXPECT_FALSE(cache.admit("u"));
  EXPECT_TRUE(cache.admit("t"));
  EXPECT_TRUE(cache.admit("t"));
  EXPECT_TRUE(cache.admit("u"));
}

TEST_F(VerifiedTokenCacheTest, ATokenSeenLongAgoIsForgotten) {
  VerifiedTokenCache cache(1);
  EXPECT_FALSE(cache.admit("t"));
  EXPECT_FALSE(cache.admit("u"));
  EXPECT_FALSE(cache.admit("t"));
}

TEST_F(VerifiedTokenCacheTest, ACapacityOfZeroCachesNothing) {
  VerifiedTokenCache cache(0);
  cache.insert("t", token_, key_);
  EXPECT_EQ(cache.find("t", kNow), nullptr);
}

TEST_F(VerifiedTokenCacheTest, KeepsTheKeyAliveSoItsAddressCannotBeReused) {
  VerifiedTokenCache cache;
  PublicKeySharedPtr key = testing::generateKey("P-256");
  const EVP_PKEY* address = key.get();
  cache.insert("t", token_, std::move(key));
  const PublicKeySharedPtr& held = cache.find("t", kNow)->verified_under;
  EXPECT_EQ(held.get(), address);
  EXPECT_EQ(held.use_count(), 1);
}

TEST_F(VerifiedTokenCacheTest, EachThreadHasItsOwnCache) {
  VerifiedTokenCache::forThisThread().insert("t", token_, key_);
  bool seen_elsewhere = true;
  std::thread([&] {
    seen_elsewhere = VerifiedTokenCache::forThisThread().find("t", kNow) != nullptr;
  }).join();
  EXPECT_FALSE(seen_elsewhere);
  EXPECT_NE(VerifiedTokenCache::forThisThread().find("t", kNow), nullptr);
}

}  // namespace
}  // namespace portico::filters::http::jwt
