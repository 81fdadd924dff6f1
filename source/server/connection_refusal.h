#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "source/common/http/request_id.h"
#include "source/common/network/connection.h"
#include "source/common/network/timer.h"
#include "source/server/proxy_settings.h"

namespace portico::server {

// Answers the connections a worker has no room for (nginx_events_worker_connections): `503` with
// Kong's error body and `Connection: close`, then closes them. Each waits briefly for its request
// head, so the body follows the client's Accept like the proxy's other errors and closing does
// not reset a request still unread; past a cap on such waits, a refusal is answered at once.
class ConnectionRefusals {
 public:
  // A refused connection waits this long for its request head before being answered anyway.
  static constexpr uint64_t kHeadWaitMs = 500;
  // Refusals waiting for a head at once; more are answered without waiting.
  static constexpr size_t kMaxWaiting = 256;

  ConnectionRefusals(uv_loop_t* loop, const ProxySettings& settings,
                     std::function<http::RequestId()> next_request_id);
  ~ConnectionRefusals();
  ConnectionRefusals(const ConnectionRefusals&) = delete;
  ConnectionRefusals& operator=(const ConnectionRefusals&) = delete;

  void refuse(network::ConnectionPtr connection);
  size_t pending() const { return refusals_.size(); }

 private:
  class Refusal;
  void finish(Refusal* refusal);

  uv_loop_t* loop_;
  const ProxySettings& settings_;
  std::function<http::RequestId()> next_request_id_;
  absl::flat_hash_map<Refusal*, std::unique_ptr<Refusal>> refusals_;
  // Refusals finish inside their own callbacks; they are freed on the next loop turn.
  std::vector<std::unique_ptr<Refusal>> finished_;
  network::Timer reaper_;
};

}  // namespace portico::server
