#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "source/server/stats/aggregate.h"
#include "source/server/stats/request_sample.h"

namespace portico::server::stats {

class CounterFamily;

// One worker's counters: written only by the worker's thread, read by the main thread when
// /metrics is scraped. Series are keyed by their labels in flat hash maps the writer searches
// without a lock; the lock is taken only to insert a series (the first request of a new service,
// route and status) and by the reader while it walks the maps, so a request that finds its
// series costs a hash lookup and a few uncontended counter stores.
class WorkerStats {
 public:
  WorkerStats();
  ~WorkerStats();
  WorkerStats(const WorkerStats&) = delete;
  WorkerStats& operator=(const WorkerStats&) = delete;

  // The block the calling thread writes to (set by bindToThisThread); null on threads that are
  // not workers.
  static WorkerStats* current();
  void bindToThisThread();
  static void unbindThisThread();

  // Writer thread.
  void record(const RequestSample& sample);
  void count(const CounterFamily& family, absl::Span<const std::string_view> label_values,
             uint64_t amount);
  // The worker's loop runs with its snapshot (GET /status/ready).
  void markRunning() { running_.store(true, std::memory_order_release); }

  // Any thread.
  bool running() const { return running_.load(std::memory_order_acquire); }
  void collectInto(Aggregate& aggregate) const;

 private:
  struct RouteSeries;
  struct FamilySeries;
  // A route series' labels, viewing the series' own copies (or, for a lookup, the sample's): a
  // request looks its series up without building a key.
  struct RouteLabelValues {
    std::string_view service;
    std::string_view route;
    std::string_view consumer;

    bool operator==(const RouteLabelValues& other) const {
      return service == other.service && route == other.route && consumer == other.consumer;
    }
    template <typename H>
    friend H AbslHashValue(H state, const RouteLabelValues& labels) {
      return H::combine(std::move(state),
                        absl::string_view(labels.service.data(), labels.service.size()),
                        absl::string_view(labels.route.data(), labels.route.size()),
                        absl::string_view(labels.consumer.data(), labels.consumer.size()));
    }
  };

  RouteSeries& routeSeries(const RequestSample& sample);

  std::string key_;  // scratch for building lookup keys without allocating
  mutable std::mutex insert_mutex_;
  absl::flat_hash_map<RouteLabelValues, std::unique_ptr<RouteSeries>> routes_;
  // The series of the last request: a worker's consecutive requests mostly share one, and
  // comparing three labels costs less than hashing them. Series are never removed.
  RouteSeries* last_series_ = nullptr;
  absl::flat_hash_map<std::string, std::unique_ptr<FamilySeries>> families_;
  std::atomic<bool> running_{false};
};

}  // namespace portico::server::stats
