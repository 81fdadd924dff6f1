#include "source/server/server.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "source/common/log/logger.h"
#include "source/common/network/handle.h"
#include "source/common/tls/configured_certificates.h"
#include "source/config/declarative/ids.h"
#include "source/server/access_log.h"
#include "source/server/admin/admin_tls.h"
#include "source/server/data_plane.h"
#include "source/server/declarative_source.h"
#include "source/server/file_watcher.h"
#include "source/server/listen_socket.h"
#include "source/server/process_lock.h"
#include "source/server/server_tls.h"
#include "source/server/stats/cluster_gauges.h"
#include "source/server/stats/counter_family.h"
#include "source/server/stats/metrics_page.h"
#include "source/server/stats/readiness.h"
#include "source/upstream/url_fetcher.h"
#include "source/xds/server/discovery_server.h"
#include "source/xds/server/grpc_log.h"

namespace portico::server {
namespace {

constexpr uint64_t kShutdownPollMs = 50;

}  // namespace

Server::Server(config::v1::Bootstrap bootstrap)
    : bootstrap_(std::move(bootstrap)), settings_(ProxySettings::fromBootstrap(bootstrap_)) {
  uv_loop_init(&loop_);
}

Server::~Server() {
  admin_listeners_.clear();
  // Their handles live on loop_, which closes below.
  file_watcher_.reset();
  discovery_.reset();
  data_plane_.reset();
  config_.reset();
  main_loop_services_.reset();
  // Its state holds the requests in flight, whose handles must close before the loop does.
  main_fetcher_ = nullptr;
  health_checker_.reset();
  main_upstreams_.reset();
  for (uv_signal_t* signal : signals_) {
    network::closeAndDelete(signal);
  }
  network::closeAndDelete(shutdown_timer_);
  uv_run(&loop_, UV_RUN_NOWAIT);
  if (uv_loop_close(&loop_) == UV_EBUSY) {
    uv_walk(
        &loop_,
        [](uv_handle_t* handle, void*) {
          log::warn(absl::StrCat("open at exit: ", uv_handle_type_name(handle->type),
                                 uv_is_closing(handle) ? " (closing)" : "",
                                 uv_is_active(handle) ? " (active)" : ""));
        },
        nullptr);
  }
}

std::string Server::pidFile() const {
  return absl::StrCat(bootstrap_.prefix(), "/pids/portico.pid");
}

int Server::run() {
  if (absl::Status status = start(); !status.ok()) {
    std::cerr << "Error: " << status.message() << std::endl;
    for (auto& worker : workers_) {
      worker->postDrain(true);
    }
    workers_.clear();
    return 1;
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  workers_.clear();  // joins every worker thread
  admin_listeners_.clear();
  unlink(pidFile().c_str());
  std::cerr << "Portico stopped" << std::endl;
  return 0;
}

absl::Status Server::start() {
  absl::StatusOr<ProcessLock> lock = ProcessLock::acquire(bootstrap_.prefix());
  if (!lock.ok()) {
    return lock.status();
  }
  const std::string& error_log = bootstrap_.error_log();
  log::configure(error_log.empty() || error_log.front() == '/' || error_log == "stderr" ||
                         error_log == "stdout"
                     ? error_log
                     : absl::StrCat(bootstrap_.prefix(), "/", error_log),
                 log::parseLevel(bootstrap_.log_level()));
  std::string log_error;
  settings_.access_log_fd = openAccessLog(bootstrap_.access_log(), bootstrap_.prefix(), &log_error);
  if (!log_error.empty()) {
    return absl::PermissionDeniedError(log_error);
  }
  SnapshotOptions options;
  if (!bootstrap_.lua_ssl_trusted_certificate().empty()) {
    absl::StatusOr<std::string> pem = tls::readSettingFile(
        "lua_ssl_trusted_certificate", bootstrap_.lua_ssl_trusted_certificate());
    if (!pem.ok()) {
      return pem.status();
    }
    options.trusted_ca_pem = std::move(*pem);
  }
  if (bootstrap_.dns().has_hostsfile()) {
    upstream::setProcessHostsFile(bootstrap_.dns().hostsfile());  // before any worker resolves
  }
  main_upstreams_ = std::make_unique<upstream::Upstreams>(&loop_, 4, 60000, bootstrap_.dns());
  main_fetcher_ = upstream::makeUrlFetcher(*main_upstreams_, options.trusted_ca_pem);
  main_loop_services_ =
      std::make_unique<http::LoopServices>(&loop_, main_upstreams_->resolver, &main_fetcher_);
  options.services = main_loop_services_.get();
  options.health_registry = &health_registry_;
  health_checker_ = std::make_unique<upstream::ActiveHealthChecker>(
      *main_upstreams_, health_registry_, options.trusted_ca_pem);
  absl::StatusOr<ServerTls> tls = makeServerTls(bootstrap_);
  if (!tls.ok()) {
    return tls.status();
  }
  tls_accept_context_ = std::move(tls->accept_context);
  options.default_server_context = std::move(tls->default_certificate);
  config_ = std::make_unique<ConfigManager>(std::move(options), [this](SnapshotConstSharedPtr s) {
    config_loaded_at_ = absl::ToUnixSeconds(absl::Now());
    health_checker_->update(s->upstreams());
    for (auto& worker : workers_) {
      worker->postSnapshot(s);
    }
    publishToDataPlanes(s);
  });
  if (absl::Status status = loadInitialConfig(); !status.ok()) {
    return status;
  }
  process_.node_id = config::declarative::randomUuid();
  process_.hostname = admin::localHostname();
  if (absl::Status status = startHybrid(); !status.ok()) {
    return status;
  }
  if (absl::Status status = openListeners(); !status.ok()) {
    return status;
  }
  if (bootstrap_.watch_declarative_config() && !bootstrap_.declarative_config().empty() &&
      bootstrap_.role() != "data_plane") {
    file_watcher_ = std::make_unique<FileWatcher>(&loop_, bootstrap_.declarative_config(), 200,
                                                  [this] { reloadFromFile(); });
    if (absl::Status status = file_watcher_->start(); !status.ok()) {
      log::warn(absl::StrCat(status.message(), "; reload with `portico reload` or SIGHUP"));
    }
  }
  if (absl::Status status = lock->writePid(getpid()); !status.ok()) {
    return status;
  }
  const int stop_signals[] = {SIGTERM, SIGINT, SIGQUIT};
  for (int signum : stop_signals) {
    auto* handle = new uv_signal_t;
    uv_signal_init(&loop_, handle);
    handle->data = this;
    uv_signal_start(
        handle,
        [](uv_signal_t* h, int) {
          if (auto* self = static_cast<Server*>(h->data)) {
            self->beginShutdown();
          }
        },
        signum);
    signals_.push_back(handle);
  }
  auto* hangup = new uv_signal_t;
  uv_signal_init(&loop_, hangup);
  hangup->data = this;
  uv_signal_start(
      hangup,
      [](uv_signal_t* h, int) {
        if (auto* self = static_cast<Server*>(h->data)) {
          self->reloadFromFile();
        }
      },
      SIGHUP);
  signals_.push_back(hangup);
  signal(SIGPIPE, SIG_IGN);
  std::cerr << "Portico started" << std::endl;
  return absl::OkStatus();
}

absl::Status Server::loadInitialConfig() {
  if (bootstrap_.role() == "data_plane") {
    return absl::OkStatus();  // the control plane's, or the persisted one (startHybrid)
  }
  if (!bootstrap_.declarative_config().empty()) {
    absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> config =
        loadDeclarativeFile(bootstrap_.declarative_config());
    if (!config.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("error parsing declarative config file ",
                                                     bootstrap_.declarative_config(), ":\n",
                                                     config.status().message()));
    }
    return config_->apply(std::move(*config));
  }
  if (!bootstrap_.declarative_config_string().empty()) {
    absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> config =
        loadDeclarativeText(bootstrap_.declarative_config_string(), "declarative_config_string");
    if (!config.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("error parsing declarative string declarative_config_string:\n",
                       config.status().message()));
    }
    return config_->apply(std::move(*config));
  }
  return absl::OkStatus();
}

template <class Counter>
uint64_t Server::sumOverWorkers(Counter counter) const {
  uint64_t total = 0;
  for (const auto& worker : workers_) {
    total += ((*worker).*counter)();
  }
  return total;
}

absl::Status Server::openListeners() {
  const uint32_t worker_count = bootstrap_.workers() > 0 ? bootstrap_.workers() : 1;
  std::vector<std::vector<ListenSocket>> per_worker(worker_count);
  for (const config::v1::Listener& listener : bootstrap_.proxy_listen()) {
    if (listener.http2()) {
      log::notice(absl::StrCat("proxy_listen ", listener.address(), ":", listener.port(),
                               ": http2 is not supported, the listener speaks HTTP/1.1"));
    }
    for (uint32_t i = 0; i < worker_count; ++i) {
      absl::StatusOr<int> fd =
          openListenSocket(listener.address(), static_cast<uint16_t>(listener.port()), true);
      if (!fd.ok()) {
        return fd.status();
      }
      per_worker[i].push_back({*fd, static_cast<uint16_t>(listener.port()),
                               listener.ssl() ? tls_accept_context_ : nullptr});
    }
  }
  process_.pid = getpid();
  process_.worker_count = worker_count;
  process_.prefix = bootstrap_.prefix();
  process_.declarative_config = bootstrap_.declarative_config();
  process_.bootstrap = &bootstrap_;
  process_.connections_active = [this] { return sumOverWorkers(&Worker::activeConnections); };
  process_.connections_accepted = [this] { return sumOverWorkers(&Worker::acceptedConnections); };
  process_.total_requests = [this] { return sumOverWorkers(&Worker::totalRequests); };
  process_.metrics = [this] { return metricsText(); };
  process_.unready_reason = [this] { return unreadyReason(); };
  admin_api_ = std::make_unique<admin::AdminApi>(
      *config_, process_, [this](std::shared_ptr<const config::v1::DeclarativeConfig> config) {
        return config_->apply(std::move(config));
      });
  absl::StatusOr<std::shared_ptr<SSL_CTX>> admin_tls = admin::makeAdminTlsContext(bootstrap_);
  if (!admin_tls.ok()) {
    return admin_tls.status();
  }
  admin_tls_context_ = std::move(*admin_tls);
  for (const config::v1::Listener& listener : bootstrap_.admin_listen()) {
    absl::StatusOr<int> fd =
        openListenSocket(listener.address(), static_cast<uint16_t>(listener.port()), false);
    if (!fd.ok()) {
      return fd.status();
    }
    admin::ListenerSecurity security;
    security.tls_context = listener.ssl() ? admin_tls_context_.get() : nullptr;
    security.bearer_token = bootstrap_.admin_auth_token();
    admin_listeners_.push_back(
        std::make_unique<admin::AdminListener>(&loop_, *fd, *admin_api_, std::move(security)));
  }
  status_api_ =
      std::make_unique<admin::AdminApi>(*config_, process_, nullptr, admin::ApiSurface::kStatus);
  for (const config::v1::Listener& listener : bootstrap_.status_listen()) {
    if (listener.ssl()) {
      continue;
    }
    absl::StatusOr<int> fd =
        openListenSocket(listener.address(), static_cast<uint16_t>(listener.port()), false);
    if (!fd.ok()) {
      return fd.status();
    }
    admin_listeners_.push_back(std::make_unique<admin::AdminListener>(&loop_, *fd, *status_api_));
  }
  for (uint32_t i = 0; i < worker_count; ++i) {
    workers_.push_back(std::make_unique<Worker>(static_cast<int>(i), settings_,
                                                std::move(per_worker[i]), config_->current()));
    workers_.back()->start();
  }
  return absl::OkStatus();
}

std::string Server::metricsText() const {
  stats::Aggregate aggregate;
  for (const auto& worker : workers_) {
    worker->stats().collectInto(aggregate);
  }
  stats::collectUnboundCounts(aggregate);
  stats::ProcessGauges gauges;
  gauges.node_id = process_.node_id;
  gauges.version = kProductVersion;
  gauges.connections_accepted = sumOverWorkers(&Worker::acceptedConnections);
  gauges.connections_active = sumOverWorkers(&Worker::activeConnections);
  gauges.total_requests = sumOverWorkers(&Worker::totalRequests);
  gauges.config_hash = config_->hash();
  gauges.config_version = config_->current()->version();
  gauges.config_loaded_at = config_loaded_at_;
  if (data_plane_ != nullptr) {
    gauges.control_plane_connected = data_plane_->client().connected();
  }
  if (discovery_ != nullptr) {
    gauges.data_planes = stats::dataPlaneGauges(discovery_->dataPlanesJson());
  }
  return stats::renderMetricsPage(aggregate, gauges);
}

std::string Server::unreadyReason() const {
  stats::ReadinessInputs inputs;
  inputs.control_plane = bootstrap_.role() == "control_plane";
  inputs.config_hash = config_->hash();
  inputs.workers = workers_.size();
  for (const auto& worker : workers_) {
    inputs.workers_running += worker->stats().running() ? 1 : 0;
  }
  return stats::unreadyReason(inputs);
}

absl::Status Server::startHybrid() {
  if (bootstrap_.role() == "control_plane") {
    xds::server::routeGrpcLogsToErrorLog();
    absl::StatusOr<std::unique_ptr<xds::server::DiscoveryServer>> discovery =
        xds::server::DiscoveryServer::start(xds::server::DiscoveryServer::optionsFrom(bootstrap_));
    if (!discovery.ok()) {
      return discovery.status();
    }
    discovery_ = std::move(*discovery);
    publishToDataPlanes(config_->current());
    process_.data_planes = [this] { return discovery_->dataPlanesJson(); };
    log::notice(absl::StrCat("control plane serving data planes on ", bootstrap_.cluster_listen()));
    return absl::OkStatus();
  }
  if (bootstrap_.role() != "data_plane") {
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<DataPlane>> plane =
      DataPlane::start(&loop_, bootstrap_, *config_, process_.node_id, process_.hostname);
  if (!plane.ok()) {
    return plane.status();
  }
  data_plane_ = std::move(*plane);
  return absl::OkStatus();
}

void Server::publishToDataPlanes(const SnapshotConstSharedPtr& snapshot) {
  if (discovery_ == nullptr) {
    return;
  }
  // Shares the snapshot's ownership: the config lives as long as some stream still sends it.
  std::shared_ptr<const config::v1::DeclarativeConfig> config(snapshot, &snapshot->config());
  discovery_->publish(std::move(config), snapshot->config().config_hash());
}

void Server::reloadFromFile() {
  if (bootstrap_.declarative_config().empty() || shutting_down_ ||
      bootstrap_.role() == "data_plane") {
    return;
  }
  absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> config =
      loadDeclarativeFile(bootstrap_.declarative_config());
  if (!config.ok()) {
    log::error(absl::StrCat(
        "reload refused, the running config keeps serving: error parsing declarative config file ",
        bootstrap_.declarative_config(), ":\n", config.status().message()));
    return;
  }
  if (absl::Status status = config_->apply(std::move(*config)); !status.ok()) {
    log::error(
        absl::StrCat("reload refused, the running config keeps serving: ", status.message()));
    return;
  }
  log::notice(absl::StrCat("configuration reloaded from ", bootstrap_.declarative_config()));
}

void Server::beginShutdown() {
  if (shutting_down_) {
    return;
  }
  shutting_down_ = true;
  admin_listeners_.clear();
  for (auto& worker : workers_) {
    worker->postDrain(false);
  }
  shutdown_deadline_ms_ = uv_now(&loop_) + bootstrap_.drain_timeout_ms();
  shutdown_timer_ = new uv_timer_t;
  uv_timer_init(&loop_, shutdown_timer_);
  shutdown_timer_->data = this;
  uv_timer_start(
      shutdown_timer_,
      [](uv_timer_t* t) {
        if (auto* self = static_cast<Server*>(t->data)) {
          self->checkShutdown();
        }
      },
      kShutdownPollMs, kShutdownPollMs);
}

void Server::checkShutdown() {
  const uint64_t open = sumOverWorkers(&Worker::activeConnections);
  const bool deadline_passed = uv_now(&loop_) >= shutdown_deadline_ms_;
  if (open > 0 && !deadline_passed) {
    return;
  }
  for (auto& worker : workers_) {
    worker->postDrain(deadline_passed);
  }
  uv_stop(&loop_);
}

}  // namespace portico::server
