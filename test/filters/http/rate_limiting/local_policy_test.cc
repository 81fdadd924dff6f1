#include "source/filters/http/rate_limiting/local_policy.h"

#include "gtest/gtest.h"
#include "test/filters/http/rate_limiting/fake_clock.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kMinuteStart = 1773578040000;  // 2026-03-15 12:34:00 UTC

RateLimitConfig minuteLimit(double limit) {
  RateLimitConfig config;
  config.limits = {Limit{Period::kMinute, limit}};
  config.route_scope = "route-1";
  config.service_scope = kNullUuid;
  return config;
}

class LocalPolicyTest : public testing::Test {
 protected:
  Decision evaluate(const RateLimitConfig& config, int64_t now_ms, const char* id = "1.2.3.4") {
    absl::StatusOr<Decision> decision = evaluateLocal(config, table_, id, now_ms);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return *decision;
  }

  LocalCounterTable table_{1 << 12};
};

TEST_F(LocalPolicyTest, AdmitsTheLimitThenRejectsUntilTheWindowEnds) {
  const RateLimitConfig config = minuteLimit(3);
  for (int i = 0; i < 3; ++i) {
    const Decision decision = evaluate(config, kMinuteStart + 1000 * i);
    EXPECT_FALSE(decision.exceeded);
    EXPECT_EQ(decision.usages[0].usage, i);
    EXPECT_EQ(decision.usages[0].window_start_ms, kMinuteStart);
  }
  EXPECT_TRUE(evaluate(config, kMinuteStart + 59999).exceeded);
  // The next UTC minute starts from zero.
  const Decision next = evaluate(config, kMinuteStart + 60000);
  EXPECT_FALSE(next.exceeded);
  EXPECT_EQ(next.usages[0].usage, 0);
}

TEST_F(LocalPolicyTest, RejectedRequestsAreNotCounted) {
  const RateLimitConfig config = minuteLimit(1);
  evaluate(config, kMinuteStart);
  evaluate(config, kMinuteStart);
  evaluate(config, kMinuteStart);
  EXPECT_EQ(table_.read("ratelimit:route-1:" + std::string(kNullUuid) +
                        ":1.2.3.4:" + std::to_string(kMinuteStart) + ":minute"),
            1);
}

TEST_F(LocalPolicyTest, IdentifiersHaveTheirOwnCounters) {
  const RateLimitConfig config = minuteLimit(1);
  EXPECT_FALSE(evaluate(config, kMinuteStart, "a").exceeded);
  EXPECT_TRUE(evaluate(config, kMinuteStart, "a").exceeded);
  EXPECT_FALSE(evaluate(config, kMinuteStart, "b").exceeded);
}

TEST_F(LocalPolicyTest, ARequestRejectedByOnePeriodRaisesNoOther) {
  RateLimitConfig config = minuteLimit(2);
  config.limits.push_back(Limit{Period::kHour, 100});
  evaluate(config, kMinuteStart);
  evaluate(config, kMinuteStart);
  const Decision rejected = evaluate(config, kMinuteStart);
  ASSERT_TRUE(rejected.exceeded);
  EXPECT_EQ(*rejected.exceeded, 0u);
  EXPECT_EQ(rejected.usages[1].usage, 2);
  // The next minute: the hour saw exactly the two admitted requests.
  const Decision next = evaluate(config, kMinuteStart + 60000);
  EXPECT_EQ(next.usages[1].usage, 2);
}

TEST_F(LocalPolicyTest, ALongerPeriodCanRejectWhileTheShorterHasRoom) {
  RateLimitConfig config;
  config.limits = {Limit{Period::kSecond, 5}, Limit{Period::kMinute, 2}};
  config.route_scope = config.service_scope = kNullUuid;
  evaluate(config, kMinuteStart);
  evaluate(config, kMinuteStart + 1000);
  const Decision rejected = evaluate(config, kMinuteStart + 2000);
  ASSERT_TRUE(rejected.exceeded);
  EXPECT_EQ(*rejected.exceeded, 1u);
  EXPECT_EQ(rejected.usages[0].usage, 0);  // the second's increment was taken back
}

TEST_F(LocalPolicyTest, ScopesSeparateCounters) {
  RateLimitConfig a = minuteLimit(1);
  RateLimitConfig b = minuteLimit(1);
  b.route_scope = "route-2";
  EXPECT_FALSE(evaluate(a, kMinuteStart).exceeded);
  EXPECT_FALSE(evaluate(b, kMinuteStart).exceeded);
  EXPECT_TRUE(evaluate(a, kMinuteStart).exceeded);
}

TEST_F(LocalPolicyTest, FixedWindowsAllowABurstAcrossTheBoundary) {
  const RateLimitConfig config = minuteLimit(10);
  int admitted = 0;
  for (int i = 0; i < 20; ++i) {
    admitted += evaluate(config, kMinuteStart + 59000).exceeded ? 0 : 1;
    admitted += evaluate(config, kMinuteStart + 61000).exceeded ? 0 : 1;
  }
  EXPECT_EQ(admitted, 20);
}

TEST_F(LocalPolicyTest, SlidingWindowsCarryThePreviousWindowOver) {
  RateLimitConfig config = minuteLimit(10);
  config.window_type = WindowType::kSliding;
  int admitted = 0;
  for (int i = 0; i < 20; ++i) {
    admitted += evaluate(config, kMinuteStart + 59000).exceeded ? 0 : 1;
  }
  EXPECT_EQ(admitted, 10);
  // One second into the next minute the previous 10 still weigh 59/60 (9.83): one more fits.
  EXPECT_FALSE(evaluate(config, kMinuteStart + 61000).exceeded);
  EXPECT_TRUE(evaluate(config, kMinuteStart + 61000).exceeded);
  // Half way through, 5 of them still count, plus the one admitted: 4 more fit.
  admitted = 0;
  for (int i = 0; i < 10; ++i) {
    admitted += evaluate(config, kMinuteStart + 90000).exceeded ? 0 : 1;
  }
  EXPECT_EQ(admitted, 4);
  const Decision late = evaluate(config, kMinuteStart + 90000);
  EXPECT_DOUBLE_EQ(late.usages[0].usage, 10.0);
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
