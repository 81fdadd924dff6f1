#pragma once

#include <hiredis/hiredis.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "source/common/network/connection.h"
#include "source/common/network/timer.h"
#include "source/filters/http/rate_limiting/config.h"

namespace portico::filters::http::rate_limiting {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;
using Replies = std::vector<ReplyPtr>;
using ReplyCallback = std::function<void(absl::StatusOr<Replies>)>;
using RedisCommand = std::vector<std::string>;

// One connection to a Redis server on a worker's loop. It speaks RESP through hiredis (command
// formatting and its reply reader) over Portico's own non-blocking TCP/TLS connection: Debian's
// hiredis 0.14 has neither TLS nor timeouts in its async API.
//
// Requests are pipelined: the commands of every send() in one loop iteration go out in one write,
// and each send() gets its replies in order.
// The connection's first request is AUTH (when a password is set) and SELECT (database ≠ 0), so
// later requests may be sent before it is up. Any request unanswered after `timeout_ms`, and any
// I/O, protocol or handshake error, fails the connection and every request waiting on it.
class RedisConnection : public network::ConnectionCallbacks {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    // The connection failed and failed its requests; the owner destroys it later (not from
    // inside this call).
    virtual void onConnectionFailed(RedisConnection& connection, bool was_ready) = 0;
  };

  RedisConnection(uv_loop_t* loop, const RedisSettings& settings, Owner& owner);
  // Drops waiting requests without calling them back.
  ~RedisConnection() override;
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Opens the connection (TLS with `tls_context`, naming `server_name` for SNI and verification).
  void connect(const sockaddr* address, SSL_CTX* tls_context, const std::string& server_name);
  // Fails the connection (and its requests) with `status`; e.g. its address did not resolve.
  void fail(const absl::Status& status);
  // Pipelines `commands`; `callback` gets one reply per command (Redis errors included, as
  // REDIS_REPLY_ERROR replies) or the connection's failure. Never calls back before returning.
  void send(const std::vector<RedisCommand>& commands, ReplyCallback callback);

  size_t waitingRequests() const { return waiting_.size(); }
  bool failed() const { return failed_; }
  bool ready() const { return ready_; }

  // network::ConnectionCallbacks
  void onConnected() override;
  void onData(const char* data, size_t length) override;
  void onClose(network::CloseReason reason, const std::string& detail) override;

 private:
  struct Waiting {
    size_t expected = 0;
    Replies replies;
    ReplyCallback callback;
    uint64_t deadline_ms = 0;
  };

  void queueHandshake(const RedisSettings& settings);
  void write(const std::string& bytes);
  void flush();
  void armTimer();
  void onTimer();
  void onReply(ReplyPtr reply);

  uv_loop_t* loop_;
  Owner& owner_;
  uint32_t timeout_ms_;
  network::ConnectionPtr connection_;
  network::Timer timer_;
  redisReader* reader_;
  std::deque<Waiting> waiting_;
  // Requests queued in one loop iteration leave in one write, when libuv's prepare phase runs:
  // it comes before the loop blocks in poll, so a request queued from a timer callback is not
  // held back until some unrelated event wakes the loop.
  std::string unsent_;
  uv_prepare_t* flush_;
  bool ready_ = false;
  bool failed_ = false;
};

}  // namespace portico::filters::http::rate_limiting
