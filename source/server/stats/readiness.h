#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portico::server::stats {

struct ReadinessInputs {
  bool control_plane = false;  // role = control_plane: serves data planes, not traffic
  std::string_view config_hash;
  size_t workers = 0;
  size_t workers_running = 0;  // workers whose loop runs with a snapshot
};

// Kong's GET /status/ready (kong/api/routes/health.lua): why the node should not take traffic
// yet, or "" when it should. A control plane is always ready; a proxying node once every worker
// runs and the config serving is not the empty one (a data plane still waiting for its first
// config, or a DB-less node without a declarative config).
std::string unreadyReason(const ReadinessInputs& inputs);

}  // namespace portico::server::stats
