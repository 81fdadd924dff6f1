#pragma once

#include <uv.h>

#include <functional>

#include "source/filters/http/rate_limiting/clock.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/local_counters.h"
#include "source/filters/http/rate_limiting/redis_executor.h"
#include "source/filters/http/rate_limiting/redis_sync.h"
#include "source/filters/http/rate_limiting/throttled_log.h"
#include "source/http/filter_factory.h"
#include "source/http/loop_services.h"

namespace portico::filters::http::rate_limiting {

// The Redis client of the calling worker for some settings (its WorkerRedis, in the server).
using RedisClientLookup =
    std::function<RedisExecutor&(portico::http::LoopServices&, const RedisSettings&)>;
// The calling worker's sync_rate machinery for a config with sync_rate > 0 (its WorkerRedis,
// over the process' SyncedCounters for that Redis, in the server).
using RedisSyncLookup =
    std::function<RedisSync&(portico::http::LoopServices&, const RateLimitConfig&, RedisExecutor&)>;

// One rate-limiting plugin instance, compiled once per snapshot and shared by every worker. The
// counters are not in here: they outlive the snapshot (the local table, or Redis).
class RateLimitingFilterConfig : public portico::http::FilterConfig {
 public:
  RateLimitingFilterConfig(RateLimitConfig config, const Clock& clock, LocalCounterTable& table,
                           ThrottledLog& failure_log, RedisClientLookup redis_clients,
                           RedisSyncLookup redis_syncs)
      : config_(std::move(config)),
        clock_(clock),
        table_(table),
        failure_log_(failure_log),
        redis_clients_(std::move(redis_clients)),
        redis_syncs_(std::move(redis_syncs)) {}

  portico::http::HttpFilterPtr createFilter() const override;

  const RateLimitConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  LocalCounterTable& table() const { return table_; }
  ThrottledLog& failureLog() const { return failure_log_; }
  RedisExecutor& redisClient(portico::http::LoopServices& services) const {
    return redis_clients_(services, config_.redis);
  }
  // The calling worker's sync_rate machinery; nullptr when every request goes to Redis.
  RedisSync* redisSync(portico::http::LoopServices& services) const {
    if (config_.policy != Policy::kRedis || config_.sync_rate <= 0) {
      return nullptr;
    }
    return &redis_syncs_(services, config_, redisClient(services));
  }

 private:
  RateLimitConfig config_;
  const Clock& clock_;
  LocalCounterTable& table_;
  ThrottledLog& failure_log_;
  RedisClientLookup redis_clients_;
  RedisSyncLookup redis_syncs_;
};

}  // namespace portico::filters::http::rate_limiting
