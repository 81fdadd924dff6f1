#include "source/server/stats/histogram.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace portico::server::stats {
namespace {

constexpr uint64_t kBounds[] = {10, 100, 1000};

TEST(HistogramTest, AValueOnABoundCountsInThatBucket) {
  Histogram histogram(kBounds);
  histogram.observe(10);
  histogram.observe(11);
  histogram.observe(0);
  const HistogramData data = histogram.read();
  EXPECT_EQ(data.buckets, (std::vector<uint64_t>{2, 1, 0, 0}));
}

TEST(HistogramTest, ValuesPastTheLastBoundCountInTheInfBucket) {
  Histogram histogram(kBounds);
  histogram.observe(1001);
  histogram.observe(60000);
  EXPECT_EQ(histogram.read().buckets, (std::vector<uint64_t>{0, 0, 0, 2}));
}

TEST(HistogramTest, SumAndCountCoverEveryObservation) {
  Histogram histogram(kBounds);
  histogram.observe(5);
  histogram.observe(50);
  histogram.observe(5000);
  const HistogramData data = histogram.read();
  EXPECT_EQ(data.sum, 5055u);
  EXPECT_EQ(data.count(), 3u);
}

TEST(HistogramTest, MergeAddsBucketBySumAndCount) {
  Histogram a(kBounds);
  Histogram b(kBounds);
  a.observe(1);
  b.observe(1);
  b.observe(500);
  HistogramData merged;
  merged.merge(a.read());
  merged.merge(b.read());
  EXPECT_EQ(merged.buckets, (std::vector<uint64_t>{2, 0, 1, 0}));
  EXPECT_EQ(merged.sum, 502u);
  EXPECT_EQ(merged.count(), 3u);
}

}  // namespace
}  // namespace portico::server::stats
