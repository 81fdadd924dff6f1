#include "source/server/config_manager.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"

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
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<SnapshotConstSharedPtr> snapshot =
      Snapshot::build(config, options_, next_version_);
  if (!snapshot.ok()) {
    return snapshot.status();
  }
  const std::chrono::duration<double, std::milli> build_time =
      std::chrono::steady_clock::now() - started;
  ++next_version_;
  current_ = std::move(*snapshot);
  if (publish_) {
    publish_(current_);
  }
  // Operators size reloads by this line (and tools/bench reads the build time from it).
  log::info(absl::StrCat("configuration ", config->config_hash(),
                         " published: ", config->services_size(), " services, ",
                         config->routes_size(), " routes, ", config->consumers_size(),
                         " consumers, ", config->plugins_size(), " plugins; snapshot built in ",
                         absl::SixDigits(build_time.count()), " ms"));
  return absl::OkStatus();
}

}  // namespace portico::server
