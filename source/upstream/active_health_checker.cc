#include "source/upstream/active_health_checker.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"
#include "source/common/tls/client_context.h"

namespace portico::upstream {
namespace {

uint64_t toMs(double seconds) { return static_cast<uint64_t>(std::llround(seconds * 1000)); }

bool activeChecksOn(const config::v1::ActiveHealthcheck& active) {
  return active.healthy().interval() > 0 || active.unhealthy().interval() > 0;
}

std::string probeRequest(const config::v1::ActiveHealthcheck& active, const TargetRuntime& target) {
  std::string request = absl::StrCat("GET ", active.http_path(), " HTTP/1.1\r\n");
  bool has_host = false;
  for (const auto& [name, values] : active.headers()) {
    for (const std::string& value : values.values()) {
      absl::StrAppend(&request, name, ": ", value, "\r\n");
    }
    has_host = has_host || absl::AsciiStrToLower(name) == "host";
  }
  if (!has_host) {
    absl::StrAppend(&request, "Host: ", target.host_port, "\r\n");
  }
  absl::StrAppend(&request, "User-Agent: portico-healthcheck\r\nConnection: close\r\n\r\n");
  return request;
}

}  // namespace

// One probe in flight: an HTTP(S) request, or for `tcp` checks a bare connect.
class ActiveHealthChecker::Probe : public network::ConnectionCallbacks {
 public:
  using Done = std::function<void(Result)>;

  Probe(Upstreams& upstreams, uint64_t timeout_ms)
      : upstreams_(upstreams),
        timer_(upstreams.loop, [this] { finish(Result::kTimeout); }),
        timeout_ms_(timeout_ms) {}

  void startHttp(HttpTarget target, std::string request, std::vector<uint32_t> healthy,
                 std::vector<uint32_t> unhealthy, Done done) {
    done_ = std::move(done);
    HttpClientRequest::Options options;
    options.timeout_ms = timeout_ms_;
    options.max_response_bytes = 64 * 1024;
    http_ = std::make_unique<HttpClientRequest>(
        upstreams_, std::move(target), std::move(request), options,
        [this, healthy = std::move(healthy),
         unhealthy = std::move(unhealthy)](absl::StatusOr<HttpResponse> response) {
          if (!response.ok()) {
            finish(response.status().code() == absl::StatusCode::kDeadlineExceeded
                       ? Result::kTimeout
                       : Result::kTcpFailure);
          } else if (containsStatus(unhealthy, response->status)) {
            finish(Result::kHttpFailure);
          } else {
            finish(containsStatus(healthy, response->status) ? Result::kSuccess : Result::kNeutral);
          }
        });
    http_->start();
  }

  void startTcp(const TargetRuntime& target, Done done) {
    done_ = std::move(done);
    timer_.arm(timeout_ms_);
    if (target.address) {
      connect(reinterpret_cast<const sockaddr*>(&*target.address));
      return;
    }
    std::weak_ptr<Probe*> alive = alive_;
    upstreams_.resolver.resolve(target.host, target.port, [alive](const Resolver::Result& result) {
      std::shared_ptr<Probe*> self = alive.lock();
      if (self == nullptr) {
        return;
      }
      if (result.outcome == Resolver::Outcome::kOk) {
        (*self)->connect(reinterpret_cast<const sockaddr*>(&result.address));
      } else {
        (*self)->finish(Result::kTcpFailure);
      }
    });
  }

  void onConnected() override { finish(Result::kSuccess); }
  void onData(const char*, size_t) override {}
  void onClose(network::CloseReason, const std::string&) override { finish(Result::kTcpFailure); }

 private:
  void connect(const sockaddr* address) {
    connection_ = network::Connection::connect(upstreams_.loop, address, nullptr, "", this);
  }

  void finish(Result result) {
    if (done_ == nullptr) {
      return;
    }
    timer_.disarm();
    Done done = std::move(done_);
    done_ = nullptr;
    done(result);
  }

  Upstreams& upstreams_;
  network::Timer timer_;
  Done done_;
  uint64_t timeout_ms_;
  std::unique_ptr<HttpClientRequest> http_;
  network::ConnectionPtr connection_;
  std::shared_ptr<Probe*> alive_ = std::make_shared<Probe*>(this);
};

ActiveHealthChecker::ActiveHealthChecker(Upstreams& upstreams, HealthRegistry& registry,
                                         std::string trusted_ca_pem)
    : upstreams_(upstreams), registry_(registry), trusted_ca_pem_(std::move(trusted_ca_pem)) {}

ActiveHealthChecker::~ActiveHealthChecker() = default;

void ActiveHealthChecker::update(const std::vector<UpstreamRuntimeConstSharedPtr>& upstreams) {
  checked_.clear();
  absl::flat_hash_set<std::string> keys;
  for (const UpstreamRuntimeConstSharedPtr& upstream : upstreams) {
    const config::v1::ActiveHealthcheck& active = upstream->upstream->healthchecks().active();
    for (const TargetRuntime& target : upstream->targets) {
      keys.insert(healthKey(*upstream->upstream, target.host_port));
      if (!activeChecksOn(active)) {
        target.health->setActivelyHealthy(true);
      }
    }
    if (!activeChecksOn(active)) {
      continue;
    }
    auto checked = std::make_unique<Checked>();
    checked->upstream = upstream;
    if (active.type() == "https" || active.type() == "grpcs") {
      tls::ClientOptions options;
      options.verify = active.https_verify_certificate();
      options.extra_ca_pem = trusted_ca_pem_;
      if (const config::v1::Certificate* certificate = upstream->client_certificate) {
        options.client_cert_pem = certificate->cert();
        options.client_key_pem = certificate->key();
      }
      absl::StatusOr<tls::SslCtxPtr> context = tls::makeClientContext(options);
      if (!context.ok()) {
        log::error(absl::StrCat("upstream ", upstream->upstream->name(),
                                ": no TLS for health checks: ", context.status().message()));
        continue;
      }
      checked->tls_context = std::shared_ptr<SSL_CTX>(context->release(), SSL_CTX_free);
    }
    std::vector<double> intervals;
    for (double interval : {active.healthy().interval(), active.unhealthy().interval()}) {
      if (interval > 0) {
        intervals.push_back(interval);
      }
    }
    const uint64_t tick_ms =
        std::max<uint64_t>(10, toMs(*std::min_element(intervals.begin(), intervals.end())));
    Checked* raw = checked.get();
    checked->timer = std::make_unique<network::Timer>(upstreams_.loop, [this, raw] { tick(*raw); });
    checked->timer->armRepeating(tick_ms);
    checked_.push_back(std::move(checked));
  }
  absl::erase_if(counters_, [&keys](const auto& entry) { return keys.count(entry.first) == 0; });
  registry_.retainOnly(keys);
}

void ActiveHealthChecker::tick(Checked& checked) {
  finished_.clear();
  const config::v1::ActiveHealthcheck& active = checked.upstream->upstream->healthchecks().active();
  const uint64_t now = uv_now(upstreams_.loop);
  for (const TargetRuntime& target : checked.upstream->targets) {
    if (target.weight == 0) {
      continue;
    }
    Counters& counters = counters_[healthKey(*checked.upstream->upstream, target.host_port)];
    const double interval = target.health->activelyHealthy() ? active.healthy().interval()
                                                             : active.unhealthy().interval();
    // A little slack, so a tick that fires a hair early does not skip a whole interval.
    if (counters.probing || interval <= 0 ||
        (counters.last_probe_ms != 0 && now + 5 < counters.last_probe_ms + toMs(interval))) {
      continue;
    }
    counters.last_probe_ms = now;
    counters.probing = true;
    probe(checked, target);
  }
}

void ActiveHealthChecker::probe(Checked& checked, const TargetRuntime& target) {
  const config::v1::ActiveHealthcheck& active = checked.upstream->upstream->healthchecks().active();
  UpstreamRuntimeConstSharedPtr upstream = checked.upstream;
  const size_t index = static_cast<size_t>(&target - upstream->targets.data());
  auto owned = std::make_unique<Probe>(upstreams_, std::max<uint64_t>(1, toMs(active.timeout())));
  Probe* raw = owned.get();
  probes_.emplace(raw, std::move(owned));
  std::weak_ptr<bool> alive = alive_;
  Probe::Done done = [this, alive, upstream, index, raw](Result result) {
    if (alive.expired()) {
      return;
    }
    const TargetRuntime& probed = upstream->targets[index];
    counters_[healthKey(*upstream->upstream, probed.host_port)].probing = false;
    record(*upstream, probed, result);
    auto it = probes_.find(raw);
    if (it != probes_.end()) {
      finished_.push_back(std::move(it->second));
      probes_.erase(it);
    }
  };
  if (active.type() == "tcp") {
    raw->startTcp(target, std::move(done));
    return;
  }
  HttpTarget http_target;
  http_target.host = target.host;
  http_target.port = target.port;
  http_target.tls_context = checked.tls_context.get();
  http_target.pool_key = absl::StrCat("healthcheck|", active.type(), "://", target.host_port);
  if (checked.tls_context != nullptr && active.has_https_sni()) {
    http_target.host = active.https_sni();
  }
  raw->startHttp(std::move(http_target), probeRequest(active, target),
                 std::vector<uint32_t>(active.healthy().http_statuses().begin(),
                                       active.healthy().http_statuses().end()),
                 std::vector<uint32_t>(active.unhealthy().http_statuses().begin(),
                                       active.unhealthy().http_statuses().end()),
                 std::move(done));
}

void ActiveHealthChecker::record(const UpstreamRuntime& upstream, const TargetRuntime& target,
                                 Result result) {
  const config::v1::ActiveHealthcheck& active = upstream.upstream->healthchecks().active();
  Counters& counters = counters_[healthKey(*upstream.upstream, target.host_port)];
  const bool healthy = target.health->activelyHealthy();
  auto transition = [&](bool to_healthy) {
    counters.successes = counters.tcp_failures = counters.timeouts = counters.http_failures = 0;
    target.health->setActivelyHealthy(to_healthy);
    log::info(absl::StrCat("upstream ", upstream.upstream->name(), " target ", target.host_port,
                           to_healthy ? " is healthy" : " is unhealthy", " (active check)"));
  };
  if (result == Result::kNeutral) {
    return;
  }
  if (result == Result::kSuccess) {
    const uint32_t limit = active.healthy().successes();
    if (limit == 0 || healthy) {
      counters.tcp_failures = counters.timeouts = counters.http_failures = 0;
      return;
    }
    if (++counters.successes >= limit) {
      transition(true);
    }
    return;
  }
  uint32_t* counter = &counters.tcp_failures;
  uint32_t limit = active.unhealthy().tcp_failures();
  if (result == Result::kTimeout) {
    counter = &counters.timeouts;
    limit = active.unhealthy().timeouts();
  } else if (result == Result::kHttpFailure) {
    counter = &counters.http_failures;
    limit = active.unhealthy().http_failures();
  }
  if (limit == 0 || !healthy) {
    return;
  }
  counters.successes = 0;
  if (++*counter >= limit) {
    transition(false);
  }
}

}  // namespace portico::upstream
