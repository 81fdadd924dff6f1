#pragma once

#include <atomic>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "source/xds/server/node_registry.h"
#include "source/xds/server/stream_hub.h"

namespace portico::xds::server {

// One data plane's StreamAggregatedResources call (state of the world), on gRPC's callback API:
// reactions run on gRPC's threads, publish() reaches the stream through wake(), and at most one
// response is in flight. The next response is chosen when the previous one is written, always
// from the newest snapshot, so a slow node skips versions instead of queueing them.
class AdsStream : public grpc::ServerBidiReactor<envoy::service::discovery::v3::DiscoveryRequest,
                                                 envoy::service::discovery::v3::DiscoveryResponse>,
                  public Subscriber {
 public:
  AdsStream(const grpc::CallbackServerContext& context, StreamHub& hub, NodeRegistry& registry,
            std::string control_plane_id);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

  void ref() override;
  void unref() override;
  void wake() override;

 private:
  struct TypeState {
    std::string sent_version;  // what this stream last sent, or "" to send the current one
    std::string nonce;
  };

  // The status to end the stream with, or OK to keep reading.
  grpc::Status handle(const envoy::service::discovery::v3::DiscoveryRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Starts writing the first subscribed type (in resourceTypes() order) that has not been sent
  // the current version, unless a write is in flight.
  void sendNext() ABSL_LOCKS_EXCLUDED(mu_);

  StreamHub& hub_;
  NodeRegistry& registry_;
  const std::string control_plane_id_;
  const std::string peer_;
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone, plus the hub's while it wakes us

  absl::Mutex mu_;
  envoy::service::discovery::v3::DiscoveryRequest request_;    // owned by the pending read
  envoy::service::discovery::v3::DiscoveryResponse response_;  // owned by the write in flight
  std::string node_id_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, TypeState> types_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> unknown_types_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;  // finished, or the transport failed
};

}  // namespace portico::xds::server
