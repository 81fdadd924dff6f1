#include "source/filters/http/rate_limiting/synced_counters.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "source/filters/http/rate_limiting/counter_key.h"
#include "source/filters/http/rate_limiting/window.h"

namespace portico::filters::http::rate_limiting {

std::vector<std::string> SyncPlan::keys() const {
  std::vector<std::string> keys;
  for (const Counter& counter : periods) {
    keys.push_back(counter.key);
    if (!counter.previous_key.empty()) {
      keys.push_back(counter.previous_key);
    }
  }
  return keys;
}

SyncPlan makeSyncPlan(const RateLimitConfig& config, std::string_view identifier, int64_t now_ms) {
  const bool sliding = config.window_type == WindowType::kSliding;
  SyncPlan plan;
  for (const Limit& limit : config.limits) {
    const WindowSpan span = windowSpan(limit.period, now_ms, sliding);
    SyncPlan::Counter counter;
    counter.usage = PeriodUsage{limit.period, limit.limit, 0, span.start_ms};
    counter.key = counterKey(config, identifier, span.start_ms, limit.period);
    if (sliding) {
      counter.previous_key = counterKey(config, identifier, span.previous_start_ms, limit.period);
      counter.previous_weight = span.previous_weight;
    }
    counter.local_expires_at_ms = span.expires_at_ms;
    // Kong's sync path expires a fixed window's key its nominal length after the window starts;
    // a sliding window's key must outlive the next window, which reads it as its previous one.
    counter.redis_expires_at_ms =
        sliding ? span.expires_at_ms : span.start_ms + nominalSeconds(limit.period) * 1000;
    plan.periods.push_back(std::move(counter));
  }
  return plan;
}

SyncedCounters& SyncedCounters::forEndpoint(const std::string& endpoint_key, double sync_rate) {
  static std::mutex* mutex = new std::mutex;
  static auto* instances = new absl::flat_hash_map<std::string, std::unique_ptr<SyncedCounters>>;
  std::lock_guard<std::mutex> lock(*mutex);
  std::unique_ptr<SyncedCounters>& instance =
      (*instances)[absl::StrCat(endpoint_key, "|sync_rate=", sync_rate)];
  if (instance == nullptr) {
    instance = std::make_unique<SyncedCounters>();
  }
  return *instance;
}

bool SyncedCounters::claimFlushLocked() {
  if (flush_scheduled_) {
    return false;
  }
  flush_scheduled_ = true;
  return true;
}

SyncedCounters::Admission SyncedCounters::admit(const SyncPlan& plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Entry*> current;
  Decision decision;
  for (const SyncPlan::Counter& counter : plan.periods) {
    auto it = entries_.find(counter.key);
    if (it == entries_.end()) {
      return {};
    }
    double usage = static_cast<double>(it->second.total());
    it->second.used = true;
    if (!counter.previous_key.empty()) {
      auto previous = entries_.find(counter.previous_key);
      if (previous == entries_.end()) {
        return {};
      }
      previous->second.used = true;
      usage += counter.previous_weight * static_cast<double>(previous->second.total());
    }
    current.push_back(&it->second);
    PeriodUsage period = counter.usage;
    period.usage = usage;
    if (!decision.exceeded && usage >= period.limit) {
      decision.exceeded = decision.usages.size();
    }
    decision.usages.push_back(period);
  }
  if (!decision.exceeded) {
    for (Entry* entry : current) {
      ++entry->pending;
    }
  }
  Admission admission;
  admission.decision = std::move(decision);
  admission.arm_flush = claimFlushLocked();
  return admission;
}

bool SyncedCounters::learn(const std::string& key, int64_t total, int64_t local_expires_at_ms,
                           int64_t redis_expires_at_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) {
    it->second.known = total;
    it->second.local_expires_at_ms = local_expires_at_ms;
    it->second.redis_expires_at_ms = redis_expires_at_ms;
  }
  it->second.used = true;
  return claimFlushLocked();
}

std::vector<SyncedCounters::FlushItem> SyncedCounters::beginFlush(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FlushItem> items;
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    const bool idle = !entry.used || entry.local_expires_at_ms <= now_ms;
    if (entry.pending == 0 && entry.in_flight == 0 && idle) {
      entries_.erase(it++);
      continue;
    }
    entry.in_flight += entry.pending;
    entry.pending = 0;
    entry.used = false;
    items.push_back(FlushItem{it->first, entry.in_flight, entry.redis_expires_at_ms});
    ++it;
  }
  if (items.empty()) {
    flush_scheduled_ = false;
  }
  return items;
}

bool SyncedCounters::endFlush(const std::vector<FlushItem>& items,
                              const std::vector<std::optional<int64_t>>& totals) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < items.size(); ++i) {
    auto it = entries_.find(items[i].key);
    if (it == entries_.end()) {
      continue;
    }
    Entry& entry = it->second;
    if (i < totals.size() && totals[i].has_value()) {
      entry.known = *totals[i];
    } else {
      entry.pending += entry.in_flight;
      entry.used = true;  // keep the view until its delta reaches Redis
    }
    entry.in_flight = 0;
  }
  flush_scheduled_ = !entries_.empty();
  return flush_scheduled_;
}

void SyncedCounters::abandonFlush() {
  std::lock_guard<std::mutex> lock(mutex_);
  flush_scheduled_ = false;
}

size_t SyncedCounters::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::optional<int64_t> SyncedCounters::view(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    return std::nullopt;
  }
  return it->second.total();
}

}  // namespace portico::filters::http::rate_limiting
