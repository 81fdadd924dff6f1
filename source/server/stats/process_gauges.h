#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace portico::server::stats {

// A data plane as a control plane knows it (GET /clustering/data-planes).
struct DataPlaneGauges {
  std::string node_id;
  std::string hostname;
  std::string ip;
  std::string config_hash;  // "" before it reported one
  int64_t last_seen = 0;    // unix seconds
};

// Process-wide values the main thread reads at scrape time, next to the workers' counters.
struct ProcessGauges {
  std::string node_id;
  std::string version;
  uint64_t connections_accepted = 0;
  uint64_t connections_active = 0;
  uint64_t total_requests = 0;
  std::string config_hash;       // 32 hex digits; 32 zeros when no config is loaded
  uint64_t config_version = 0;   // how many configs this process applied
  int64_t config_loaded_at = 0;  // unix seconds of the last config applied; 0 for none
  // Data planes: whether the discovery stream to the control plane is up.
  std::optional<bool> control_plane_connected;
  // Control planes: the data planes that connected.
  std::optional<std::vector<DataPlaneGauges>> data_planes;
};

}  // namespace portico::server::stats
