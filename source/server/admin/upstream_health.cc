#include "source/server/admin/upstream_health.h"

#include "source/config/declarative/entity_json.h"
#include "source/server/admin/responses.h"

namespace portico::server::admin {
namespace {

const char* targetHealth(const upstream::UpstreamRuntime& upstream,
                         const upstream::TargetRuntime& target) {
  if (!upstream.healthchecks_enabled) {
    return "HEALTHCHECKS_OFF";
  }
  const bool healthy =
      target.health->activelyHealthy() && !target.health->passivelyUnhealthyAnywhere();
  return healthy ? "HEALTHY" : "UNHEALTHY";
}

bool truthy(const std::string* value) {
  return value != nullptr &&
         (*value == "1" || *value == "true" || *value == "on" || *value == "yes" || value->empty());
}

// Kong's balancer health: healthy while the weight of healthy targets is at least `threshold`
// percent of the total.
nlohmann::json balancerHealth(const upstream::UpstreamRuntime& upstream) {
  uint64_t total = 0;
  uint64_t available = 0;
  for (const upstream::TargetRuntime& target : upstream.targets) {
    total += target.weight;
    if (std::string_view(targetHealth(upstream, target)) != "UNHEALTHY") {
      available += target.weight;
    }
  }
  const char* health = "HEALTHCHECKS_OFF";
  if (upstream.healthchecks_enabled) {
    const double threshold = upstream.upstream->healthchecks().threshold();
    const bool healthy =
        total > 0 && available > 0 &&
        100.0 * static_cast<double>(available) / static_cast<double>(total) >= threshold;
    health = healthy ? "HEALTHY" : "UNHEALTHY";
  }
  return {
      {"id", upstream.upstream->id()},
      {"health", health},
      {"details",
       {{"weight",
         {{"total", total}, {"available", available}, {"unavailable", total - available}}}}},
  };
}

}  // namespace

AdminResponse upstreamHealth(const Snapshot& snapshot, std::string_view reference,
                             const QueryArgs& args, const std::string& node_id) {
  const upstream::UpstreamRuntime* upstream = snapshot.upstream(std::string(reference));
  if (upstream == nullptr) {
    return notFound();
  }
  if (truthy(findArg(args, "balancer_health"))) {
    return jsonResponse(
        200, {{"data", balancerHealth(*upstream)}, {"next", nullptr}, {"node_id", node_id}});
  }
  nlohmann::json data = nlohmann::json::array();
  for (const upstream::TargetRuntime& target : upstream->targets) {
    nlohmann::json entry = config::declarative::targetJson(*target.target);
    const char* health = targetHealth(*upstream, target);
    entry["health"] = health;
    nlohmann::json address = {
        {"ip", target.host}, {"port", target.port}, {"health", health}, {"weight", target.weight}};
    entry["data"] = {{"addresses", nlohmann::json::array({address})}};
    data.push_back(std::move(entry));
  }
  return jsonResponse(200, {{"data", std::move(data)}, {"next", nullptr}, {"node_id", node_id}});
}

}  // namespace portico::server::admin
