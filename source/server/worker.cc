#include "source/server/worker.h"

#include <unistd.h>

#include "source/common/network/connection.h"
#include "source/common/network/handle.h"
#include "source/server/active_stream.h"
#include "source/server/http_connection.h"
#include "source/server/listen_socket.h"

namespace portico::server {
namespace {

// The snapshot as this worker holds it: an alias whose reference count lives in a control block
// of this worker's own, so streams copying it never contend with other workers on one counter.
SnapshotConstSharedPtr localAlias(SnapshotConstSharedPtr snapshot) {
  auto holder = std::make_shared<SnapshotConstSharedPtr>(std::move(snapshot));
  const Snapshot* raw = holder->get();
  return SnapshotConstSharedPtr(std::move(holder), raw);
}

}  // namespace

Worker::Worker(int index, const ProxySettings& settings, std::vector<ListenSocket> sockets,
               SnapshotConstSharedPtr initial_snapshot)
    : index_(index),
      settings_(settings),
      sockets_(std::move(sockets)),
      snapshot_(localAlias(std::move(initial_snapshot))),
      random_(std::random_device{}()) {
  uv_loop_init(&loop_);
  loop_.data = this;
}

Worker::~Worker() {
  join();
  uv_loop_close(&loop_);
}

void Worker::start() {
  // The wakeup handle exists before the thread runs, so the main thread may post at once.
  wakeup_ = new uv_async_t;
  uv_async_init(&loop_, wakeup_, [](uv_async_t* async) {
    if (auto* self = static_cast<Worker*>(async->data)) {
      self->onMessage();
    }
  });
  wakeup_->data = this;
  thread_ = std::thread([this] { run(); });
}

void Worker::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Worker::run() {
  upstreams_ = std::make_unique<upstream::Upstreams>(&loop_, settings_.upstream_keepalive_pool_size,
                                                     settings_.upstream_keepalive_idle_timeout_ms,
                                                     settings_.dns);
  services_ = std::make_unique<http::LoopServices>(&loop_, upstreams_->resolver, nullptr);
  timeouts_ = std::make_unique<ClientTimeouts>(&loop_, settings_);
  refusals_ =
      std::make_unique<ConnectionRefusals>(&loop_, settings_, [this] { return nextRequestId(); });
  if (settings_.access_log_fd >= 0) {
    access_log_ = std::make_unique<AccessLogWriter>(&loop_, settings_.access_log_fd);
  }
  cleanup_ = new uv_check_t;
  uv_check_init(&loop_, cleanup_);
  cleanup_->data = this;
  uv_check_start(cleanup_, [](uv_check_t* check) {
    if (auto* self = static_cast<Worker*>(check->data)) {
      self->clearDeferred();
      self->resumeAccepts();
    }
  });
  uv_unref(reinterpret_cast<uv_handle_t*>(cleanup_));
  reap_soon_ = new uv_idle_t;
  uv_idle_init(&loop_, reap_soon_);
  uv_unref(reinterpret_cast<uv_handle_t*>(reap_soon_));
  for (const ListenSocket& socket : sockets_) {
    auto listener = std::make_unique<Listener>(
        Listener{this, new uv_tcp_t, socket.port, socket.tls_context.get()});
    uv_tcp_init(&loop_, listener->handle);
    uv_tcp_open(listener->handle, socket.fd);
    listener->handle->data = listener.get();
    uv_listen(reinterpret_cast<uv_stream_t*>(listener->handle), kListenBacklog,
              [](uv_stream_t* server, int status) {
                auto* l = static_cast<Listener*>(server->data);
                if (l != nullptr && status == 0) {
                  l->worker->onAccept(*l);
                }
              });
    listeners_.push_back(std::move(listener));
  }
  stats_.bindToThisThread();
  stats_.markRunning();
  uv_run(&loop_, UV_RUN_DEFAULT);
  {
    std::lock_guard<std::mutex> lock(mailbox_mutex_);
    stopped_ = true;  // from here on the main thread no longer wakes this loop
  }
  // Close whatever is left and let libuv release it.
  connections_.clear();
  clearDeferred();
  timeouts_.reset();
  refusals_.reset();
  services_.reset();
  upstreams_.reset();
  access_log_.reset();
  for (auto& listener : listeners_) {
    network::closeAndDelete(listener->handle);
  }
  listeners_.clear();
  network::closeAndDelete(wakeup_);
  network::closeAndDelete(cleanup_);
  network::closeAndDelete(reap_soon_);
  reap_soon_ = nullptr;
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void*) {
        if (!uv_is_closing(handle)) {
          // Handles still open here belong to objects already gone; free them with the close.
          uv_close(handle, nullptr);
        }
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
}

// One connection per listener per loop turn, as nginx accepts with multi_accept off: a burst of
// new connections waits in the kernel's queue while the connections already accepted are
// served, so their TLS handshakes (a few hundred µs each) do not all run ahead of requests in
// flight. A connection libuv accepted beyond that waits in the listener (libuv stops polling it
// meanwhile) and is taken when the turn ends (resumeAccepts).
void Worker::onAccept(Listener& listener) {
  if (draining_) {
    return;
  }
  if (listener.accepted_this_turn) {
    listener.accept_pending = true;
    return;
  }
  network::ConnectionPtr connection =
      network::Connection::accept(reinterpret_cast<uv_stream_t*>(listener.handle), nullptr);
  if (connection == nullptr) {
    return;
  }
  listener.accepted_this_turn = true;
  if (connections_.size() >= settings_.worker_connections) {
    refusals_->refuse(std::move(connection));
    return;
  }
  auto http =
      std::make_unique<HttpConnection>(std::move(connection), listener.port, listener.tls_context);
  connections_.insert(std::move(http));
  connection_count_.fetch_add(1, std::memory_order_relaxed);
  accepted_total_.fetch_add(1, std::memory_order_relaxed);
}

void Worker::resumeAccepts() {
  for (const std::unique_ptr<Listener>& listener : listeners_) {
    listener->accepted_this_turn = false;
    if (listener->accept_pending) {
      listener->accept_pending = false;
      onAccept(*listener);
    }
  }
}

http::RequestId Worker::nextRequestId() {
  const uint64_t high = random_();
  return http::RequestId(high, random_());
}

void Worker::deferredDelete(std::unique_ptr<ActiveStream> stream) {
  deferred_streams_.push_back(std::move(stream));
  reapSoon();
}

void Worker::reapSoon() {
  if (reap_soon_ != nullptr) {
    uv_idle_start(reap_soon_, [](uv_idle_t*) {});
  }
}

void Worker::removeConnection(HttpConnection* connection) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) {
    return;
  }
  deferred_connections_.push_back(std::move(connections_.extract(it).value()));
  reapSoon();
  connection_count_.fetch_sub(1, std::memory_order_relaxed);
  maybeFinish();
}

void Worker::clearDeferred() {
  // Destroying a connection may defer more deletions; loop until nothing is left.
  // The vectors are swapped out and back, so they keep their capacity from turn to turn.
  std::vector<std::unique_ptr<ActiveStream>> streams;
  std::vector<std::unique_ptr<HttpConnection>> connections;
  while (!deferred_streams_.empty() || !deferred_connections_.empty()) {
    streams.swap(deferred_streams_);
    connections.swap(deferred_connections_);
    connections.clear();
    streams.clear();
  }
  streams.swap(deferred_streams_);
  connections.swap(deferred_connections_);
  if (reap_soon_ != nullptr) {
    uv_idle_stop(reap_soon_);
  }
}

void Worker::postSnapshot(SnapshotConstSharedPtr snapshot) {
  std::lock_guard<std::mutex> lock(mailbox_mutex_);
  if (stopped_ || wakeup_ == nullptr) {
    return;
  }
  mailbox_snapshot_ = std::move(snapshot);
  uv_async_send(wakeup_);
}

void Worker::postDrain(bool force) {
  std::lock_guard<std::mutex> lock(mailbox_mutex_);
  if (stopped_ || wakeup_ == nullptr) {
    return;
  }
  mailbox_drain_ = true;
  mailbox_force_ = mailbox_force_ || force;
  uv_async_send(wakeup_);
}

void Worker::onMessage() {
  SnapshotConstSharedPtr snapshot;
  bool drain = false;
  bool force = false;
  {
    std::lock_guard<std::mutex> lock(mailbox_mutex_);
    snapshot = std::move(mailbox_snapshot_);
    mailbox_snapshot_.reset();
    drain = mailbox_drain_;
    force = mailbox_force_;
  }
  if (snapshot != nullptr) {
    snapshot_ = localAlias(std::move(snapshot));
  }
  if (force) {
    draining_ = true;
    connections_.clear();
    connection_count_.store(0, std::memory_order_relaxed);
    beginDrain();
    return;
  }
  if (drain && !draining_) {
    beginDrain();
  }
}

void Worker::beginDrain() {
  draining_ = true;
  for (auto& listener : listeners_) {
    network::closeAndDelete(listener->handle);
  }
  listeners_.clear();
  std::vector<HttpConnection*> open;
  open.reserve(connections_.size());
  for (const std::unique_ptr<HttpConnection>& connection : connections_) {
    open.push_back(connection.get());
  }
  for (HttpConnection* connection : open) {
    connection->drain();
  }
  maybeFinish();
}

void Worker::maybeFinish() {
  if (!draining_ || finished_ || !connections_.empty()) {
    return;
  }
  finished_ = true;
  upstreams_->pool.clear();
  uv_stop(&loop_);
}

}  // namespace portico::server
