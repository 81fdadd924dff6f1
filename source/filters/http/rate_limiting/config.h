#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "portico/config/v1/plugin.pb.h"
#include "source/filters/http/rate_limiting/period.h"

namespace portico::filters::http::rate_limiting {

enum class LimitBy { kConsumer, kCredential, kIp, kService, kHeader, kPath };
enum class Policy { kLocal, kRedis };
enum class WindowType { kFixed, kSliding };

struct Limit {
  Period period;
  double limit;
};

// A Redis Cluster seed node (Kong Enterprise's `redis.cluster_nodes` element).
struct RedisNode {
  std::string ip;
  uint16_t port = 6379;
};

// Where and how to reach Redis (kong/tools/redis/schema.lua; the cluster fields are Kong
// Enterprise's).
struct RedisSettings {
  std::string host;
  uint16_t port = 6379;
  uint32_t timeout_ms = 2000;
  std::string username;
  std::string password;
  int64_t database = 0;
  bool ssl = false;
  bool ssl_verify = false;
  std::string server_name;
  // Set: a Redis Cluster reached through these seeds (host/port and database are then unused).
  std::vector<RedisNode> cluster_nodes;
  int cluster_max_redirections = 5;

  bool cluster() const { return !cluster_nodes.empty(); }
  // Identifies interchangeable connections: configs with equal keys share a worker's pool.
  std::string poolKey() const;
};

// One plugin instance's config, compiled once per snapshot; read-only afterwards.
struct RateLimitConfig {
  std::vector<Limit> limits;  // configured periods, shortest first
  LimitBy limit_by = LimitBy::kConsumer;
  std::string header_name;
  std::string path;
  Policy policy = Policy::kLocal;
  bool fault_tolerant = true;
  RedisSettings redis;
  bool hide_client_headers = false;
  int error_code = 429;
  std::string error_message = "API rate limit exceeded";
  double sync_rate = -1;
  WindowType window_type = WindowType::kFixed;
  // The plugin instance's own scope, as Kong puts it into counter keys: its route and service ids,
  // or the null UUID when it is not scoped to one.
  std::string route_scope;
  std::string service_scope;
};

inline constexpr char kNullUuid[] = "00000000-0000-0000-0000-000000000000";

// Reads a config that the schema already validated and filled with defaults.
absl::StatusOr<RateLimitConfig> parseConfig(const google::protobuf::Struct& config,
                                            const config::v1::PluginInstance& instance);

}  // namespace portico::filters::http::rate_limiting
