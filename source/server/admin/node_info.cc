#include "source/server/admin/node_info.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "source/config/plugin_schema.h"
#include "source/server/admin/responses.h"
#include "source/server/proxy_settings.h"

namespace portico::server::admin {
namespace {

constexpr char kRedacted[] = "******";

uint64_t counter(const std::function<uint64_t()>& read) { return read ? read() : 0; }

nlohmann::json listeners(const google::protobuf::RepeatedPtrField<config::v1::Listener>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const config::v1::Listener& listener : all) {
    out.push_back(
        absl::StrCat(listener.address(), ":", listener.port(), listener.ssl() ? " ssl" : ""));
  }
  return out;
}

nlohmann::json strings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return nlohmann::json(std::vector<std::string>(values.begin(), values.end()));
}

nlohmann::json stringOrNull(const std::string& value) {
  return value.empty() ? nlohmann::json() : nlohmann::json(value);
}

}  // namespace

nlohmann::json sanitizedConfiguration(const config::v1::Bootstrap& bootstrap) {
  nlohmann::json loaded_plugins = nlohmann::json::object();
  for (const config::PluginSchema* schema : config::PluginSchemaRegistry::instance().all()) {
    loaded_plugins[std::string(schema->name())] = true;
  }
  return {
      {"prefix", bootstrap.prefix()},
      {"database", bootstrap.database().empty() ? "off" : bootstrap.database()},
      {"declarative_config", stringOrNull(bootstrap.declarative_config())},
      {"declarative_config_string",
       bootstrap.declarative_config_string().empty() ? nlohmann::json() : kRedacted},
      {"proxy_listen", listeners(bootstrap.proxy_listen())},
      {"admin_listen", listeners(bootstrap.admin_listen())},
      {"status_listen", listeners(bootstrap.status_listen())},
      {"nginx_worker_processes",
       bootstrap.workers() == 0 ? std::string("auto") : std::to_string(bootstrap.workers())},
      {"plugins", nlohmann::json::array({"bundled"})},
      {"loaded_plugins", loaded_plugins},
      {"router_flavor", "traditional_compatible"},
      {"headers", strings(bootstrap.headers())},
      {"headers_upstream", strings(bootstrap.headers_upstream())},
      {"trusted_ips", strings(bootstrap.trusted_ips())},
      {"real_ip_header", bootstrap.real_ip_header()},
      {"real_ip_recursive", bootstrap.real_ip_recursive() ? "on" : "off"},
      {"error_default_type", bootstrap.error_default_type()},
      {"allow_debug_header", bootstrap.allow_debug_header()},
      {"log_level", bootstrap.log_level()},
      {"proxy_access_log", bootstrap.access_log()},
      {"proxy_error_log", bootstrap.error_log()},
      {"lua_ssl_trusted_certificate", stringOrNull(bootstrap.lua_ssl_trusted_certificate())},
      {"upstream_keepalive_pool_size", bootstrap.upstream_keepalive_pool_size()},
  };
}

AdminResponse nodeInfo(const ProcessInfo& process, const std::string& node_id,
                       const std::string& hostname, const ConfigManager& config) {
  nlohmann::json available = nlohmann::json::object();
  for (const config::PluginSchema* schema : config::PluginSchemaRegistry::instance().all()) {
    available[std::string(schema->name())] = {{"version", kKongCompatibleVersion},
                                              {"priority", schema->priority()}};
  }
  std::set<std::string> in_use;
  for (const auto& plugin : config.config().plugins()) {
    in_use.insert(plugin.name());
  }
  const config::v1::Bootstrap empty_bootstrap;
  return jsonResponse(
      200,
      {
          {"tagline", "Welcome to kong"},
          {"version", kKongCompatibleVersion},
          {"edition", "community"},
          {"hostname", hostname},
          {"node_id", node_id},
          {"timers", {{"running", 0}, {"pending", 0}}},
          {"plugins",
           {{"available_on_server", available},
            {"enabled_in_cluster",
             nlohmann::json(std::vector<std::string>(in_use.begin(), in_use.end()))}}},
          {"lua_version", absl::StrCat(kProductName, "/", kProductVersion)},
          {"configuration", sanitizedConfiguration(process.bootstrap != nullptr ? *process.bootstrap
                                                                                : empty_bootstrap)},
          {"pids", {{"master", process.pid}, {"workers", process.worker_pids}}},
      });
}

AdminResponse nodeStatus(const ProcessInfo& process, const ConfigManager& config) {
  const uint64_t accepted = counter(process.connections_accepted);
  const uint64_t active = counter(process.connections_active);
  return jsonResponse(200, {
                               {"memory",
                                {{"workers_lua_vms", nlohmann::json::array()},
                                 {"lua_shared_dicts", nlohmann::json::object()}}},
                               {"server",
                                {{"connections_accepted", accepted},
                                 {"connections_active", active},
                                 {"connections_handled", accepted},
                                 {"connections_reading", 0},
                                 {"connections_waiting", active},
                                 {"connections_writing", 0},
                                 {"total_requests", counter(process.total_requests)}}},
                               {"configuration_hash", config.hash()},
                           });
}

AdminResponse dataPlanes(const ProcessInfo& process) {
  if (!process.data_planes) {
    return jsonResponse(400, {{"message",
                               "this endpoint is only available when Kong is configured to run "
                               "as Control Plane for the cluster"}});
  }
  return jsonResponse(200, process.data_planes());
}

AdminResponse enabledPlugins() {
  nlohmann::json names = nlohmann::json::array();
  for (const config::PluginSchema* schema : config::PluginSchemaRegistry::instance().all()) {
    names.push_back(std::string(schema->name()));
  }
  return jsonResponse(200, {{"enabled_plugins", names}});
}

}  // namespace portico::server::admin
