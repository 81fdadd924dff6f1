#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "source/common/network/timer.h"
#include "source/common/tls/client_context.h"
#include "source/filters/http/rate_limiting/config.h"
#include "source/filters/http/rate_limiting/redis_connection.h"
#include "source/filters/http/rate_limiting/redis_executor.h"
#include "source/upstream/resolver.h"

namespace portico::filters::http::rate_limiting {

// A worker's pool of connections to one Redis endpoint (one per distinct RedisSettings), living
// for the worker's lifetime so connections outlive config reloads.
//
// Requests go to the connection with the fewest requests in flight; a new connection is opened
// while every open one is busy, up to kMaxConnections. A connection that fails is dropped and the
// next request opens a new one; after a failure to connect, requests fail at once for a backoff
// (50 ms, doubling to 1 s) instead of each waiting on a dead server.
class RedisClient : public RedisExecutor, public RedisConnection::Owner {
 public:
  static constexpr size_t kMaxConnections = 4;

  // Names are resolved through `resolver`, the worker's, which outlives the client.
  RedisClient(uv_loop_t* loop, RedisSettings settings, upstream::Resolver& resolver);
  ~RedisClient() override;
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // RedisExecutor: pipelines `commands` on one connection.
  void execute(const std::vector<RedisCommand>& commands, ReplyCallback callback) override;

  size_t openConnections() const { return connections_.size(); }

  // RedisConnection::Owner
  void onConnectionFailed(RedisConnection& connection, bool was_ready) override;

 private:
  RedisConnection& pick();
  RedisConnection& open();
  void post(std::function<void()> task);
  void runPosted();

  uv_loop_t* loop_;
  RedisSettings settings_;
  tls::SslCtxPtr tls_context_;
  std::string tls_error_;
  upstream::Resolver& resolver_;
  std::vector<std::unique_ptr<RedisConnection>> connections_;
  std::vector<std::unique_ptr<RedisConnection>> failed_;  // destroyed on the next loop turn
  std::vector<std::function<void()>> posted_;
  network::Timer posted_timer_;
  uint64_t retry_after_ms_ = 0;
  uint64_t backoff_ms_ = 0;
  std::shared_ptr<RedisClient*> alive_;  // resolver callbacks hold a weak_ptr to it
};

}  // namespace portico::filters::http::rate_limiting
