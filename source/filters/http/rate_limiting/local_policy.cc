#include "source/filters/http/rate_limiting/local_policy.h"

#include <string>
#include <vector>

#include "source/filters/http/rate_limiting/counter_key.h"
#include "source/filters/http/rate_limiting/window.h"

namespace portico::filters::http::rate_limiting {

absl::StatusOr<Decision> evaluateLocal(const RateLimitConfig& config, LocalCounterTable& table,
                                       std::string_view identifier, int64_t now_ms) {
  const bool sliding = config.window_type == WindowType::kSliding;
  Decision decision;
  std::vector<std::string> raised;  // keys this request incremented, to undo on rejection
  for (const Limit& limit : config.limits) {
    const WindowSpan span = windowSpan(limit.period, now_ms, sliding);
    std::string key = counterKey(config, identifier, span.start_ms, limit.period);
    double carried = 0;
    if (sliding) {
      carried =
          span.previous_weight * static_cast<double>(table.read(counterKey(
                                     config, identifier, span.previous_start_ms, limit.period)));
    }
    PeriodUsage usage{limit.period, limit.limit, carried, span.start_ms};
    if (decision.exceeded) {
      usage.usage += static_cast<double>(table.read(key));
      decision.usages.push_back(usage);
      continue;
    }
    const LocalCounterTable::Increment increment =
        table.incrementBelow(key, limit.limit - carried, span.expires_at_ms, now_ms);
    if (!increment.stored) {
      for (const std::string& undo : raised) {
        table.decrement(undo);
      }
      return absl::ResourceExhaustedError("the local rate-limiting counter table is full");
    }
    usage.usage += static_cast<double>(increment.before);
    if (increment.admitted) {
      raised.push_back(std::move(key));
    } else {
      decision.exceeded = decision.usages.size();
    }
    decision.usages.push_back(usage);
  }
  if (decision.exceeded) {
    for (const std::string& undo : raised) {
      table.decrement(undo);
    }
  }
  return decision;
}

}  // namespace portico::filters::http::rate_limiting
