#include "source/server/config_manager.h"

namespace portico::server {
namespace {

std::shared_ptr<const config::v1::DeclarativeConfig> emptyConfig() {
  auto config = std::make_shared<config::v1::DeclarativeConfig>();
  config->set_config_hash(std::string(32, '0'));
  return config;
}

}  // namespace

ConfigManager::ConfigManager(SnapshotOptions options, Publisher publish)
    : options_(std::move(options)), publish_(std::move(publish)) {
  absl::StatusOr<SnapshotConstSharedPtr> empty = Snapshot::build(emptyConfig(), options_, 0);
  current_ = std::move(*empty);
}

absl::Status ConfigManager::apply(std::shared_ptr<const config::v1::DeclarativeConfig> config) {
  absl::StatusOr<SnapshotConstSharedPtr> snapshot =
      Snapshot::build(std::move(config), options_, next_version_);
  if (!snapshot.ok()) {
    return snapshot.status();
  }
  ++next_version_;
  current_ = std::move(*snapshot);
  if (publish_) {
    publish_(current_);
  }
  return absl::OkStatus();
}

}  // namespace portico::server
