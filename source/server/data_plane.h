#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "portico/config/v1/bootstrap.pb.h"
#include "source/server/config_manager.h"
#include "source/xds/client/discovery_client.h"

namespace portico::server {

// `role = data_plane`: the config comes from the control plane named by cluster_control_plane
// instead of declarative_config. Each config applied is persisted in the prefix, so a restart
// while the control plane is away serves the last good one.
class DataPlane {
 public:
  // Applies the persisted config, if any, and starts the discovery stream.
  static absl::StatusOr<std::unique_ptr<DataPlane>> start(uv_loop_t* loop,
                                                          const config::v1::Bootstrap& bootstrap,
                                                          ConfigManager& config,
                                                          const std::string& node_id,
                                                          const std::string& hostname);

  const xds::DiscoveryClient& client() const { return *client_; }

 private:
  DataPlane(std::string persisted_path, ConfigManager& config)
      : persisted_path_(std::move(persisted_path)), config_(config) {}

  absl::Status apply(xds::DiscoveryClient::Config config);

  const std::string persisted_path_;
  ConfigManager& config_;
  std::unique_ptr<xds::DiscoveryClient> client_;
};

}  // namespace portico::server
