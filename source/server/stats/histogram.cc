#include "source/server/stats/histogram.h"

#include <algorithm>

namespace portico::server::stats {

uint64_t HistogramData::count() const {
  uint64_t total = 0;
  for (uint64_t bucket : buckets) {
    total += bucket;
  }
  return total;
}

void HistogramData::merge(const HistogramData& other) {
  if (buckets.size() < other.buckets.size()) {
    buckets.resize(other.buckets.size(), 0);
  }
  for (size_t i = 0; i < other.buckets.size(); ++i) {
    buckets[i] += other.buckets[i];
  }
  sum += other.sum;
}

Histogram::Histogram(BucketBounds bounds)
    : bounds_(bounds), buckets_(std::make_unique<Counter[]>(bounds.size() + 1)) {}

void Histogram::observe(uint64_t value) {
  // The first bound not below the value: Prometheus buckets count values <= le.
  const size_t index = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                           bounds_.begin());
  buckets_[index].increment();
  sum_.add(value);
}

HistogramData Histogram::read() const {
  HistogramData data;
  data.buckets.reserve(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    data.buckets.push_back(buckets_[i].value());
  }
  data.sum = sum_.value();
  return data;
}

}  // namespace portico::server::stats
