#include "source/xds/server/stream_hub.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "source/xds/resources.h"

namespace portico::xds::server {

std::shared_ptr<const Snapshot> Snapshot::make(
    std::shared_ptr<const config::v1::DeclarativeConfig> config, std::string version) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->version = std::move(version);
  for (const std::string& type_url : resourceTypes()) {
    snapshot->resources[type_url] = resourcesOf(*config, type_url);
  }
  snapshot->config = std::move(config);
  return snapshot;
}

std::shared_ptr<const Snapshot> StreamHub::current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

void StreamHub::publish(std::shared_ptr<const Snapshot> snapshot) {
  std::vector<Subscriber*> streams;
  {
    absl::MutexLock lock(&mu_);
    current_ = std::move(snapshot);
    streams.reserve(streams_.size());
    for (Subscriber* stream : streams_) {
      stream->ref();
      streams.push_back(stream);
    }
  }
  for (Subscriber* stream : streams) {
    stream->wake();
    stream->unref();
  }
}

void StreamHub::join(Subscriber* stream) {
  absl::MutexLock lock(&mu_);
  streams_.insert(stream);
}

void StreamHub::leave(Subscriber* stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
}

std::string StreamHub::nextNonce() { return absl::StrCat(++nonces_); }

}  // namespace portico::xds::server
