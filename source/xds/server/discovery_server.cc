#include "source/xds/server/discovery_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"
#include "source/common/log/logger.h"
#include "source/xds/server/ads_stream.h"

namespace portico::xds::server {

class DiscoveryServer::Service
    : public envoy::service::discovery::v3::AggregatedDiscoveryService::CallbackService {
 public:
  Service(StreamHub& hub, NodeRegistry& registry, std::string control_plane_id)
      : hub_(hub), registry_(registry), control_plane_id_(std::move(control_plane_id)) {}

  grpc::ServerBidiReactor<envoy::service::discovery::v3::DiscoveryRequest,
                          envoy::service::discovery::v3::DiscoveryResponse>*
  StreamAggregatedResources(grpc::CallbackServerContext* context) override {
    return new AdsStream(*context, hub_, registry_, control_plane_id_);
  }

 private:
  StreamHub& hub_;
  NodeRegistry& registry_;
  const std::string control_plane_id_;
};

DiscoveryServer::DiscoveryServer()
    : hub_(std::make_unique<StreamHub>()), registry_(std::make_unique<NodeRegistry>()) {}

DiscoveryServer::~DiscoveryServer() { shutdown(); }

DiscoveryServer::Options DiscoveryServer::optionsFrom(const config::v1::Bootstrap& bootstrap) {
  Options options;
  options.listen = bootstrap.cluster_listen();
  options.security.cert_path = bootstrap.cluster_cert();
  options.security.key_path = bootstrap.cluster_cert_key();
  options.security.ca_cert_path = bootstrap.cluster_ca_cert();
  options.security.plaintext = bootstrap.cluster_plaintext();
  return options;
}

absl::StatusOr<std::unique_ptr<DiscoveryServer>> DiscoveryServer::start(const Options& options) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      serverCredentials(options.listen, options.security);
  if (!credentials.ok()) {
    return credentials.status();
  }
  std::unique_ptr<DiscoveryServer> server(new DiscoveryServer());
  server->service_ =
      std::make_unique<Service>(*server->hub_, *server->registry_, options.control_plane_id);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, *credentials, &port);
  builder.RegisterService(server->service_.get());
  // gRPC binds with SO_REUSEPORT by default, so a second control plane on the same port would
  // start and share the traffic instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Finds data planes that vanished without closing their connection, so the registry shows
  // them disconnected.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for data planes on ", options.listen));
  }
  server->port_ = static_cast<uint16_t>(port);
  log::notice(absl::StrCat("discovery: listening for data planes on ", options.listen, " (port ",
                           port, options.security.plaintext ? ", plaintext)" : ", mutual TLS)"));
  return server;
}

void DiscoveryServer::publish(std::shared_ptr<const config::v1::DeclarativeConfig> config,
                              std::string version) {
  if (config == nullptr) {
    config = std::make_shared<const config::v1::DeclarativeConfig>();
  }
  hub_->publish(Snapshot::make(std::move(config), std::move(version)));
}

std::string DiscoveryServer::version() const {
  std::shared_ptr<const Snapshot> snapshot = hub_->current();
  return snapshot == nullptr ? "" : snapshot->version;
}

void DiscoveryServer::shutdown() {
  if (server_ == nullptr) {
    return;
  }
  // A deadline of now cancels the streams at once: with none, Shutdown would wait for streams
  // that never end by themselves.
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  server_.reset();
}

}  // namespace portico::xds::server
