#include <memory>

#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/filter_config.h"
#include "source/filters/http/rate_limiting/synced_counters.h"
#include "source/filters/http/rate_limiting/worker_redis.h"
#include "source/http/filter_factory.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kFailureLogIntervalMs = 10000;

class RateLimitingFactory : public portico::http::FilterFactory {
 public:
  std::string_view name() const override { return "rate-limiting"; }

  absl::StatusOr<portico::http::FilterConfigConstSharedPtr> compile(
      const google::protobuf::Struct& config,
      const portico::http::FilterFactoryContext& context) const override {
    absl::StatusOr<RateLimitConfig> parsed = parseConfig(config, context.instance);
    if (!parsed.ok()) {
      return parsed.status();
    }
    static ThrottledLog* failure_log = new ThrottledLog(systemClock(), kFailureLogIntervalMs);
    auto redis_syncs = [](portico::http::LoopServices& services, const RateLimitConfig& config,
                          RedisExecutor& redis) -> RedisSync& {
      return WorkerRedis::of(services).sync(
          SyncedCounters::forEndpoint(config.redis.poolKey(), config.sync_rate), redis,
          *failure_log, systemClock(), config.sync_rate);
    };
    auto redis_clients = [](portico::http::LoopServices& services,
                            const RedisSettings& settings) -> RedisExecutor& {
      return WorkerRedis::of(services).client(settings);
    };
    return std::make_shared<const RateLimitingFilterConfig>(
        std::move(*parsed), systemClock(), LocalCounterTable::process(), *failure_log,
        std::move(redis_clients), std::move(redis_syncs));
  }
};

const portico::http::RegisterFilterFactory<RateLimitingFactory> kRegister;

}  // namespace
}  // namespace portico::filters::http::rate_limiting
