#include "source/server/snapshot.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "source/common/network/ip_literal.h"
#include "source/config/plugin_schema.h"
#include "source/server/server_certificates.h"

namespace portico::server {
namespace {

std::string scopeKey(const std::string& name, const std::string& route_id,
                     const std::string& service_id, const std::string& consumer_id) {
  return absl::StrCat(name, "|", route_id, "|", service_id, "|", consumer_id);
}

bool isDefaultPort(const std::string& protocol, uint32_t port) {
  return ((protocol == "http" || protocol == "grpc") && port == 80) ||
         ((protocol == "https" || protocol == "grpcs") && port == 443);
}

// The config's certificate entities by id, for the services that reference them.
struct CertificateIndex {
  explicit CertificateIndex(const config::v1::DeclarativeConfig& config) {
    for (const config::v1::Certificate& certificate : config.certificates()) {
      certificates.emplace(certificate.id(), &certificate);
    }
    for (const config::v1::CaCertificate& certificate : config.ca_certificates()) {
      ca_certificates.emplace(certificate.id(), &certificate);
    }
  }

  absl::flat_hash_map<std::string, const config::v1::Certificate*> certificates;
  absl::flat_hash_map<std::string, const config::v1::CaCertificate*> ca_certificates;
};

// The service's upstream TLS settings: Kong's `tls_verify` (unset means off), `tls_verify_depth`,
// the CAs of `ca_certificates` next to lua_ssl_trusted_certificate, and the client certificate.
absl::StatusOr<tls::ClientOptions> tlsOptions(const config::v1::Service& service,
                                              const SnapshotOptions& options,
                                              const CertificateIndex& index) {
  tls::ClientOptions tls_options;
  tls_options.verify = service.has_tls_verify() && service.tls_verify();
  if (service.has_tls_verify_depth()) {
    tls_options.verify_depth = static_cast<int>(service.tls_verify_depth());
  }
  tls_options.extra_ca_pem = options.trusted_ca_pem;
  for (const std::string& id : service.ca_certificate_ids().values()) {
    auto ca = index.ca_certificates.find(id);
    if (ca == index.ca_certificates.end()) {
      return absl::InvalidArgumentError(absl::StrCat("CA Certificate '", id, "' does not exist"));
    }
    if (!tls_options.extra_ca_pem.empty() && tls_options.extra_ca_pem.back() != '\n') {
      tls_options.extra_ca_pem.push_back('\n');
    }
    tls_options.extra_ca_pem += ca->second->cert();
  }
  if (service.has_client_certificate_id()) {
    auto certificate = index.certificates.find(service.client_certificate_id());
    if (certificate == index.certificates.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "client certificate '", service.client_certificate_id(), "' does not exist"));
    }
    tls_options.client_cert_pem = certificate->second->cert();
    tls_options.client_key_pem = certificate->second->key();
  }
  return tls_options;
}

// Pooled connections carry the TLS settings they were opened with, so the pool key changes with
// any of them (a reload that swaps a CA or the client certificate must not reuse old connections).
std::string tlsPoolSuffix(const tls::ClientOptions& options) {
  std::string material = absl::StrCat(options.verify_depth, "|", options.extra_ca_pem, "|",
                                      options.client_cert_pem, "|", options.client_key_pem);
  return absl::StrCat(options.verify ? "|verify" : "",
                      "|tls=", absl::Hex(std::hash<std::string>{}(material)));
}

// Kong's set_host_header for a balanced service: the upstream's host_header, else the target's
// host with its port unless that is the scheme's default.
void addTargets(ServiceRuntime& runtime, const std::string& tls_suffix) {
  const config::v1::Service& service = *runtime.service;
  const config::v1::Upstream& upstream = *runtime.upstream->upstream;
  for (const upstream::TargetRuntime& target : runtime.upstream->targets) {
    const std::string host = target.host.find(':') != std::string::npos
                                 ? absl::StrCat("[", target.host, "]")
                                 : target.host;
    if (upstream.has_host_header()) {
      runtime.target_host_headers.push_back(upstream.host_header());
    } else if (isDefaultPort(service.protocol(), target.port)) {
      runtime.target_host_headers.push_back(host);
    } else {
      runtime.target_host_headers.push_back(target.host_port);
    }
    runtime.target_pool_keys.push_back(
        absl::StrCat(service.protocol(), "://", target.host_port, tls_suffix));
  }
}

absl::StatusOr<ServiceRuntime> compileService(
    const config::v1::Service& service, const SnapshotOptions& options,
    const CertificateIndex& index,
    const absl::flat_hash_map<std::string, upstream::UpstreamRuntimeConstSharedPtr>& upstreams) {
  ServiceRuntime runtime;
  runtime.service = &service;
  runtime.address = network::parseIpLiteral(service.host(), static_cast<uint16_t>(service.port()));
  runtime.host_header = isDefaultPort(service.protocol(), service.port())
                            ? service.host()
                            : absl::StrCat(service.host(), ":", service.port());
  runtime.pool_key = absl::StrCat(service.protocol(), "://", service.host(), ":", service.port());
  std::string tls_suffix;
  if (service.protocol() == "https" || service.protocol() == "grpcs") {
    absl::StatusOr<tls::ClientOptions> tls_options = tlsOptions(service, options, index);
    if (!tls_options.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("service ", service.id(), ": ", tls_options.status().message()));
    }
    tls_suffix = tlsPoolSuffix(*tls_options);
    runtime.pool_key += tls_suffix;
    absl::StatusOr<tls::SslCtxPtr> context = tls::makeClientContext(*tls_options);
    if (!context.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("service ", service.id(), ": ", context.status().message()));
    }
    runtime.tls_context = std::shared_ptr<SSL_CTX>(context->release(), SSL_CTX_free);
  }
  if (auto it = upstreams.find(service.host()); it != upstreams.end()) {
    runtime.upstream = it->second;
    addTargets(runtime, tls_suffix);
  }
  return runtime;
}

// Targets grouped under their upstream, in config order.
void compileUpstreams(
    const config::v1::DeclarativeConfig& config, const CertificateIndex& index,
    upstream::HealthRegistry* registry, std::vector<upstream::UpstreamRuntimeConstSharedPtr>& out,
    absl::flat_hash_map<std::string, upstream::UpstreamRuntimeConstSharedPtr>& by_name) {
  absl::flat_hash_map<std::string, std::vector<const config::v1::Target*>> targets;
  for (const config::v1::Target& target : config.targets()) {
    targets[target.upstream_id()].push_back(&target);
  }
  for (const config::v1::Upstream& upstream : config.upstreams()) {
    // The loader has checked the reference.
    const config::v1::Certificate* client_certificate = nullptr;
    if (upstream.has_client_certificate_id()) {
      auto it = index.certificates.find(upstream.client_certificate_id());
      client_certificate = it != index.certificates.end() ? it->second : nullptr;
    }
    out.push_back(
        upstream::compileUpstream(upstream, targets[upstream.id()], client_certificate, registry));
    by_name.emplace(upstream.name(), out.back());
  }
}

}  // namespace

void PluginIndex::add(const std::string& name, const std::string& route_id,
                      const std::string& service_id, const std::string& consumer_id,
                      PluginEntry entry) {
  if (priorities_.emplace(name, entry.priority).second) {
    names_.push_back(name);
  }
  entries_[scopeKey(name, route_id, service_id, consumer_id)] = std::move(entry);
}

void PluginIndex::finalize() {
  std::stable_sort(names_.begin(), names_.end(),
                   [this](const std::string& a, const std::string& b) {
                     return priorities_.at(a) > priorities_.at(b);
                   });
}

const PluginEntry* PluginIndex::lookup(const std::string& name, const std::string& route_id,
                                       const std::string& service_id,
                                       const std::string& consumer_id) const {
  // Kong's order: route+service+consumer, route+consumer, service+consumer, route+service,
  // consumer, route, service, global.
  const std::string none;
  const std::string* scopes[][3] = {
      {&route_id, &service_id, &consumer_id},
      {&route_id, &none, &consumer_id},
      {&none, &service_id, &consumer_id},
      {&route_id, &service_id, &none},
      {&none, &none, &consumer_id},
      {&route_id, &none, &none},
      {&none, &service_id, &none},
      {&none, &none, &none},
  };
  for (const auto& scope : scopes) {
    if ((scope[0] != &none && scope[0]->empty()) || (scope[1] != &none && scope[1]->empty()) ||
        (scope[2] != &none && scope[2]->empty())) {
      continue;
    }
    auto it = entries_.find(scopeKey(name, *scope[0], *scope[1], *scope[2]));
    if (it != entries_.end()) {
      return &it->second;
    }
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::build(
    std::shared_ptr<const config::v1::DeclarativeConfig> config, const SnapshotOptions& options,
    uint64_t version) {
  std::shared_ptr<Snapshot> snapshot(new Snapshot());
  snapshot->config_ = std::move(config);
  snapshot->version_ = version;
  const CertificateIndex certificates(*snapshot->config_);
  compileUpstreams(*snapshot->config_, certificates, options.health_registry, snapshot->upstreams_,
                   snapshot->upstreams_by_name_);
  for (const config::v1::Service& service : snapshot->config_->services()) {
    absl::StatusOr<ServiceRuntime> runtime =
        compileService(service, options, certificates, snapshot->upstreams_by_name_);
    if (!runtime.ok()) {
      return runtime.status();
    }
    snapshot->services_.emplace(&service, std::move(*runtime));
  }
  for (const config::v1::PluginInstance& plugin : snapshot->config_->plugins()) {
    if (!plugin.enabled()) {
      continue;  // disabled instances do not shadow less specific ones (Kong)
    }
    PluginEntry entry;
    entry.instance = &plugin;
    if (const config::PluginSchema* schema =
            config::PluginSchemaRegistry::instance().find(plugin.name())) {
      entry.priority = schema->priority();
    }
    if (const http::FilterFactory* factory =
            http::FilterFactoryRegistry::instance().find(plugin.name())) {
      const http::FilterFactoryContext context{plugin, *snapshot->config_, options.services,
                                               options.trusted_ca_pem};
      absl::StatusOr<http::FilterConfigConstSharedPtr> compiled =
          factory->compile(plugin.config(), context);
      if (!compiled.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("plugin ", plugin.name(), " (", plugin.id(),
                                                       "): ", compiled.status().message()));
      }
      entry.filter_config = std::move(*compiled);
    }
    snapshot->plugins_.add(plugin.name(), plugin.route_id(), plugin.service_id(),
                           plugin.consumer_id(), std::move(entry));
  }
  snapshot->plugins_.finalize();
  absl::StatusOr<std::unique_ptr<const tls::CertificateSelector>> server_certificates =
      compileServerCertificates(*snapshot->config_, options.default_server_context);
  if (!server_certificates.ok()) {
    return server_certificates.status();
  }
  snapshot->server_certificates_ = std::move(*server_certificates);
  absl::StatusOr<std::unique_ptr<const router::Router>> router =
      router::Router::create(snapshot->config_);
  if (!router.ok()) {
    return router.status();
  }
  snapshot->router_ = std::move(*router);
  return snapshot;
}

const upstream::UpstreamRuntime* Snapshot::upstream(const std::string& name_or_id) const {
  if (auto it = upstreams_by_name_.find(name_or_id); it != upstreams_by_name_.end()) {
    return it->second.get();
  }
  for (const auto& upstream : upstreams_) {
    if (upstream->upstream->id() == name_or_id) {
      return upstream.get();
    }
  }
  return nullptr;
}

const ServiceRuntime* Snapshot::service(const config::v1::Service& service) const {
  auto it = services_.find(&service);
  return it == services_.end() ? nullptr : &it->second;
}

}  // namespace portico::server
