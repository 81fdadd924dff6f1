#include "source/filters/http/rate_limiting/config.h"

#include "absl/strings/str_cat.h"
#include "source/config/struct_fields.h"

namespace portico::filters::http::rate_limiting {
namespace {

using config::boolOr;
using config::numberOr;
using config::stringOr;
using google::protobuf::Struct;
using google::protobuf::Value;

absl::StatusOr<LimitBy> parseLimitBy(const std::string& name) {
  if (name == "consumer") return LimitBy::kConsumer;
  if (name == "credential") return LimitBy::kCredential;
  if (name == "ip") return LimitBy::kIp;
  if (name == "service") return LimitBy::kService;
  if (name == "header") return LimitBy::kHeader;
  if (name == "path") return LimitBy::kPath;
  return absl::InvalidArgumentError(absl::StrCat("unknown limit_by '", name, "'"));
}

RedisSettings parseRedis(const Struct& redis) {
  RedisSettings settings;
  settings.host = stringOr(redis, "host", "");
  settings.port = static_cast<uint16_t>(numberOr(redis, "port", 6379));
  settings.timeout_ms = static_cast<uint32_t>(numberOr(redis, "timeout", 2000));
  settings.username = stringOr(redis, "username", "");
  settings.password = stringOr(redis, "password", "");
  settings.database = static_cast<int64_t>(numberOr(redis, "database", 0));
  settings.ssl = boolOr(redis, "ssl", false);
  settings.ssl_verify = boolOr(redis, "ssl_verify", false);
  settings.server_name = stringOr(redis, "server_name", "");
  settings.cluster_max_redirections =
      static_cast<int>(numberOr(redis, "cluster_max_redirections", 5));
  if (const Value* nodes = config::structField(redis, "cluster_nodes");
      nodes != nullptr && nodes->has_list_value()) {
    for (const Value& node : nodes->list_value().values()) {
      if (node.has_struct_value()) {
        settings.cluster_nodes.push_back(
            RedisNode{stringOr(node.struct_value(), "ip", ""),
                      static_cast<uint16_t>(numberOr(node.struct_value(), "port", 6379))});
      }
    }
  }
  return settings;
}

}  // namespace

std::string RedisSettings::poolKey() const {
  std::string key =
      absl::StrCat(host, ":", port, "|db=", database, "|t=", timeout_ms, "|u=", username,
                   "|p=", password, "|ssl=", ssl, ssl_verify, "|sni=", server_name);
  if (cluster()) {
    absl::StrAppend(&key, "|cluster=", cluster_max_redirections);
    for (const RedisNode& node : cluster_nodes) {
      absl::StrAppend(&key, ",", node.ip, ":", node.port);
    }
  }
  return key;
}

absl::StatusOr<RateLimitConfig> parseConfig(const Struct& config,
                                            const config::v1::PluginInstance& instance) {
  RateLimitConfig parsed;
  for (Period period : kAllPeriods) {
    const std::string name(periodName(period));
    if (const Value* value = config::structField(config, name.c_str());
        value != nullptr && value->kind_case() == Value::kNumberValue) {
      parsed.limits.push_back(Limit{period, value->number_value()});
    }
  }
  if (parsed.limits.empty()) {
    return absl::InvalidArgumentError("no limit configured");
  }
  absl::StatusOr<LimitBy> limit_by = parseLimitBy(stringOr(config, "limit_by", "consumer"));
  if (!limit_by.ok()) {
    return limit_by.status();
  }
  parsed.limit_by = *limit_by;
  parsed.header_name = stringOr(config, "header_name", "");
  parsed.path = stringOr(config, "path", "");
  parsed.policy = stringOr(config, "policy", "local") == "redis" ? Policy::kRedis : Policy::kLocal;
  parsed.fault_tolerant = boolOr(config, "fault_tolerant", true);
  if (const Value* redis = config::structField(config, "redis");
      redis != nullptr && redis->has_struct_value()) {
    parsed.redis = parseRedis(redis->struct_value());
  }
  if (parsed.policy == Policy::kRedis && parsed.redis.host.empty() && !parsed.redis.cluster()) {
    return absl::InvalidArgumentError("the redis policy needs redis.host or redis.cluster_nodes");
  }
  parsed.hide_client_headers = boolOr(config, "hide_client_headers", false);
  parsed.error_code = static_cast<int>(numberOr(config, "error_code", 429));
  parsed.error_message = stringOr(config, "error_message", "API rate limit exceeded");
  parsed.sync_rate = numberOr(config, "sync_rate", -1);
  parsed.window_type = stringOr(config, "window_type", "fixed") == "sliding" ? WindowType::kSliding
                                                                             : WindowType::kFixed;
  parsed.route_scope = instance.route_id().empty() ? kNullUuid : instance.route_id();
  parsed.service_scope = instance.service_id().empty() ? kNullUuid : instance.service_id();
  return parsed;
}

}  // namespace portico::filters::http::rate_limiting
