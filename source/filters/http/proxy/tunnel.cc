#include "source/filters/http/proxy/tunnel.h"

namespace portico::filters {

Tunnel::Tunnel(uv_loop_t* loop, network::Connection& client, network::ConnectionPtr upstream,
               std::unique_ptr<upstream::InFlightAttempt> attempt, uint64_t idle_timeout_ms,
               std::function<void()> on_closed)
    : loop_(loop),
      attempt_(std::move(attempt)),
      upstream_(std::move(upstream)),
      client_end_(*this, &client),
      upstream_end_(*this, upstream_.get()),
      idle_timeout_ms_(idle_timeout_ms),
      idle_timer_(loop, [this] { onIdleCheck(); }),
      on_closed_(std::move(on_closed)) {}

Tunnel::~Tunnel() = default;

void Tunnel::start(std::string_view to_client, std::string_view to_upstream) {
  client_end_.connection().setCallbacks(&client_end_);
  upstream_->setCallbacks(&upstream_end_);
  last_activity_ms_ = uv_now(loop_);
  if (idle_timeout_ms_ > 0) {
    idle_timer_.arm(idle_timeout_ms_);
  }
  client_end_.connection().write(to_client);
  upstream_->write(to_upstream);
  // Either side may have been paused while the handshake was answered.
  client_end_.connection().readEnable(!upstream_->aboveHighWatermark());
  upstream_->readEnable(!client_end_.connection().aboveHighWatermark());
}

void Tunnel::relay(End& from, const char* data, size_t length) {
  if (closed_) {
    return;
  }
  last_activity_ms_ = uv_now(loop_);
  network::Connection& to = peerOf(from).connection();
  to.write(std::string_view(data, length));
  if (to.aboveHighWatermark()) {
    from.connection().readEnable(false);  // resumed by onEndDrained
  }
}

void Tunnel::onEndDrained(End& end) {
  if (!closed_) {
    peerOf(end).connection().readEnable(true);
  }
}

void Tunnel::onEndClosed(End& end) { close(&end); }

void Tunnel::onIdleCheck() {
  if (closed_) {
    return;
  }
  // Activity only stamps the time; the timer is re-armed here, not on every read.
  const uint64_t idle = uv_now(loop_) - last_activity_ms_;
  if (idle < idle_timeout_ms_) {
    idle_timer_.arm(idle_timeout_ms_ - idle);
    return;
  }
  close(nullptr);
}

void Tunnel::close(End* closed_end) {
  if (closed_) {
    return;
  }
  closed_ = true;
  idle_timer_.disarm();
  if (closed_end != &upstream_end_) {
    // The bytes the client sent before its end still reach the upstream, then a FIN.
    upstream_->closeAfterFlush();
  }
  // Destroying a connection inside its own callback is allowed (connection.h); a flushing one
  // lingers in libuv until its queue is written.
  upstream_.reset();
  on_closed_();
}

}  // namespace portico::filters
