#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/any.pb.h"
#include "portico/config/v1/declarative.pb.h"

namespace portico::xds::server {

// One published config, packed once for every stream that sends it.
struct Snapshot {
  std::string version;
  std::shared_ptr<const config::v1::DeclarativeConfig> config;
  absl::flat_hash_map<std::string, std::vector<google::protobuf::Any>> resources;  // by type URL

  static std::shared_ptr<const Snapshot> make(
      std::shared_ptr<const config::v1::DeclarativeConfig> config, std::string version);
};

// A discovery stream as the hub sees it. The hub takes a reference before it lets go of its
// lock, so a stream that ends meanwhile stays alive until wake() has returned.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void ref() = 0;
  virtual void unref() = 0;
  // The current snapshot changed. Must not block: called on the publishing thread.
  virtual void wake() = 0;
};

// The current snapshot and the open streams, shared by every stream of one server.
class StreamHub {
 public:
  std::shared_ptr<const Snapshot> current() const;
  // Replaces the current snapshot, then wakes every stream without holding the hub's lock.
  void publish(std::shared_ptr<const Snapshot> snapshot);
  void join(Subscriber* stream);
  void leave(Subscriber* stream);
  // Unique among all responses of this server.
  std::string nextNonce();

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const Snapshot> current_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<Subscriber*> streams_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> nonces_{0};
};

}  // namespace portico::xds::server
