#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "source/common/network/timer.h"
#include "source/upstream/http_client.h"
#include "source/upstream/target_health.h"
#include "source/upstream/upstream_runtime.h"
#include "source/upstream/upstreams.h"

namespace portico::upstream {

// Kong's active health checks, on the main loop: each upstream whose healthy or unhealthy
// interval is set probes its targets (HTTP(S) GET of http_path, or a TCP connect) at that
// interval, counts successes, failures and timeouts against the thresholds and publishes each
// verdict to the workers through the target's TargetHealth.
class ActiveHealthChecker {
 public:
  ActiveHealthChecker(Upstreams& upstreams, HealthRegistry& registry, std::string trusted_ca_pem);
  ~ActiveHealthChecker();

  // Checks `upstreams` (the newest snapshot's) from now on. Counters of targets that stay are
  // kept; targets of upstreams without active checks are healthy as far as active checks go.
  void update(const std::vector<UpstreamRuntimeConstSharedPtr>& upstreams);

 private:
  struct Counters {
    uint32_t successes = 0;
    uint32_t tcp_failures = 0;
    uint32_t timeouts = 0;
    uint32_t http_failures = 0;
    uint64_t last_probe_ms = 0;
    bool probing = false;
  };
  class Probe;
  struct Checked {
    UpstreamRuntimeConstSharedPtr upstream;
    std::unique_ptr<network::Timer> timer;
    std::shared_ptr<SSL_CTX> tls_context;  // https probes
  };
  enum class Result { kSuccess, kHttpFailure, kTcpFailure, kTimeout, kNeutral };

  void tick(Checked& checked);
  void probe(Checked& checked, const TargetRuntime& target);
  void record(const UpstreamRuntime& upstream, const TargetRuntime& target, Result result);

  Upstreams& upstreams_;
  HealthRegistry& registry_;
  std::string trusted_ca_pem_;
  std::vector<std::unique_ptr<Checked>> checked_;
  absl::flat_hash_map<std::string, Counters> counters_;  // by health key
  absl::flat_hash_map<Probe*, std::unique_ptr<Probe>> probes_;
  std::vector<std::unique_ptr<Probe>> finished_;  // freed on the next tick, outside callbacks
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace portico::upstream
