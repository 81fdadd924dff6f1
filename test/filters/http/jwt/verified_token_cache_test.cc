#include "source/filters/http/jwt/verified_token_cache.h"

#include <thread>

#include "gtest/gtest.h"
#include "test/filters/http/jwt/test_tokens.h"

namespace portico::filters::http::jwt {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class VerifiedTokenCacheTest : public ::testing::Test {
 protected:
  PublicKeySharedPtr key_ = testing::generateKey("P-256");
  PublicKeySharedPtr other_key_ = testing::generateKey("P-256");
};

TEST_F(VerifiedTokenCacheTest, RemembersATokenUnderItsKeyOnly) {
  VerifiedTokenCache cache;
  EXPECT_FALSE(cache.contains("t", key_.get(), kNow));
  cache.insert("t", key_, std::nullopt);
  EXPECT_TRUE(cache.contains("t", key_.get(), kNow));
  EXPECT_FALSE(cache.contains("t", other_key_.get(), kNow));
  EXPECT_FALSE(cache.contains("u", key_.get(), kNow));
}

TEST_F(VerifiedTokenCacheTest, NeverAnswersAtOrAfterExp) {
  VerifiedTokenCache cache;
  cache.insert("t", key_, kNow + 10);
  EXPECT_TRUE(cache.contains("t", key_.get(), kNow + 9));
  EXPECT_FALSE(cache.contains("t", key_.get(), kNow + 10));
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(VerifiedTokenCacheTest, EvictsTheLeastRecentlyUsedWhenFull) {
  VerifiedTokenCache cache(2);
  cache.insert("a", key_, std::nullopt);
  cache.insert("b", key_, std::nullopt);
  EXPECT_TRUE(cache.contains("a", key_.get(), kNow));
  cache.insert("c", key_, std::nullopt);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.contains("a", key_.get(), kNow));
  EXPECT_FALSE(cache.contains("b", key_.get(), kNow));
  EXPECT_TRUE(cache.contains("c", key_.get(), kNow));
}

TEST_F(VerifiedTokenCacheTest, KeepsTheKeyAliveSoItsAddressCannotBeReused) {
  VerifiedTokenCache cache;
  PublicKeySharedPtr key = testing::generateKey("P-256");
  const EVP_PKEY* address = key.get();
  cache.insert("t", std::move(key), std::nullopt);
  EXPECT_TRUE(cache.contains("t", address, kNow));
}

TEST_F(VerifiedTokenCacheTest, EachThreadHasItsOwnCache) {
  VerifiedTokenCache::forThisThread().insert("t", key_, std::nullopt);
  bool seen_elsewhere = true;
  std::thread([&] {
    seen_elsewhere = VerifiedTokenCache::forThisThread().contains("t", key_.get(), kNow);
  }).join();
  EXPECT_FALSE(seen_elsewhere);
  EXPECT_TRUE(VerifiedTokenCache::forThisThread().contains("t", key_.get(), kNow));
}

}  // namespace
}  // namespace portico::filters::http::jwt
