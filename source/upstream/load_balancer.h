#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "source/upstream/upstream_runtime.h"

namespace portico::upstream {

// How an attempt on a target ended, for passive health checks.
enum class AttemptOutcome { kTcpFailure, kTimeout, kHttpStatus };

// One worker's balancing state for every upstream: smooth weighted round-robin positions,
// in-flight counts for least-connections, and passive health counters. Only its worker's thread
// touches it; what other threads must see (passive verdicts, for the admin API) goes through each
// target's TargetHealth.
//
// State is keyed by upstream id and dropped when the upstream's target list changes; a reload
// that keeps the targets keeps it.
class LoadBalancer {
 public:
  LoadBalancer();

  // The target for the next attempt, or nullopt when no target can take traffic (all unhealthy or
  // weight 0: Kong's "failure to get a peer from the ring-balancer"). Targets in `tried` are
  // skipped while another one is available. `hash_key` is the consistent-hashing input (empty:
  // balanced as round-robin).
  std::optional<size_t> pick(const UpstreamRuntime& upstream, std::string_view hash_key,
                             const std::vector<size_t>& tried);

  // Brackets an attempt, for least-connections.
  void attemptStarted(const UpstreamRuntime& upstream, size_t target);
  void attemptFinished(const UpstreamRuntime& upstream, size_t target);

  // Passive health: what an attempt on `target` came to (`status` for kHttpStatus).
  void report(const UpstreamRuntime& upstream, size_t target, AttemptOutcome outcome,
              int status = 0);

  // This worker's passive verdict on the target.
  bool passivelyHealthy(const UpstreamRuntime& upstream, size_t target);

 private:
  struct TargetState {
    int64_t current_weight = 0;
    uint32_t in_flight = 0;
    uint32_t successes = 0;
    uint32_t tcp_failures = 0;
    uint32_t timeouts = 0;
    uint32_t http_failures = 0;
    bool passive_unhealthy = false;
  };
  struct UpstreamState {
    std::string state_key;
    std::vector<TargetState> targets;
    size_t cursor = 0;  // least-connections tie-break rotation
  };

  UpstreamState& state(const UpstreamRuntime& upstream);
  bool available(const UpstreamRuntime& upstream, const UpstreamState& state, size_t index) const;
  std::optional<size_t> pickRoundRobin(const UpstreamRuntime& upstream, UpstreamState& state,
                                       const std::vector<size_t>& tried, bool skip_tried);
  std::optional<size_t> pickLeastConnections(const UpstreamRuntime& upstream, UpstreamState& state,
                                             const std::vector<size_t>& tried, bool skip_tried);
  std::optional<size_t> pickHashed(const UpstreamRuntime& upstream, const UpstreamState& state,
                                   uint32_t hash, const std::vector<size_t>& tried,
                                   bool skip_tried) const;
  void markPassive(const UpstreamRuntime& upstream, size_t index, TargetState& target,
                   bool healthy);

  unsigned worker_bit_;
  absl::flat_hash_map<std::string, UpstreamState> states_;
};

// An attempt that stays in flight on its target after its request is done, until this is
// destroyed: a WebSocket tunnel holds its upstream connection's, so least-connections counts
// open tunnels as Kong does (it releases the connection in the log phase, at the tunnel's end).
// Destroyed on the balancer's worker, before the balancer.
class InFlightAttempt {
 public:
  InFlightAttempt(LoadBalancer& balancer, UpstreamRuntimeConstSharedPtr upstream, size_t target)
      : balancer_(balancer), upstream_(std::move(upstream)), target_(target) {}
  ~InFlightAttempt() { balancer_.attemptFinished(*upstream_, target_); }
  InFlightAttempt(const InFlightAttempt&) = delete;
  InFlightAttempt& operator=(const InFlightAttempt&) = delete;

 private:
  LoadBalancer& balancer_;
  UpstreamRuntimeConstSharedPtr upstream_;
  size_t target_;
};

}  // namespace portico::upstream
