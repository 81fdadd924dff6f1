#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "source/common/network/timer.h"
#include "source/filters/http/rate_limiting/clock.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/decision.h"
#include "source/filters/http/rate_limiting/redis_executor.h"
#include "source/filters/http/rate_limiting/redis_policy.h"
#include "source/filters/http/rate_limiting/synced_counters.h"
#include "source/filters/http/rate_limiting/throttled_log.h"

namespace portico::filters::http::rate_limiting {

// The `redis` policy with `sync_rate` > 0, on one worker's loop: requests are judged from the
// process' SyncedCounters; a request whose keys have no local view yet reads them from Redis
// first (one round trip of GETs). Whichever worker first counts a request while no flush is
// scheduled owns the next flush: its timer fires `sync_rate` seconds later and sends every delta
// of the process (INCRBY + PEXPIREAT per key, one pipelined round trip), reading the totals back.
// A failed flush keeps its deltas for the next one and logs through `log`.
class RedisSync {
 public:
  RedisSync(uv_loop_t* loop, SyncedCounters& counters, RedisExecutor& redis, ThrottledLog& log,
            const Clock& clock, uint64_t interval_ms);
  // Hands the flush back to the process (the next request's worker schedules it).
  ~RedisSync();
  RedisSync(const RedisSync&) = delete;
  RedisSync& operator=(const RedisSync&) = delete;

  // The verdict from the local view, without a round trip; none when a key must be read first.
  std::optional<Decision> decideLocally(const RateLimitConfig& config, std::string_view identifier,
                                        int64_t now_ms);
  // Reads the request's keys from Redis, then decides. `done` never runs before this returns.
  void fetchThenDecide(const RateLimitConfig& config, std::string_view identifier, int64_t now_ms,
                       DecisionCallback done);

  // Sends the deltas now (the timer's work). Returns whether a flush was started.
  bool flush();
  bool flushing() const { return in_flight_ != nullptr; }

 private:
  void armFlush();

  uv_loop_t* loop_;
  SyncedCounters& counters_;
  RedisExecutor& redis_;
  ThrottledLog& log_;
  const Clock& clock_;
  uint64_t interval_ms_;
  network::Timer timer_;
  // The running flush's items; its deltas go back to pending if this instance goes away first.
  std::shared_ptr<std::vector<SyncedCounters::FlushItem>> in_flight_;
  std::shared_ptr<RedisSync*> alive_;  // Redis callbacks hold a weak_ptr to it
};

}  // namespace portico::filters::http::rate_limiting
