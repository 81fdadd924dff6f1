#pragma once

#include "source/config/schema/record_plugin_schema.h"

namespace portico::filters::http::rate_limiting {

// The rate-limiting plugin's config (kong/plugins/rate-limiting/schema.lua, with the redis record
// of kong/tools/redis/schema.lua), as Kong validates it in DB-less mode: no `cluster` policy.
// Deprecated flat `redis_*` fields are accepted and moved into `redis`.
class RateLimitingSchema : public config::schema::RecordPluginSchema {
 public:
  static constexpr int kPriority = 910;

  RateLimitingSchema();

  // Validates against Kong's checks, or, when config.redis.cluster_nodes is set, against checks
  // that take the cluster instead of redis.host.
  nlohmann::json validate(nlohmann::json& config, const config::PluginScope& scope) const override;

 private:
  config::schema::RecordPluginSchema cluster_;
};

}  // namespace portico::filters::http::rate_limiting
