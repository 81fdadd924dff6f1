#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/server/snapshot.h"

namespace portico::server {

// Owns the current configuration on the main thread: compiles each new DeclarativeConfig into a
// Snapshot and publishes it to every worker. A config that fails to compile is refused whole and
// the running one keeps serving.
class ConfigManager {
 public:
  using Publisher = std::function<void(SnapshotConstSharedPtr)>;

  ConfigManager(SnapshotOptions options, Publisher publish);

  absl::Status apply(std::shared_ptr<const config::v1::DeclarativeConfig> config);

  const SnapshotConstSharedPtr& current() const { return current_; }
  const config::v1::DeclarativeConfig& config() const { return current_->config(); }
  // Kong's configuration_hash: md5 of the loaded text, 32 zeros when nothing is loaded.
  const std::string& hash() const { return current_->config().config_hash(); }

 private:
  SnapshotOptions options_;
  Publisher publish_;
  SnapshotConstSharedPtr current_;
  uint64_t next_version_ = 1;
};

}  // namespace portico::server
