#include "source/filters/http/rate_limiting/synced_counters.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test/filters/http/rate_limiting/fake_clock.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kMinuteStart = 1773578040000;  // 2026-03-15 12:34:00 UTC

class SyncedCountersTest : public testing::Test {
 protected:
  SyncedCountersTest() {
    config_.limits = {Limit{Period::kMinute, 3}};
    config_.route_scope = "route-1";
    config_.service_scope = kNullUuid;
    config_.policy = Policy::kRedis;
    config_.sync_rate = 1;
  }

  SyncPlan plan(int64_t now_ms = kMinuteStart + 100) {
    return makeSyncPlan(config_, "1.2.3.4", now_ms);
  }

  // Learns every key of the plan with `total`, as a read from Redis would.
  void learnAll(const SyncPlan& plan, int64_t total) {
    for (const SyncPlan::Counter& counter : plan.periods) {
      counters_.learn(counter.key, total, counter.local_expires_at_ms, counter.redis_expires_at_ms);
      if (!counter.previous_key.empty()) {
        counters_.learn(counter.previous_key, total, counter.local_expires_at_ms,
                        counter.redis_expires_at_ms);
      }
    }
  }

  RateLimitConfig config_;
  SyncedCounters counters_;
};

TEST_F(SyncedCountersTest, AKeyWithoutALocalViewMustBeReadFirst) {
  const SyncedCounters::Admission admission = counters_.admit(plan());
  EXPECT_FALSE(admission.decision.has_value());
  EXPECT_EQ(counters_.size(), 0u);
}

TEST_F(SyncedCountersTest, JudgesFromRedisTotalPlusLocalRequestsAndCountsOnlyAdmitted) {
  const SyncPlan request = plan();
  learnAll(request, 1);
  for (int expected_usage = 1; expected_usage < 3; ++expected_usage) {
    const SyncedCounters::Admission admission = counters_.admit(request);
    ASSERT_TRUE(admission.decision.has_value());
    EXPECT_FALSE(admission.decision->exceeded);
    EXPECT_EQ(admission.decision->usages[0].usage, expected_usage);
  }
  const SyncedCounters::Admission rejected = counters_.admit(request);
  ASSERT_TRUE(rejected.decision.has_value());
  EXPECT_TRUE(rejected.decision->exceeded);
  EXPECT_EQ(rejected.decision->usages[0].usage, 3);
  EXPECT_EQ(counters_.view(request.periods[0].key), 3);  // the rejection did not count
}

TEST_F(SyncedCountersTest, OnlyTheFirstCallerArmsTheFlush) {
  const SyncPlan request = plan();
  EXPECT_TRUE(counters_.learn(request.periods[0].key, 0, request.periods[0].local_expires_at_ms,
                              request.periods[0].redis_expires_at_ms));
  EXPECT_FALSE(counters_.admit(request).arm_flush);
  EXPECT_FALSE(counters_.admit(request).arm_flush);
}

TEST_F(SyncedCountersTest, FlushSendsDeltasAndTakesRedisTotalsWhichIncludeOtherGateways) {
  const SyncPlan request = plan();
  learnAll(request, 0);
  counters_.admit(request);
  counters_.admit(request);
  std::vector<SyncedCounters::FlushItem> items = counters_.beginFlush(kMinuteStart + 200);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].key, request.periods[0].key);
  EXPECT_EQ(items[0].delta, 2);
  EXPECT_EQ(items[0].redis_expires_at_ms, kMinuteStart + 60000);
  // A request while the flush is in flight counts on top of the deltas being sent.
  counters_.admit(request);
  EXPECT_EQ(counters_.view(request.periods[0].key), 3);
  // Redis answers 3: our 2 plus 1 from another gateway.
  EXPECT_TRUE(counters_.endFlush(items, {3}));
  EXPECT_EQ(counters_.view(request.periods[0].key), 4);
  EXPECT_TRUE(counters_.admit(request).decision->exceeded);
  items = counters_.beginFlush(kMinuteStart + 300);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].delta, 1);
}

TEST_F(SyncedCountersTest, AFailedFlushKeepsItsDeltasForTheNextOne) {
  const SyncPlan request = plan();
  learnAll(request, 0);
  counters_.admit(request);
  std::vector<SyncedCounters::FlushItem> items = counters_.beginFlush(kMinuteStart + 200);
  EXPECT_TRUE(counters_.endFlush(items, {std::nullopt}));
  EXPECT_EQ(counters_.view(request.periods[0].key), 1);
  counters_.admit(request);
  items = counters_.beginFlush(kMinuteStart + 300);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].delta, 2);
}

TEST_F(SyncedCountersTest, AKeyUnusedForAWholeIntervalIsDroppedAndTheFlushStops) {
  const SyncPlan request = plan();
  learnAll(request, 0);
  counters_.admit(request);
  std::vector<SyncedCounters::FlushItem> items = counters_.beginFlush(kMinuteStart + 200);
  EXPECT_TRUE(counters_.endFlush(items, {1}));
  // Nothing happened since: the view is dropped instead of being read back.
  EXPECT_TRUE(counters_.beginFlush(kMinuteStart + 1200).empty());
  EXPECT_EQ(counters_.size(), 0u);
  EXPECT_FALSE(counters_.admit(request).decision.has_value());
  // No flush is scheduled any more: the next learner arms one.
  EXPECT_TRUE(counters_.learn(request.periods[0].key, 1, request.periods[0].local_expires_at_ms,
                              request.periods[0].redis_expires_at_ms));
}

TEST_F(SyncedCountersTest, AUsedKeyWithoutDeltaIsReadBack) {
  const SyncPlan request = plan();
  learnAll(request, 5);
  EXPECT_TRUE(counters_.admit(request).decision->exceeded);
  std::vector<SyncedCounters::FlushItem> items = counters_.beginFlush(kMinuteStart + 200);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].delta, 0);
  counters_.endFlush(items, {1});  // the window's key was reset meanwhile
  EXPECT_FALSE(counters_.admit(request).decision->exceeded);
}

TEST_F(SyncedCountersTest, ExpiredViewsAreDroppedOnceFlushed) {
  const SyncPlan request = plan();
  learnAll(request, 0);
  counters_.admit(request);
  const int64_t after = request.periods[0].local_expires_at_ms + 1;
  std::vector<SyncedCounters::FlushItem> items = counters_.beginFlush(after);
  ASSERT_EQ(items.size(), 1u);  // its delta still goes to Redis
  counters_.endFlush(items, {1});
  EXPECT_TRUE(counters_.beginFlush(after).empty());
}

TEST_F(SyncedCountersTest, SlidingWindowsWeighThePreviousWindow) {
  config_.window_type = WindowType::kSliding;
  config_.limits = {Limit{Period::kMinute, 10}};
  const SyncPlan request = plan(kMinuteStart + 30000);  // half of the previous minute overlaps
  ASSERT_EQ(request.keys().size(), 2u);
  counters_.learn(request.periods[0].key, 2, 0, 0);
  counters_.learn(request.periods[0].previous_key, 10, 0, 0);
  const SyncedCounters::Admission admission = counters_.admit(request);
  EXPECT_DOUBLE_EQ(admission.decision->usages[0].usage, 7);
  EXPECT_FALSE(admission.decision->exceeded);
  counters_.admit(request);
  counters_.admit(request);
  EXPECT_TRUE(counters_.admit(request).decision->exceeded);
  EXPECT_EQ(counters_.view(request.periods[0].previous_key), 10);
}

TEST_F(SyncedCountersTest, ARejectionByOnePeriodCountsInNone) {
  config_.limits = {Limit{Period::kSecond, 1}, Limit{Period::kMinute, 10}};
  const SyncPlan request = plan();
  learnAll(request, 0);
  EXPECT_FALSE(counters_.admit(request).decision->exceeded);
  const SyncedCounters::Admission rejected = counters_.admit(request);
  EXPECT_EQ(rejected.decision->exceeded, 0u);
  EXPECT_EQ(counters_.view(request.periods[1].key), 1);
}

TEST_F(SyncedCountersTest, OneInstancePerEndpointAndSyncRate) {
  SyncedCounters& first = SyncedCounters::forEndpoint("redis-a", 1);
  EXPECT_EQ(&first, &SyncedCounters::forEndpoint("redis-a", 1));
  EXPECT_NE(&first, &SyncedCounters::forEndpoint("redis-a", 2));
  EXPECT_NE(&first, &SyncedCounters::forEndpoint("redis-b", 1));
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
