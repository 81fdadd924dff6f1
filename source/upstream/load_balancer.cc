#include "source/upstream/load_balancer.h"

#include <algorithm>
#include <atomic>

namespace portico::upstream {
namespace {

bool contains(const std::vector<size_t>& items, size_t item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Each balancer (one per worker) takes the next bit of TargetHealth's passive mask.
unsigned nextWorkerBit() {
  static std::atomic<unsigned> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) % 64;
}

}  // namespace

LoadBalancer::LoadBalancer() : worker_bit_(nextWorkerBit()) {}

LoadBalancer::UpstreamState& LoadBalancer::state(const UpstreamRuntime& upstream) {
  UpstreamState& state = states_[upstream.upstream->id()];
  if (state.state_key != upstream.state_key) {
    for (size_t i = 0; i < state.targets.size() && i < upstream.targets.size(); ++i) {
      if (state.targets[i].passive_unhealthy) {
        upstream.targets[i].health->setPassivelyHealthy(worker_bit_, true);
      }
    }
    state.state_key = upstream.state_key;
    state.targets.assign(upstream.targets.size(), TargetState{});
    state.cursor = 0;
  }
  return state;
}

bool LoadBalancer::available(const UpstreamRuntime& upstream, const UpstreamState& state,
                             size_t index) const {
  const TargetRuntime& target = upstream.targets[index];
  if (target.weight == 0) {
    return false;
  }
  if (!upstream.healthchecks_enabled) {
    return true;
  }
  return target.health->activelyHealthy() && !state.targets[index].passive_unhealthy;
}

std::optional<size_t> LoadBalancer::pick(const UpstreamRuntime& upstream, std::string_view hash_key,
                                         const std::vector<size_t>& tried) {
  UpstreamState& state = this->state(upstream);
  for (bool skip_tried : {true, false}) {
    if (!skip_tried && tried.empty()) {
      break;
    }
    std::optional<size_t> picked;
    if (upstream.algorithm == Algorithm::kConsistentHashing && !hash_key.empty()) {
      picked = pickHashed(upstream, state, crc32(hash_key), tried, skip_tried);
    } else if (upstream.algorithm == Algorithm::kLeastConnections) {
      picked = pickLeastConnections(upstream, state, tried, skip_tried);
    } else {
      picked = pickRoundRobin(upstream, state, tried, skip_tried);
    }
    if (picked) {
      return picked;
    }
  }
  return std::nullopt;
}

// nginx's smooth weighted round-robin: every candidate gains its weight, the richest is picked
// and pays the total. Deterministic, and it interleaves (5,1,1 gives a a b a c a a).
std::optional<size_t> LoadBalancer::pickRoundRobin(const UpstreamRuntime& upstream,
                                                   UpstreamState& state,
                                                   const std::vector<size_t>& tried,
                                                   bool skip_tried) {
  int64_t total = 0;
  std::optional<size_t> best;
  for (size_t i = 0; i < upstream.targets.size(); ++i) {
    if (!available(upstream, state, i) || (skip_tried && contains(tried, i))) {
      continue;
    }
    TargetState& target = state.targets[i];
    target.current_weight += upstream.targets[i].weight;
    total += upstream.targets[i].weight;
    if (!best || target.current_weight > state.targets[*best].current_weight) {
      best = i;
    }
  }
  if (best) {
    state.targets[*best].current_weight -= total;
  }
  return best;
}

// Fewest in-flight requests per unit of weight; ties rotate so equal targets share the load.
std::optional<size_t> LoadBalancer::pickLeastConnections(const UpstreamRuntime& upstream,
                                                         UpstreamState& state,
                                                         const std::vector<size_t>& tried,
                                                         bool skip_tried) {
  const size_t count = upstream.targets.size();
  std::optional<size_t> best;
  for (size_t step = 0; step < count; ++step) {
    const size_t i = (state.cursor + step) % count;
    if (!available(upstream, state, i) || (skip_tried && contains(tried, i))) {
      continue;
    }
    if (!best) {
      best = i;
      continue;
    }
    // in_flight_i / weight_i < in_flight_best / weight_best, without division.
    const uint64_t mine = uint64_t{state.targets[i].in_flight} * upstream.targets[*best].weight;
    const uint64_t theirs = uint64_t{state.targets[*best].in_flight} * upstream.targets[i].weight;
    if (mine < theirs) {
      best = i;
    }
  }
  if (best) {
    state.cursor = (*best + 1) % count;
  }
  return best;
}

// The first available target clockwise from the key's point.
std::optional<size_t> LoadBalancer::pickHashed(const UpstreamRuntime& upstream,
                                               const UpstreamState& state, uint32_t hash,
                                               const std::vector<size_t>& tried,
                                               bool skip_tried) const {
  if (upstream.ring.empty()) {
    return std::nullopt;
  }
  const size_t start = upstream.ring.start(hash);
  for (size_t step = 0; step < upstream.ring.pointCount(); ++step) {
    const size_t i = upstream.ring.memberAt(start + step);
    if (available(upstream, state, i) && !(skip_tried && contains(tried, i))) {
      return i;
    }
  }
  return std::nullopt;
}

void LoadBalancer::attemptStarted(const UpstreamRuntime& upstream, size_t target) {
  ++state(upstream).targets[target].in_flight;
}

void LoadBalancer::attemptFinished(const UpstreamRuntime& upstream, size_t target) {
  TargetState& state = this->state(upstream).targets[target];
  if (state.in_flight > 0) {
    --state.in_flight;  // a reload that changed the targets has reset it meanwhile
  }
}

bool LoadBalancer::passivelyHealthy(const UpstreamRuntime& upstream, size_t target) {
  return !state(upstream).targets[target].passive_unhealthy;
}

void LoadBalancer::markPassive(const UpstreamRuntime& upstream, size_t index, TargetState& target,
                               bool healthy) {
  target.successes = target.tcp_failures = target.timeouts = target.http_failures = 0;
  target.passive_unhealthy = !healthy;
  upstream.targets[index].health->setPassivelyHealthy(worker_bit_, healthy);
}

// lua-resty-healthcheck's counting: failures count while the target is up, successes while it is
// down; a counter whose threshold is 0 is off. A success also clears the failure counts, but
// only when successes are counted at all (with healthy.successes = 0 failures accumulate).
void LoadBalancer::report(const UpstreamRuntime& upstream, size_t index, AttemptOutcome outcome,
                          int status) {
  const HealthThresholds& limits = upstream.passive;
  TargetState& target = state(upstream).targets[index];
  const bool success =
      outcome == AttemptOutcome::kHttpStatus && containsStatus(limits.healthy_statuses, status);
  if (success) {
    if (limits.successes == 0) {
      return;
    }
    target.tcp_failures = target.timeouts = target.http_failures = 0;
    if (target.passive_unhealthy && ++target.successes >= limits.successes) {
      markPassive(upstream, index, target, true);
    }
    return;
  }
  uint32_t* counter = nullptr;
  uint32_t limit = 0;
  switch (outcome) {
    case AttemptOutcome::kTcpFailure:
      counter = &target.tcp_failures;
      limit = limits.tcp_failures;
      break;
    case AttemptOutcome::kTimeout:
      counter = &target.timeouts;
      limit = limits.timeouts;
      break;
    case AttemptOutcome::kHttpStatus:
      if (!containsStatus(limits.unhealthy_statuses, status)) {
        return;
      }
      counter = &target.http_failures;
      limit = limits.http_failures;
      break;
  }
  if (limit == 0 || target.passive_unhealthy) {
    return;
  }
  target.successes = 0;
  if (++*counter >= limit) {
    markPassive(upstream, index, target, false);
  }
}

}  // namespace portico::upstream
