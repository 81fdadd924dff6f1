#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "source/common/network/connection.h"
#include "source/common/network/timer.h"
#include "source/upstream/load_balancer.h"

namespace portico::filters {

// What a 101 hands from its request to the tunnel that follows.
struct SwitchedUpstream {
  network::ConnectionPtr connection;  // the upstream connection; null when nothing switched
  std::string early_bytes;            // what the upstream sent right after its 101
  // For a balanced service, the attempt, in flight on its target for the tunnel's life.
  std::unique_ptr<upstream::InFlightAttempt> attempt;
};

// The two connections of a request whose upstream switched protocols (101), once they stop
// speaking HTTP: bytes are relayed both ways as they arrive, as nginx's upgraded handler does.
//
// Flow control: a side is no longer read while the other side's write queue is above the
// connection high watermark, and is read again when that queue drains.
// Idle timeout: the tunnel closes when no byte has crossed it either way for `idle_timeout_ms`
// (the service's read_timeout: nginx applies proxy_read_timeout to the tunnel).
// Close: when either side closes, what was already read from it still reaches the other side,
// which is then closed after its queue is flushed. A half-closed side is not kept open: as in
// nginx, the end of one direction ends the tunnel.
class Tunnel {
 public:
  // `client` stays owned by the caller and must outlive the tunnel; the upstream connection is
  // the tunnel's, and is closed by it. `on_closed` reports the tunnel's end once (not from inside
  // start()): the owner then closes the client connection (after its queue is flushed) and
  // destroys the tunnel.
  // `attempt` (null unless the service is balanced) keeps the upstream target's in-flight count
  // for the tunnel's life.
  Tunnel(uv_loop_t* loop, network::Connection& client, network::ConnectionPtr upstream,
         std::unique_ptr<upstream::InFlightAttempt> attempt, uint64_t idle_timeout_ms,
         std::function<void()> on_closed);
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  // Takes over both connections' callbacks and sends what each side sent before the switch took
  // effect: `to_client`, the upstream's bytes read along with its 101; `to_upstream`, the bytes
  // the client sent after its handshake request.
  void start(std::string_view to_client, std::string_view to_upstream);

 private:
  class End : public network::ConnectionCallbacks {
   public:
    End(Tunnel& tunnel, network::Connection* connection)
        : tunnel_(tunnel), connection_(connection) {}

    void onData(const char* data, size_t length) override { tunnel_.relay(*this, data, length); }
    void onClose(network::CloseReason, const std::string&) override { tunnel_.onEndClosed(*this); }
    void onWriteDrained() override { tunnel_.onEndDrained(*this); }

    network::Connection& connection() const { return *connection_; }

   private:
    Tunnel& tunnel_;
    network::Connection* connection_;
  };

  End& peerOf(const End& end) { return &end == &client_end_ ? upstream_end_ : client_end_; }
  void relay(End& from, const char* data, size_t length);
  void onEndClosed(End& end);
  void onEndDrained(End& end);
  void onIdleCheck();
  void close(End* closed_end);

  uv_loop_t* loop_;
  std::unique_ptr<upstream::InFlightAttempt> attempt_;
  network::ConnectionPtr upstream_;
  End client_end_;
  End upstream_end_;
  uint64_t idle_timeout_ms_;
  uint64_t last_activity_ms_ = 0;
  network::Timer idle_timer_;
  std::function<void()> on_closed_;
  bool closed_ = false;
};

}  // namespace portico::filters
