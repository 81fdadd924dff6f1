#include "source/filters/http/rate_limiting/cluster_slot.h"

#include "gtest/gtest.h"

namespace portico::filters::http::rate_limiting {
namespace {

TEST(ClusterSlotTest, MatchesRedisKeySlot) {
  // CLUSTER KEYSLOT values from Redis.
  EXPECT_EQ(clusterSlot("foo"), 12182);
  EXPECT_EQ(clusterSlot("bar"), 5061);
  EXPECT_EQ(clusterSlot("hello"), 866);
  EXPECT_EQ(clusterSlot(""), 0);
}

TEST(ClusterSlotTest, KeysWithOneHashTagShareASlot) {
  EXPECT_EQ(clusterSlot("{user1000}.following"), clusterSlot("{user1000}.followers"));
  EXPECT_EQ(clusterSlot("{user1000}.following"), clusterSlot("user1000"));
  EXPECT_EQ(clusterSlot("ratelimit:{r:s:1.2.3.4}:60000:minute"),
            clusterSlot("ratelimit:{r:s:1.2.3.4}:0:hour"));
}

TEST(ClusterSlotTest, OnlyTheFirstNonEmptyBracePairIsATag) {
  EXPECT_NE(clusterSlot("foo{}{bar}"), clusterSlot("bar"));
  EXPECT_EQ(clusterSlot("foo{{bar}}zap"), clusterSlot("{bar"));
  EXPECT_EQ(clusterSlot("foo{bar}{zap}"), clusterSlot("bar"));
  EXPECT_NE(clusterSlot("foo{bar"), clusterSlot("bar"));
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
