#include "source/server/data_plane.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"
#include "source/server/proxy_settings.h"
#include "source/xds/cluster_credentials.h"

namespace portico::server {
namespace {

constexpr char kPersistedFile[] = "/dp_config.pb";

// The config a previous run persisted, or nullptr when there is none (or it does not parse: a
// torn write is never renamed into place, so that means another program's file).
std::shared_ptr<const config::v1::DeclarativeConfig> readPersisted(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return nullptr;
  }
  auto config = std::make_shared<config::v1::DeclarativeConfig>();
  if (!config->ParseFromIstream(&file)) {
    log::warn(absl::StrCat("ignoring ", path, ": not a persisted config"));
    return nullptr;
  }
  return config;
}

absl::Status writePersisted(const std::string& path, const config::v1::DeclarativeConfig& config) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file || !config.SerializeToOstream(&file) || !file.flush()) {
      return absl::InternalError(absl::StrCat("cannot write ", temporary));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<DataPlane>> DataPlane::start(uv_loop_t* loop,
                                                            const config::v1::Bootstrap& bootstrap,
                                                            ConfigManager& config,
                                                            const std::string& node_id,
                                                            const std::string& hostname) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      xds::channelCredentials(bootstrap);
  if (!credentials.ok()) {
    return credentials.status();
  }
  std::unique_ptr<DataPlane> plane(
      new DataPlane(absl::StrCat(bootstrap.prefix(), kPersistedFile), config));
  xds::DiscoveryClient::Config current = readPersisted(plane->persisted_path_);
  if (current != nullptr) {
    if (absl::Status status = config.apply(current); !status.ok()) {
      log::warn(absl::StrCat("the persisted config ", plane->persisted_path_,
                             " does not apply: ", status.message()));
      current = nullptr;
    } else {
      log::notice(absl::StrCat("serving the persisted config version ", current->config_hash(),
                               " until the control plane answers"));
    }
  }
  xds::DiscoveryClient::Options options;
  options.target = bootstrap.cluster_control_plane();
  options.credentials = std::move(*credentials);
  options.node.set_id(node_id);
  options.node.set_cluster("default");
  options.node.set_user_agent_name("portico");
  options.node.set_user_agent_version(kProductVersion);
  (*options.node.mutable_metadata()->mutable_fields())["hostname"].set_string_value(hostname);
  DataPlane* self = plane.get();
  plane->client_ = std::make_unique<xds::DiscoveryClient>(
      loop, std::move(options),
      [self](xds::DiscoveryClient::Config config) { return self->apply(std::move(config)); },
      std::move(current));
  plane->client_->start();
  return plane;
}

absl::Status DataPlane::apply(xds::DiscoveryClient::Config config) {
  if (absl::Status status = config_.apply(config); !status.ok()) {
    return status;
  }
  if (absl::Status status = writePersisted(persisted_path_, *config); !status.ok()) {
    log::warn(absl::StrCat("config applied but not persisted: ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace portico::server
