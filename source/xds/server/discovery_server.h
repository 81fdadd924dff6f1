#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "portico/config/v1/bootstrap.pb.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/xds/server/credentials.h"
#include "source/xds/server/node_registry.h"
#include "source/xds/server/stream_hub.h"

namespace portico::xds::server {

// The control plane's side of hybrid mode: Envoy's aggregated state-of-the-world discovery
// service (envoy.service.discovery.v3.AggregatedDiscoveryService) carrying Portico's resource
// types, streaming the published config to every data plane and tracking each of them.
// See README.md beside this file for the protocol rules and the threading model.
class DiscoveryServer {
 public:
  struct Options {
    std::string listen;  // "host:port"; port 0 picks one (see port())
    StreamSecurity security;
    std::string control_plane_id = "portico";  // DiscoveryResponse.control_plane.identifier
  };

  // cluster_listen, cluster_cert, cluster_cert_key, cluster_ca_cert, cluster_plaintext.
  static Options optionsFrom(const config::v1::Bootstrap& bootstrap);

  // Fails on unusable credentials, plaintext off loopback, or an address that does not bind.
  static absl::StatusOr<std::unique_ptr<DiscoveryServer>> start(const Options& options);

  ~DiscoveryServer();
  DiscoveryServer(const DiscoveryServer&) = delete;
  DiscoveryServer& operator=(const DiscoveryServer&) = delete;

  // Makes `config` the current config (`version`: its hash) and pushes it to every stream, types
  // in resourceTypes() order. Thread-safe; returns without waiting for any stream.
  void publish(std::shared_ptr<const config::v1::DeclarativeConfig> config, std::string version);

  // The version last published ("" before the first publish).
  std::string version() const;
  const NodeRegistry& nodes() const { return *registry_; }
  // GET /clustering/data-planes's body against the current version.
  nlohmann::json dataPlanesJson() const { return registry_->dataPlanesJson(version()); }
  uint16_t port() const { return port_; }

  // Ends every stream and stops listening. Idempotent; the destructor calls it.
  void shutdown();

 private:
  class Service;

  DiscoveryServer();

  std::unique_ptr<StreamHub> hub_;
  std::unique_ptr<NodeRegistry> registry_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  uint16_t port_ = 0;
};

}  // namespace portico::xds::server
