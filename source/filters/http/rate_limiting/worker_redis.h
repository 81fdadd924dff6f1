#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "source/filters/http/rate_limiting/clock.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/redis_executor.h"
#include "source/filters/http/rate_limiting/redis_sync.h"
#include "source/filters/http/rate_limiting/synced_counters.h"
#include "source/filters/http/rate_limiting/throttled_log.h"
#include "source/http/loop_services.h"
#include "source/upstream/resolver.h"

namespace portico::filters::http::rate_limiting {

// One worker's Redis clients (a RedisClient, or a RedisCluster for cluster settings) by endpoint,
// and its sync_rate machinery by the process' SyncedCounters. Kept in the worker's LoopServices,
// so they outlive config reloads and close with the worker's loop.
class WorkerRedis {
 public:
  WorkerRedis(uv_loop_t* loop, upstream::Resolver& resolver) : loop_(loop), resolver_(resolver) {}

  // The worker's instance, made on first use.
  static WorkerRedis& of(portico::http::LoopServices& services);

  RedisExecutor& client(const RedisSettings& settings);
  RedisSync& sync(SyncedCounters& counters, RedisExecutor& redis, ThrottledLog& log,
                  const Clock& clock, double sync_rate);

 private:
  uv_loop_t* const loop_;
  upstream::Resolver& resolver_;
  // Declared before syncs_, which use them: destroyed after.
  absl::flat_hash_map<std::string, std::unique_ptr<RedisExecutor>> clients_;
  absl::flat_hash_map<const SyncedCounters*, std::unique_ptr<RedisSync>> syncs_;
};

}  // namespace portico::filters::http::rate_limiting
