#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "portico/config/v1/bootstrap.pb.h"
#include "source/common/http/header_map.h"
#include "source/server/config_manager.h"

namespace portico::server::admin {

struct AdminRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // after '?', raw
  http::HeaderMap headers;
  std::string body;
};

struct AdminResponse {
  int status = 200;
  http::HeaderMap headers;  // Content-Type etc.; Content-Length is added by the server
  std::string body;
};

// This machine's name (gethostname), "localhost" when it has none.
std::string localHostname();

// What the admin API knows about the running process (GET /, GET /status).
struct ProcessInfo {
  std::string node_id;
  std::string hostname;
  int pid = 0;
  std::vector<int> worker_pids;
  uint32_t worker_count = 0;
  std::string prefix;
  std::string declarative_config;
  // The process settings, shown sanitised by GET /; null renders an empty configuration.
  const config::v1::Bootstrap* bootstrap = nullptr;
  std::function<uint64_t()> connections_active;
  std::function<uint64_t()> connections_accepted;
  std::function<uint64_t()> total_requests;
  // Control planes: GET /clustering/data-planes; unset elsewhere.
  std::function<nlohmann::json()> data_planes;
  // GET /metrics: the Prometheus text page.
  std::function<std::string()> metrics;
  // GET /status/ready: why the node should not take traffic yet; "" once it should.
  std::function<std::string()> unready_reason;
};

// What a listener serves: the whole admin API, or Kong's read-only status API (status_listen:
// /status, /status/ready and /metrics).
enum class ApiSurface { kAdmin, kStatus };

// Replaces the whole running config (POST /config, after the admin API parsed and validated it).
// Provided by the server, which owns compilation and publication to the workers.
using ConfigApplier =
    std::function<absl::Status(std::shared_ptr<const config::v1::DeclarativeConfig> config)>;

// Kong's DB-less Admin API (kong-behavior.md §6) over the current snapshot. Runs on the main
// thread; each request is answered from the config at the time it arrives.
class AdminApi {
 public:
  AdminApi(const ConfigManager& config, const ProcessInfo& process, ConfigApplier apply_config,
           ApiSurface surface = ApiSurface::kAdmin);

  AdminResponse handle(const AdminRequest& request) const;

 private:
  AdminResponse route(const AdminRequest& request) const;

  const ConfigManager& config_;
  const ProcessInfo& process_;
  ConfigApplier apply_config_;
  ApiSurface surface_;
  // From ProcessInfo, or made up at start when the server left them empty.
  std::string node_id_;
  std::string hostname_;
};

}  // namespace portico::server::admin
