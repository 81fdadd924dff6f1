#include "source/server/stats/cluster_gauges.h"

#include <string>

namespace portico::server::stats {
namespace {

std::string stringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<DataPlaneGauges> dataPlaneGauges(const nlohmann::json& page) {
  std::vector<DataPlaneGauges> planes;
  auto data = page.find("data");
  if (data == page.end() || !data->is_array()) {
    return planes;
  }
  for (const nlohmann::json& node : *data) {
    if (!node.is_object()) {
      continue;
    }
    DataPlaneGauges plane;
    plane.node_id = stringField(node, "id");
    plane.hostname = stringField(node, "hostname");
    plane.ip = stringField(node, "ip");
    plane.config_hash = stringField(node, "config_hash");
    if (auto seen = node.find("last_seen"); seen != node.end() && seen->is_number()) {
      plane.last_seen = seen->get<int64_t>();
    }
    planes.push_back(std::move(plane));
  }
  return planes;
}

}  // namespace portico::server::stats
