#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "source/server/stats/counter.h"

namespace portico::server::stats {

// Ascending upper bounds ("le") of a histogram's finite buckets; +Inf is implicit.
using BucketBounds = absl::Span<const uint64_t>;

// What a histogram (or several merged) has counted: `buckets` holds one count per finite bound
// plus one for +Inf, each for its own bucket only (not cumulative).
struct HistogramData {
  std::vector<uint64_t> buckets;
  uint64_t sum = 0;

  uint64_t count() const;
  // Adds `other`'s counts; both must have the same bounds (or this one none yet).
  void merge(const HistogramData& other);
};

// Fixed buckets, one writer (see Counter). Observing is a binary search and two counter updates.
class Histogram {
 public:
  explicit Histogram(BucketBounds bounds);

  void observe(uint64_t value);
  BucketBounds bounds() const { return bounds_; }
  // Any thread. The count is the buckets' total, so it always equals the +Inf bucket even while
  // the writer is observing; the sum may lag by the observation in progress.
  HistogramData read() const;

 private:
  BucketBounds bounds_;
  std::unique_ptr<Counter[]> buckets_;
  Counter sum_;
};

}  // namespace portico::server::stats
