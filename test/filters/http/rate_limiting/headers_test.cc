#include "source/filters/http/rate_limiting/headers.h"

#include "gtest/gtest.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kMinuteStart = 1773578040000;

std::string header(const portico::http::HeaderMap& headers, const char* name) {
  const std::string* value = headers.get(name);
  return value != nullptr ? *value : "<absent>";
}

Decision oneMinute(double limit, double usage, bool exceeded = false) {
  Decision decision;
  decision.usages.push_back(PeriodUsage{Period::kMinute, limit, usage, kMinuteStart});
  if (exceeded) {
    decision.exceeded = 0;
  }
  return decision;
}

TEST(HeadersTest, RemainingCountsDownAcrossRequests) {
  // Kong's spec 04-access_spec: 6/minute shows 5,4,3,2,1,0.
  for (int before = 0; before < 6; ++before) {
    const portico::http::HeaderMap headers = rateLimitHeaders(oneMinute(6, before), kMinuteStart);
    EXPECT_EQ(header(headers, "X-RateLimit-Limit-Minute"), "6");
    EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Minute"), std::to_string(5 - before));
    EXPECT_EQ(header(headers, "RateLimit-Limit"), "6");
    EXPECT_EQ(header(headers, "RateLimit-Remaining"), std::to_string(5 - before));
    EXPECT_EQ(header(headers, "Retry-After"), "<absent>");
  }
}

TEST(HeadersTest, RejectionShowsZeroAndRetryAfterEqualsReset) {
  const portico::http::HeaderMap headers =
      rateLimitHeaders(oneMinute(6, 6, true), kMinuteStart + 20500);
  EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Minute"), "0");
  EXPECT_EQ(header(headers, "RateLimit-Remaining"), "0");
  EXPECT_EQ(header(headers, "RateLimit-Reset"), "40");
  EXPECT_EQ(header(headers, "Retry-After"), "40");
}

TEST(HeadersTest, ResetIsAtLeastOneSecond) {
  const portico::http::HeaderMap headers = rateLimitHeaders(oneMinute(6, 1), kMinuteStart + 59999);
  EXPECT_EQ(header(headers, "RateLimit-Reset"), "1");
}

TEST(HeadersTest, RejectedRequestDecrementsOnlyTheExceededPeriod) {
  Decision decision;
  decision.usages.push_back(PeriodUsage{Period::kMinute, 6, 6, kMinuteStart});
  decision.usages.push_back(PeriodUsage{Period::kHour, 100, 6, 1773576000000});
  decision.exceeded = 0;
  const portico::http::HeaderMap headers = rateLimitHeaders(decision, kMinuteStart);
  EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Minute"), "0");
  EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Hour"), "94");
}

TEST(HeadersTest, RateLimitHeadersFollowTheSmallestRemaining) {
  Decision decision;
  decision.usages.push_back(PeriodUsage{Period::kSecond, 10, 0, kMinuteStart});
  decision.usages.push_back(PeriodUsage{Period::kHour, 20, 15, 1773576000000});
  const portico::http::HeaderMap headers = rateLimitHeaders(decision, kMinuteStart);
  EXPECT_EQ(header(headers, "RateLimit-Limit"), "20");
  EXPECT_EQ(header(headers, "RateLimit-Remaining"), "4");
  EXPECT_EQ(header(headers, "RateLimit-Reset"), "1560");  // 12:34:00 is 34 minutes into the hour
}

TEST(HeadersTest, TiesGoToTheLongerWindow) {
  Decision decision;
  decision.usages.push_back(PeriodUsage{Period::kMinute, 5, 0, kMinuteStart});
  decision.usages.push_back(PeriodUsage{Period::kHour, 10, 5, 1773576000000});
  const portico::http::HeaderMap headers = rateLimitHeaders(decision, kMinuteStart);
  EXPECT_EQ(header(headers, "RateLimit-Limit"), "10");
  EXPECT_EQ(header(headers, "RateLimit-Reset"), "1560");
}

TEST(HeadersTest, NumbersAreFormattedLikeLua) {
  const portico::http::HeaderMap headers = rateLimitHeaders(oneMinute(2.5, 0), kMinuteStart);
  EXPECT_EQ(header(headers, "X-RateLimit-Limit-Minute"), "2.5");
  EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Minute"), "1.5");
  EXPECT_EQ(formatNumber(100), "100");
}

TEST(HeadersTest, SlidingEstimatesShowWholeRequests) {
  const portico::http::HeaderMap headers = rateLimitHeaders(oneMinute(10, 3.4), kMinuteStart);
  EXPECT_EQ(header(headers, "X-RateLimit-Remaining-Minute"), "5");
}

TEST(HeadersTest, HeadersAreListedPerPeriodThenSummary) {
  const portico::http::HeaderMap headers = rateLimitHeaders(oneMinute(3, 0), kMinuteStart);
  ASSERT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers.entries()[0].first, "X-RateLimit-Limit-Minute");
  EXPECT_EQ(headers.entries()[4].first, "RateLimit-Reset");
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
