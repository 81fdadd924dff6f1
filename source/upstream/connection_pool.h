#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "source/common/network/connection.h"
#include "source/common/network/timer.h"

namespace portico::upstream {

// Idle keep-alive upstream connections of one worker, by endpoint key (see
// ServiceRuntime::pool_key). Reuse is most-recent-first, so the warmest connection goes first
// and the coldest ones age out. An idle connection that the upstream closes, or that sends
// anything, is dropped.
class ConnectionPool {
 public:
  ConnectionPool(uv_loop_t* loop, size_t max_idle_per_key, uint32_t idle_timeout_ms);
  ~ConnectionPool();

  // An idle connection to `key`, or nullptr. The caller sets its callbacks.
  network::ConnectionPtr take(const std::string& key);
  // Keeps `connection` for reuse (closes it when the key already has max_idle_per_key).
  void release(const std::string& key, network::ConnectionPtr connection);
  size_t idleCount() const { return idle_count_; }
  // Closes every idle connection (shutdown).
  void clear();

 private:
  class IdleConnection;
  // Oldest first. A deque reuses its blocks, so a release costs no allocation.
  using IdleList = std::deque<IdleConnection>;

  void remove(IdleConnection* idle);
  void sweep();

  uv_loop_t* loop_;
  size_t max_idle_per_key_;
  uint32_t idle_timeout_ms_;
  // Each list lives in its own allocation, so that an idle connection can point at its list
  // (instead of copying its key) while the map rehashes.
  absl::flat_hash_map<std::string, std::unique_ptr<IdleList>> idle_;
  size_t idle_count_ = 0;
  network::Timer sweep_timer_;
};

}  // namespace portico::upstream
