#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/common/tls/certificate_selector.h"
#include "source/common/tls/client_context.h"
#include "source/http/filter_factory.h"
#include "source/router/router.h"
#include "source/upstream/upstream_runtime.h"

namespace portico::server {

// What the proxy needs of one service, computed once per snapshot.
struct ServiceRuntime {
  const config::v1::Service* service = nullptr;
  std::shared_ptr<SSL_CTX> tls_context;  // set for https services
  // Identifies interchangeable upstream connections across snapshots (scheme, host, port, TLS
  // settings), so pools survive reloads that do not change the service's endpoint.
  std::string pool_key;
  // The Host header for preserve_host = false: host, plus ":port" unless it is the default.
  std::string host_header;
  // Set when `host` is an IP literal; otherwise the host is resolved per connection.
  std::optional<sockaddr_storage> address;
  // Set when `host` names an upstream: requests are balanced over its targets, each with its own
  // Host header (the upstream's host_header, or the target's host:port) and pool key (in the
  // upstream's target order).
  upstream::UpstreamRuntimeConstSharedPtr upstream;
  std::vector<std::string> target_host_headers;
  std::vector<std::string> target_pool_keys;
};

// One enabled plugin instance and its compiled config.
struct PluginEntry {
  const config::v1::PluginInstance* instance = nullptr;
  int priority = 0;
  // Null when this build has the plugin's schema but not yet its filter.
  http::FilterConfigConstSharedPtr filter_config;
};

// Kong's plugin precedence (kong/runloop/plugins_iterator.lua): for each plugin name, the most
// specific instance for the request's route, service and consumer wins.
class PluginIndex {
 public:
  void add(const std::string& name, const std::string& route_id, const std::string& service_id,
           const std::string& consumer_id, PluginEntry entry);
  // Call once after every add(): orders plugin names by priority (high first).
  void finalize();

  const std::vector<std::string>& namesByPriority() const { return names_; }
  const PluginEntry* lookup(const std::string& name, const std::string& route_id,
                            const std::string& service_id, const std::string& consumer_id) const;
  bool empty() const { return names_.empty(); }
  // Some instance of `name` is configured (enabled), whatever its scope.
  bool has(absl::string_view name) const { return priorities_.contains(name); }

 private:
  absl::flat_hash_map<std::string, PluginEntry> entries_;
  absl::flat_hash_map<std::string, int> priorities_;
  std::vector<std::string> names_;
};

// Settings from the bootstrap that the snapshot compiles in.
struct SnapshotOptions {
  std::string trusted_ca_pem;  // lua_ssl_trusted_certificate contents
  // See http::FilterFactoryContext; nullptr when only validating.
  http::LoopServices* services = nullptr;
  // The certificate TLS clients get when no sni matches (kong.conf's ssl_cert, or self-signed);
  // null without TLS listeners.
  std::shared_ptr<SSL_CTX> default_server_context;
  // Where targets' health lives across reloads; nullptr when only validating.
  upstream::HealthRegistry* health_registry = nullptr;
};

// An immutable, compiled configuration. Workers hold it through shared_ptr; a stream keeps the
// snapshot it started with, so a reload never changes a request in flight.
class Snapshot {
 public:
  static absl::StatusOr<std::shared_ptr<const Snapshot>> build(
      std::shared_ptr<const config::v1::DeclarativeConfig> config, const SnapshotOptions& options,
      uint64_t version);

  const config::v1::DeclarativeConfig& config() const { return *config_; }
  const router::Router& router() const { return *router_; }
  // `service` is one of config()'s services (a route match's points there).
  const ServiceRuntime* service(const config::v1::Service& service) const;
  // By name or id; nullptr when there is no such upstream.
  const upstream::UpstreamRuntime* upstream(const std::string& name_or_id) const;
  const std::vector<upstream::UpstreamRuntimeConstSharedPtr>& upstreams() const {
    return upstreams_;
  }
  const PluginIndex& plugins() const { return plugins_; }
  // The certificates TLS listeners present, by SNI.
  const tls::CertificateSelector& serverCertificates() const { return *server_certificates_; }
  uint64_t version() const { return version_; }

 private:
  Snapshot() = default;

  std::shared_ptr<const config::v1::DeclarativeConfig> config_;
  std::unique_ptr<const router::Router> router_;
  // By address, not id: a request finds its service without hashing a string.
  absl::flat_hash_map<const config::v1::Service*, ServiceRuntime> services_;
  std::vector<upstream::UpstreamRuntimeConstSharedPtr> upstreams_;
  absl::flat_hash_map<std::string, upstream::UpstreamRuntimeConstSharedPtr> upstreams_by_name_;
  PluginIndex plugins_;
  std::unique_ptr<const tls::CertificateSelector> server_certificates_;
  uint64_t version_ = 0;
};

using SnapshotConstSharedPtr = std::shared_ptr<const Snapshot>;

}  // namespace portico::server
