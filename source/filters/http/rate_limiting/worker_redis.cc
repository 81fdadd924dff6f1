#include "source/filters/http/rate_limiting/worker_redis.h"

#include <cmath>

#include "source/filters/http/rate_limiting/redis_client.h"
#include "source/filters/http/rate_limiting/redis_cluster.h"

namespace portico::filters::http::rate_limiting {

WorkerRedis& WorkerRedis::of(portico::http::LoopServices& services) {
  return services.getOrCreate<WorkerRedis>(
      [&services] { return std::make_unique<WorkerRedis>(services.loop(), services.resolver()); });
}

RedisExecutor& WorkerRedis::client(const RedisSettings& settings) {
  std::unique_ptr<RedisExecutor>& client = clients_[settings.poolKey()];
  if (client == nullptr) {
    if (settings.cluster()) {
      client = std::make_unique<RedisCluster>(loop_, settings, resolver_);
    } else {
      client = std::make_unique<RedisClient>(loop_, settings, resolver_);
    }
  }
  return *client;
}

RedisSync& WorkerRedis::sync(SyncedCounters& counters, RedisExecutor& redis, ThrottledLog& log,
                             const Clock& clock, double sync_rate) {
  std::unique_ptr<RedisSync>& sync = syncs_[&counters];
  if (sync == nullptr) {
    const auto interval_ms = static_cast<uint64_t>(std::llround(sync_rate * 1000));
    sync = std::make_unique<RedisSync>(loop_, counters, redis, log, clock, interval_ms);
  }
  return *sync;
}

}  // namespace portico::filters::http::rate_limiting
