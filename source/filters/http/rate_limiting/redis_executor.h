#pragma once

#include <vector>

#include "source/filters/http/rate_limiting/redis_connection.h"

namespace portico::filters::http::rate_limiting {

// Somewhere to send Redis commands from a worker's loop: one endpoint's pool (RedisClient) or a
// Redis Cluster (RedisCluster), which routes each command by its key's slot.
class RedisExecutor {
 public:
  virtual ~RedisExecutor() = default;

  // Sends `commands` (pipelined where they go to one server). `callback` gets one reply per
  // command, in order, or why Redis could not be asked; it never runs before execute() returns.
  virtual void execute(const std::vector<RedisCommand>& commands, ReplyCallback callback) = 0;
};

}  // namespace portico::filters::http::rate_limiting
