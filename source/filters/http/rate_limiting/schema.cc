#include "source/filters/http/rate_limiting/schema.h"

#include <array>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "source/config/schema/typedefs.h"

namespace portico::filters::http::rate_limiting {
namespace {

using config::schema::EntityCheck;
using config::schema::Field;
using config::schema::Match;
using config::schema::Record;
namespace typedefs = config::schema::typedefs;

constexpr std::array<const char*, 6> kPeriods = {"second", "minute", "hour",
                                                 "day",    "month",  "year"};
constexpr double kSyncRateRealtime = -1;

Record clusterNode() {
  Record node;
  node.add("ip", typedefs::host().required().defaultTo("127.0.0.1"))
      .add("port", Field::integer().between(1, 65535).defaultTo(6379));
  return node;
}

Field redisField() {
  Record redis;
  redis.add("host", typedefs::host())
      .add("port", typedefs::port().defaultTo(6379))
      .add("timeout", typedefs::timeout().defaultTo(2000))
      .add("username", Field::string())
      .add("password", Field::string().lenMin(0))
      .add("database", Field::integer().defaultTo(0))
      .add("ssl", Field::boolean().defaultTo(false))
      .add("ssl_verify", Field::boolean().defaultTo(false))
      .add("server_name", typedefs::sni())
      // Kong Enterprise's: a Redis Cluster reached through these seed nodes.
      .add("cluster_nodes", Field::array(Field::record(clusterNode())).lenMin(1))
      .add("cluster_max_redirections", Field::integer().defaultTo(5));
  return Field::record(std::move(redis));
}

const nlohmann::json& member(const nlohmann::json& config, const char* name) {
  static const nlohmann::json kNull;
  auto it = config.find(name);
  return it == config.end() ? kNull : *it;
}

// A longer period may not allow fewer requests than a shorter one, and sync_rate only means
// something for the redis policy.
std::optional<std::string> validateLimits(const nlohmann::json& config) {
  for (size_t i = 0; i < kPeriods.size(); ++i) {
    const nlohmann::json& lower = member(config, kPeriods[i]);
    if (!lower.is_number()) {
      continue;
    }
    for (size_t j = i + 1; j < kPeriods.size(); ++j) {
      const nlohmann::json& upper = member(config, kPeriods[j]);
      if (upper.is_number() && upper.get<double>() < lower.get<double>()) {
        return absl::StrFormat("The limit for %s(%.1f) cannot be lower than the limit for %s(%.1f)",
                               kPeriods[j], upper.get<double>(), kPeriods[i], lower.get<double>());
      }
    }
  }
  const bool redis = member(config, "policy") == "redis";
  const nlohmann::json& sync_rate_value = member(config, "sync_rate");
  const double sync_rate = sync_rate_value.is_number() ? sync_rate_value.get<double>() : 0;
  if (!redis && sync_rate != kSyncRateRealtime) {
    return "sync_rate can only be used with the redis policy";
  }
  if (redis && sync_rate != kSyncRateRealtime && sync_rate < 0.02) {
    return "sync_rate must be greater than 0.02, or -1 to disable";
  }
  return std::nullopt;
}

Field configField() {
  Record config;
  for (const char* period : kPeriods) {
    config.add(period, Field::number().gt(0));
  }
  config
      .add("limit_by", Field::string()
                           .defaultTo("consumer")
                           .oneOf({"consumer", "credential", "ip", "service", "header", "path"}))
      .add("header_name", typedefs::headerName())
      .add("path", typedefs::path())
      .add("policy", Field::string().defaultTo("local").lenMin(0).oneOf({"local", "redis"}))
      .add("fault_tolerant", Field::boolean().required().defaultTo(true))
      .add("redis", redisField())
      .add("hide_client_headers", Field::boolean().required().defaultTo(false))
      .add("error_code", Field::number().defaultTo(429).gt(0))
      .add("error_message", Field::string().defaultTo("API rate limit exceeded"))
      .add("sync_rate", Field::number().required().defaultTo(kSyncRateRealtime))
      // Portico's: `sliding` estimates the rate over the last full period (the previous window
      // weighted by its overlap), so a client cannot send twice the limit across a boundary.
      .add("window_type", Field::string().defaultTo("fixed").oneOf({"fixed", "sliding"}));
  config.addShorthand("redis_host", Field::string(), {"redis", "host"})
      .addShorthand("redis_port", Field::integer(), {"redis", "port"})
      .addShorthand("redis_password", Field::string().lenMin(0), {"redis", "password"})
      .addShorthand("redis_username", Field::string(), {"redis", "username"})
      .addShorthand("redis_ssl", Field::boolean(), {"redis", "ssl"})
      .addShorthand("redis_ssl_verify", Field::boolean(), {"redis", "ssl_verify"})
      .addShorthand("redis_server_name", Field::string(), {"redis", "server_name"})
      .addShorthand("redis_timeout", Field::integer(), {"redis", "timeout"})
      .addShorthand("redis_database", Field::integer(), {"redis", "database"});
  return Field::record(std::move(config)).check(validateLimits);
}

EntityCheck requiredWhen(const std::string& if_field, const std::string& value,
                         const std::string& then_field) {
  Match when;
  when.eq = value;
  Match required;
  required.required = true;
  return EntityCheck::conditional(if_field, when, then_field, required);
}

bool isSet(const nlohmann::json* value) { return value != nullptr && !value->is_null(); }

// Kong Enterprise's mutually_exclusive_sets message.
std::optional<std::string> hostOrClusterNodes(const nlohmann::json& entity) {
  const nlohmann::json& redis = member(member(entity, "config"), "redis");
  if (!redis.is_object() || !isSet(&member(redis, "host")) ||
      !isSet(&member(redis, "cluster_nodes"))) {
    return std::nullopt;
  }
  return "these sets are mutually exclusive: ('config.redis.cluster_nodes'), "
         "('config.redis.host')";
}

// With cluster_nodes, redis.host is not required (and may not be set).
std::vector<EntityCheck> entityChecks(bool cluster) {
  std::vector<std::string> periods;
  for (const char* period : kPeriods) {
    periods.push_back(std::string("config.") + period);
  }
  std::vector<EntityCheck> checks = {EntityCheck::atLeastOneOf(periods)};
  if (cluster) {
    checks.push_back(EntityCheck::custom({"config.redis"}, hostOrClusterNodes));
  } else {
    checks.push_back(requiredWhen("config.policy", "redis", "config.redis.host"));
  }
  checks.push_back(requiredWhen("config.policy", "redis", "config.redis.port"));
  checks.push_back(requiredWhen("config.policy", "redis", "config.redis.timeout"));
  checks.push_back(requiredWhen("config.limit_by", "header", "config.header_name"));
  checks.push_back(requiredWhen("config.limit_by", "path", "config.path"));
  return checks;
}

}  // namespace

RateLimitingSchema::RateLimitingSchema()
    : RecordPluginSchema("rate-limiting", kPriority, configField(), entityChecks(false),
                         config::schema::ConsumerScope::kAllowed),
      cluster_("rate-limiting", kPriority, configField(), entityChecks(true),
               config::schema::ConsumerScope::kAllowed) {}

nlohmann::json RateLimitingSchema::validate(nlohmann::json& config,
                                            const config::PluginScope& scope) const {
  const nlohmann::json& redis = member(config, "redis");
  if (redis.is_object() && isSet(&member(redis, "cluster_nodes"))) {
    return cluster_.validate(config, scope);
  }
  return RecordPluginSchema::validate(config, scope);
}

static const config::RegisterPluginSchema<RateLimitingSchema> kRegister;

}  // namespace portico::filters::http::rate_limiting
