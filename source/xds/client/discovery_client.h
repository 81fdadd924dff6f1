#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "envoy/config/core/v3/base.pb.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "portico/config/v1/declarative.pb.h"

namespace portico::xds {

// A data plane's side of the aggregated discovery stream (state of the world), run on the main
// loop: subscribes to every Portico resource type, assembles the config a control plane pushes,
// applies it only once every type has arrived at the same version and every reference in it
// resolves, then ACKs each type; a response that does not decode, or a config that does not
// apply, is NACKed with the reason and the last good config keeps serving. The stream
// reconnects with jittered exponential backoff and resubscribes with the versions it holds.
//
// gRPC runs the stream's callbacks on its own threads; they only queue events for the main loop.
class DiscoveryClient {
 public:
  using Config = std::shared_ptr<const config::v1::DeclarativeConfig>;
  // Compiles and publishes a config; an error NACKs it.
  using Applier = std::function<absl::Status(Config)>;

  struct Options {
    std::string target;  // host:port of the control plane
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    envoy::config::core::v3::Node node;
    uint64_t initial_backoff_ms = 500;
    uint64_t max_backoff_ms = 30000;
  };

  // `current` is the config serving now (persisted or empty); its config_hash is the version
  // resubscriptions ask for.
  DiscoveryClient(uv_loop_t* loop, Options options, Applier apply, Config current);
  ~DiscoveryClient();
  DiscoveryClient(const DiscoveryClient&) = delete;
  DiscoveryClient& operator=(const DiscoveryClient&) = delete;

  void start();

  bool connected() const { return connected_; }
  // The version serving now ("" before any config arrived).
  const std::string& version() const { return version_; }

 private:
  class Stream;
  struct Event;
  struct TypeState {
    std::string pending_version;  // decoded, waiting for the other types
    std::string nonce;            // of the last response of this type
  };

  // Any thread: queues an event for the main loop.
  void post(std::unique_ptr<Event> event);
  static void onEvents(uv_async_t* async);
  void drainEvents();
  void connect();
  void onResponse(envoy::service::discovery::v3::DiscoveryResponse response);
  void onStreamClosed(const grpc::Status& status);
  void applyIfComplete(const std::string& version);
  void nack(const std::string& type_url, const std::string& nonce, const std::string& error);
  void ack(const std::string& type_url, const std::string& version, const std::string& nonce);
  void scheduleReconnect();

  uv_loop_t* const loop_;
  const Options options_;
  const Applier apply_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<envoy::service::discovery::v3::AggregatedDiscoveryService::Stub> stub_;

  // Shared with gRPC's threads.
  std::mutex mutex_;
  std::deque<std::unique_ptr<Event>> events_;
  uv_async_t* wake_;

  std::shared_ptr<Stream> stream_;
  uv_timer_t* reconnect_timer_;
  uint64_t backoff_ms_;
  std::mt19937_64 jitter_;
  bool connected_ = false;
  bool node_sent_ = false;

  config::v1::DeclarativeConfig accepted_;  // the config serving now
  config::v1::DeclarativeConfig pending_;   // accepted_ with the types received since
  std::string version_;
  std::map<std::string, TypeState> types_;
};

}  // namespace portico::xds
