#pragma once

#include <openssl/ssl.h>
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "source/common/http/request_id.h"
#include "source/common/network/timeout_list.h"
#include "source/http/loop_services.h"
#include "source/server/access_log.h"
#include "source/server/connection_refusal.h"
#include "source/server/cork_buffer.h"
#include "source/server/proxy_settings.h"
#include "source/server/snapshot.h"
#include "source/server/stats/worker_stats.h"
#include "source/upstream/upstreams.h"

namespace portico::server {

class ActiveStream;
class HttpConnection;

// A socket bound by the main thread (SO_REUSEPORT, one per worker) for a worker to listen on.
struct ListenSocket {
  int fd = -1;
  uint16_t port = 0;
  // Set for `ssl` listeners: the context connections accept TLS with (tls::makeAcceptContext).
  std::shared_ptr<SSL_CTX> tls_context;
};

// One event-loop thread: its listeners, its connections, its upstream pools. Shares nothing with
// other workers on the request path; the main thread talks to it only through post* methods.
class Worker {
 public:
  Worker(int index, const ProxySettings& settings, std::vector<ListenSocket> sockets,
         SnapshotConstSharedPtr initial_snapshot);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  void join();

  // Thread-safe: called from the main thread.
  void postSnapshot(SnapshotConstSharedPtr snapshot);
  // Stop accepting and close connections as their responses finish; the loop ends when the
  // last one is gone, or at once when `force` is set.
  void postDrain(bool force);
  size_t activeConnections() const { return connection_count_.load(std::memory_order_relaxed); }
  uint64_t acceptedConnections() const { return accepted_total_.load(std::memory_order_relaxed); }
  uint64_t totalRequests() const { return requests_total_.load(std::memory_order_relaxed); }
  // Worker thread only.
  void countRequest() { requests_total_.fetch_add(1, std::memory_order_relaxed); }
  // Written by this worker's thread only; the main thread reads it for /metrics and readiness.
  const stats::WorkerStats& stats() const { return stats_; }

  // The worker running `loop`, which must be a worker's.
  static Worker& of(uv_loop_t* loop) { return *static_cast<Worker*>(loop->data); }

  // Worker thread only.
  uv_loop_t* loop() { return &loop_; }
  const ProxySettings& settings() const { return settings_; }
  const SnapshotConstSharedPtr& snapshot() const { return snapshot_; }
  upstream::Upstreams& upstreams() { return *upstreams_; }
  http::LoopServices& loopServices() { return *services_; }
  struct ClientTimeouts {
    ClientTimeouts(uv_loop_t* loop, const ProxySettings& settings)
        : header(loop, settings.client_header_timeout_ms),
          body(loop, settings.client_body_timeout_ms),
          keepalive(loop, settings.keepalive_timeout_ms) {}
    network::TimeoutList header;
    network::TimeoutList body;
    network::TimeoutList keepalive;
  };
  ClientTimeouts& timeouts() { return *timeouts_; }
  AccessLogWriter* accessLog() { return access_log_.get(); }
  CorkBuffer& corkBuffer() { return cork_buffer_; }
  bool draining() const { return draining_; }
  http::RequestId nextRequestId();
  void deferredDelete(std::unique_ptr<ActiveStream> stream);
  void removeConnection(HttpConnection* connection);

 private:
  struct Listener {
    Worker* worker;
    uv_tcp_t* handle;
    uint16_t port;
    SSL_CTX* tls_context;
    bool accepted_this_turn = false;
    bool accept_pending = false;  // libuv holds an accepted socket for the next turn
  };

  void run();
  void onMessage();
  void onAccept(Listener& listener);
  void resumeAccepts();
  void adoptSnapshot(SnapshotConstSharedPtr snapshot);
  void beginDrain();
  void maybeFinish();
  void clearDeferred();
  void reapSoon();

  int index_;
  const ProxySettings& settings_;
  std::vector<ListenSocket> sockets_;
  uv_loop_t loop_;
  uv_async_t* wakeup_ = nullptr;
  uv_check_t* cleanup_ = nullptr;
  // Active while something waits in the deferred lists: without it the loop would sleep in poll
  // until the next event before the check frees it, and a connection closed by a timeout on an
  // otherwise quiet worker would keep its socket open.
  uv_idle_t* reap_soon_ = nullptr;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::thread thread_;

  std::mutex mailbox_mutex_;
  SnapshotConstSharedPtr mailbox_snapshot_;
  bool mailbox_drain_ = false;
  bool mailbox_force_ = false;
  bool stopped_ = false;

  SnapshotConstSharedPtr snapshot_;
  std::unique_ptr<upstream::Upstreams> upstreams_;
  std::unique_ptr<http::LoopServices> services_;
  std::unique_ptr<AccessLogWriter> access_log_;
  CorkBuffer cork_buffer_;
  std::unique_ptr<ClientTimeouts> timeouts_;
  std::unique_ptr<ConnectionRefusals> refusals_;  // for connections past worker_connections
  // Found by raw pointer (absl's smart-pointer lookup): 8 bytes a slot, where a map from the
  // pointer to its owner took 16, on a table as large as the busiest moment's connections.
  absl::flat_hash_set<std::unique_ptr<HttpConnection>> connections_;
  std::atomic<size_t> connection_count_{0};
  std::atomic<uint64_t> accepted_total_{0};
  std::atomic<uint64_t> requests_total_{0};
  stats::WorkerStats stats_;
  std::vector<std::unique_ptr<ActiveStream>> deferred_streams_;
  std::vector<std::unique_ptr<HttpConnection>> deferred_connections_;
  bool draining_ = false;
  bool finished_ = false;
  std::mt19937_64 random_;
};

}  // namespace portico::server
