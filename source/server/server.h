#pragma once

#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "portico/config/v1/bootstrap.pb.h"
#include "source/http/loop_services.h"
#include "source/server/admin/admin_api.h"
#include "source/server/admin/admin_listener.h"
#include "source/server/config_manager.h"
#include "source/server/data_plane.h"
#include "source/server/file_watcher.h"
#include "source/server/proxy_settings.h"
#include "source/server/worker.h"
#include "source/upstream/active_health_checker.h"
#include "source/upstream/fetcher.h"
#include "source/upstream/upstreams.h"
#include "source/xds/server/discovery_server.h"

namespace portico::server {

// The main thread: loads the config, starts the workers, serves the admin API, and handles
// signals — SIGHUP reloads the declarative file, SIGTERM/SIGINT/SIGQUIT drain and exit.
class Server {
 public:
  explicit Server(config::v1::Bootstrap bootstrap);
  ~Server();

  // Runs until a stop signal; returns the process exit code. Startup errors are printed to
  // stderr as "Error: …" (Kong's CLI wording) and return 1.
  int run();

 private:
  absl::Status start();
  absl::Status loadInitialConfig();
  absl::Status openListeners();
  // role = data_plane: the discovery stream (control_plane: the discovery service).
  absl::Status startHybrid();
  void publishToDataPlanes(const SnapshotConstSharedPtr& snapshot);
  void reloadFromFile();
  void beginShutdown();
  void checkShutdown();
  std::string pidFile() const;
  // GET /metrics and GET /status/ready (admin and status listeners).
  std::string metricsText() const;
  std::string unreadyReason() const;
  // A Worker counter (e.g. &Worker::totalRequests) added up over every worker.
  template <class Counter>
  uint64_t sumOverWorkers(Counter counter) const;

  config::v1::Bootstrap bootstrap_;
  ProxySettings settings_;
  uv_loop_t loop_;
  // Background fetches of plugins (credentials, key sets) on the main loop.
  std::unique_ptr<upstream::Upstreams> main_upstreams_;
  upstream::HttpFetcher main_fetcher_;
  std::unique_ptr<http::LoopServices> main_loop_services_;
  // Targets' health, shared with the workers through the snapshots; probed on the main loop.
  upstream::HealthRegistry health_registry_;
  std::unique_ptr<upstream::ActiveHealthChecker> health_checker_;
  std::unique_ptr<ConfigManager> config_;
  std::unique_ptr<DataPlane> data_plane_;
  std::unique_ptr<xds::server::DiscoveryServer> discovery_;
  std::unique_ptr<FileWatcher> file_watcher_;
  // What `ssl` proxy listeners accept with (null without any); see server_tls.h.
  std::shared_ptr<SSL_CTX> tls_accept_context_;
  // What `ssl` admin listeners accept with (null without any); see admin/admin_tls.h.
  std::shared_ptr<SSL_CTX> admin_tls_context_;
  std::vector<std::unique_ptr<Worker>> workers_;
  admin::ProcessInfo process_;
  std::unique_ptr<admin::AdminApi> admin_api_;
  // status_listen's read-only API; its listeners sit in admin_listeners_.
  std::unique_ptr<admin::AdminApi> status_api_;
  int64_t config_loaded_at_ = 0;  // unix seconds of the last config applied
  std::vector<std::unique_ptr<admin::AdminListener>> admin_listeners_;
  std::vector<uv_signal_t*> signals_;
  uv_timer_t* shutdown_timer_ = nullptr;
  uint64_t shutdown_deadline_ms_ = 0;
  bool shutting_down_ = false;
};

}  // namespace portico::server
