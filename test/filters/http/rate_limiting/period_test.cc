#include "source/filters/http/rate_limiting/period.h"

#include "gtest/gtest.h"
#include "source/filters/http/rate_limiting/window.h"
#include "test/filters/http/rate_limiting/fake_clock.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kNow = kMidMarch2026Ms;  // 2026-03-15 12:34:56.789 UTC

TEST(PeriodTest, WindowsStartOnUtcCalendarBoundaries) {
  EXPECT_EQ(windowStartMs(Period::kSecond, kNow), 1773578096000);  // 12:34:56
  EXPECT_EQ(windowStartMs(Period::kMinute, kNow), 1773578040000);  // 12:34:00
  EXPECT_EQ(windowStartMs(Period::kHour, kNow), 1773576000000);    // 12:00:00
  EXPECT_EQ(windowStartMs(Period::kDay, kNow), 1773532800000);     // 2026-03-15
  EXPECT_EQ(windowStartMs(Period::kMonth, kNow), 1772323200000);   // 2026-03-01
  EXPECT_EQ(windowStartMs(Period::kYear, kNow), 1767225600000);    // 2026-01-01
}

TEST(PeriodTest, WindowStartIsItsOwnWindow) {
  for (Period period : kAllPeriods) {
    const int64_t start = windowStartMs(period, kNow);
    EXPECT_EQ(windowStartMs(period, start), start) << periodName(period);
    EXPECT_LT(windowStartMs(period, start - 1), start) << periodName(period);
  }
}

TEST(PeriodTest, PreviousAndNextWindowsFollowTheCalendar) {
  EXPECT_EQ(previousWindowStartMs(Period::kMonth, 1772323200000), 1769904000000);  // Feb 1
  EXPECT_EQ(nextWindowStartMs(Period::kMonth, 1772323200000), 1775001600000);      // Apr 1
  EXPECT_EQ(previousWindowStartMs(Period::kYear, 1767225600000), 1735689600000);   // 2025
  EXPECT_EQ(nextWindowStartMs(Period::kYear, 1767225600000), 1798761600000);       // 2027
  EXPECT_EQ(nextWindowStartMs(Period::kMinute, 1773578040000), 1773578100000);
  EXPECT_EQ(previousWindowStartMs(Period::kSecond, 1773578096000), 1773578095000);
}

TEST(PeriodTest, NominalLengthsAreKongs) {
  EXPECT_EQ(nominalSeconds(Period::kSecond), 1);
  EXPECT_EQ(nominalSeconds(Period::kMinute), 60);
  EXPECT_EQ(nominalSeconds(Period::kHour), 3600);
  EXPECT_EQ(nominalSeconds(Period::kDay), 86400);
  EXPECT_EQ(nominalSeconds(Period::kMonth), 2592000);
  EXPECT_EQ(nominalSeconds(Period::kYear), 31536000);
}

TEST(PeriodTest, NamesAreKongsConfigFields) {
  EXPECT_EQ(periodName(Period::kSecond), "second");
  EXPECT_EQ(periodName(Period::kYear), "year");
}

TEST(WindowSpanTest, PreviousWeightShrinksAcrossTheWindow) {
  const int64_t minute = 1773578040000;
  EXPECT_DOUBLE_EQ(windowSpan(Period::kMinute, minute, true).previous_weight, 1.0);
  EXPECT_DOUBLE_EQ(windowSpan(Period::kMinute, minute + 15000, true).previous_weight, 0.75);
  EXPECT_DOUBLE_EQ(windowSpan(Period::kMinute, minute + 45000, true).previous_weight, 0.25);
}

TEST(WindowSpanTest, FixedWindowsUseKongsNominalTtl) {
  const WindowSpan span = windowSpan(Period::kMinute, kNow, false);
  EXPECT_EQ(span.ttl_seconds, 60);
  EXPECT_EQ(span.start_ms, 1773578040000);
  EXPECT_EQ(span.previous_start_ms, 1773577980000);
}

TEST(WindowSpanTest, SlidingWindowKeysOutliveTheNextWindow) {
  const WindowSpan span = windowSpan(Period::kMinute, 1773578040000 + 20000, true);
  EXPECT_EQ(span.expires_at_ms, 1773578040000 + 120000);
  EXPECT_EQ(span.ttl_seconds, 100);
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
