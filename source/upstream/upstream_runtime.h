#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "portico/config/v1/certificate.pb.h"
#include "portico/config/v1/upstream.pb.h"
#include "source/upstream/hash_ring.h"
#include "source/upstream/target_health.h"

namespace portico::upstream {

enum class Algorithm { kRoundRobin, kLeastConnections, kConsistentHashing };

// What consistent hashing hashes (Kong's hash_on / hash_fallback).
enum class HashOn { kNone, kConsumer, kIp, kHeader, kCookie, kPath, kQueryArg, kUriCapture };

struct HashSource {
  HashOn on = HashOn::kNone;
  std::string name;  // the header, cookie or query argument for those kinds
};

struct TargetRuntime {
  const config::v1::Target* target = nullptr;
  std::string host;  // without IPv6 brackets
  uint16_t port = 8000;
  // host:port, IPv6 in brackets: the health key's second half and the admin's `target`.
  std::string host_port;
  uint32_t weight = 0;
  // Set when the host is an IP literal; otherwise resolved per connection.
  std::optional<sockaddr_storage> address;
  TargetHealthSharedPtr health;
};

// Thresholds of one side (active or passive) of Kong's health checks; 0 disables a counter.
struct HealthThresholds {
  uint32_t successes = 0;
  uint32_t tcp_failures = 0;
  uint32_t timeouts = 0;
  uint32_t http_failures = 0;
  std::vector<uint32_t> healthy_statuses;
  std::vector<uint32_t> unhealthy_statuses;
};

// One upstream compiled for the proxy: immutable, shared by every worker through the snapshot.
struct UpstreamRuntime {
  const config::v1::Upstream* upstream = nullptr;
  Algorithm algorithm = Algorithm::kRoundRobin;
  HashSource hash_on;
  HashSource hash_fallback;
  std::string cookie_path;
  // Kong's upstream `client_certificate`: presented by HTTPS health probes (a service's own
  // client_certificate is what proxied requests present). Points into the snapshot's config.
  const config::v1::Certificate* client_certificate = nullptr;
  std::vector<TargetRuntime> targets;  // config order, weight-0 ones included
  HashRing ring;                       // over targets with weight > 0
  // Kong's is_upstream_using_healthcheck: any probe interval or passive failure threshold set.
  bool healthchecks_enabled = false;
  HealthThresholds passive;
  // Changes whenever the target list does, so per-worker balancing state keyed by it is reset.
  std::string state_key;
};

using UpstreamRuntimeConstSharedPtr = std::shared_ptr<const UpstreamRuntime>;

// "host", "host:port", "[v6]:port" -> host and port (8000 when absent, as Kong's targets).
struct HostPort {
  std::string host;
  uint16_t port = 8000;
};
HostPort splitTarget(const std::string& target);

// The health registry key of a target.
std::string healthKey(const config::v1::Upstream& upstream, const std::string& host_port);

// Compiles `upstream` with its `targets`. With a registry, targets' health is the registry's (it
// survives reloads); without one (validation only) it is fresh.
UpstreamRuntimeConstSharedPtr compileUpstream(const config::v1::Upstream& upstream,
                                              const std::vector<const config::v1::Target*>& targets,
                                              const config::v1::Certificate* client_certificate,
                                              HealthRegistry* registry);

// True when `status` is listed.
bool containsStatus(const std::vector<uint32_t>& statuses, int status);

}  // namespace portico::upstream
