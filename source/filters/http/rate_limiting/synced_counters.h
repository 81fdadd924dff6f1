#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/decision.h"

namespace portico::filters::http::rate_limiting {

// The keys one request reads under `sync_rate`, and how to judge it from them.
struct SyncPlan {
  struct Counter {
    PeriodUsage usage;  // period, limit and window; `usage` is filled in by the decision
    std::string key;
    // Sliding windows: the previous window's key and weight; empty for fixed windows.
    std::string previous_key;
    double previous_weight = 0;
    // How long the local view of `key` lives, and when its Redis key expires.
    int64_t local_expires_at_ms = 0;
    int64_t redis_expires_at_ms = 0;
  };
  std::vector<Counter> periods;  // one per configured period, shortest first

  // Every key the plan reads: each period's key, then its previous key if any.
  std::vector<std::string> keys() const;
};

SyncPlan makeSyncPlan(const RateLimitConfig& config, std::string_view identifier, int64_t now_ms);

// Kong's `sync_rate` (kong-behavior.md §4.4): a process-wide local view of Redis counters, so a
// request is judged without a Redis round trip. Each key's view is the total Redis last reported
// plus the requests this process admitted since (in flight to Redis, or still pending). One flush
// at a time per instance sends the pending deltas (INCRBY) and reads the totals back, which brings
// in what other gateways counted. As in Kong, only admitted requests count.
//
// A key nobody used since the previous flush is dropped at the next one, so the view never gets
// older than one sync interval: the next request for it reads Redis again. Thread-safe; the
// critical sections are a few hash lookups.
class SyncedCounters {
 public:
  // The process' instance for one Redis endpoint (or cluster) and sync rate; never destroyed.
  static SyncedCounters& forEndpoint(const std::string& endpoint_key, double sync_rate);

  struct Admission {
    // None: a key has no local view yet (read it from Redis, learn() it, and ask again).
    std::optional<Decision> decision;
    // The caller must arm a flush (no flush is scheduled yet).
    bool arm_flush = false;
  };
  // Judges a request from the local view; counts it locally (every period) when admitted.
  Admission admit(const SyncPlan& plan);

  // Records Redis' total for a key that has no view yet (a view already there is kept: it has
  // this process' own pending requests). Returns whether the caller must arm a flush.
  bool learn(const std::string& key, int64_t total, int64_t local_expires_at_ms,
             int64_t redis_expires_at_ms);

  struct FlushItem {
    std::string key;
    int64_t delta = 0;  // 0: only read the total back
    int64_t redis_expires_at_ms = 0;
  };
  // Moves every pending delta in flight and lists what to send; drops views that expired or that
  // nobody used since the previous flush.
  std::vector<FlushItem> beginFlush(int64_t now_ms);
  // Redis' totals for the items of beginFlush (none: that item failed, and its delta is pending
  // again). Returns whether to flush again later (views remain); otherwise the flush is no longer
  // scheduled.
  bool endFlush(const std::vector<FlushItem>& items,
                const std::vector<std::optional<int64_t>>& totals);

  // No flush is scheduled any more (its owner went away); the next admission schedules one.
  void abandonFlush();

  size_t size() const;
  // The view of `key` (Redis' total plus this process' unsent requests), or none.
  std::optional<int64_t> view(const std::string& key) const;

 private:
  struct Entry {
    int64_t known = 0;      // Redis' total at the last read
    int64_t in_flight = 0;  // sent by the running flush, not yet in `known`
    int64_t pending = 0;    // admitted since, not yet sent
    int64_t local_expires_at_ms = 0;
    int64_t redis_expires_at_ms = 0;
    bool used = true;  // read or counted since the previous flush
    int64_t total() const { return known + in_flight + pending; }
  };

  bool claimFlushLocked();

  mutable std::mutex mutex_;
  absl::flat_hash_map<std::string, Entry> entries_;
  bool flush_scheduled_ = false;
};

}  // namespace portico::filters::http::rate_limiting
