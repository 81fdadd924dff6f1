#pragma once

#include <string>

#include "nlohmann/json.hpp"
#include "portico/config/v1/bootstrap.pb.h"
#include "source/server/admin/admin_api.h"
#include "source/server/config_manager.h"

namespace portico::server::admin {

// The Kong release whose Admin API this one reproduces; reported as `version` (and as the bundled
// plugins' version) because Kong clients such as decK choose formats and features by it.
inline constexpr char kKongCompatibleVersion[] = "3.10.0";

// GET / (kong/api/routes/kong.lua): tagline, version, node, plugins, sanitised configuration.
AdminResponse nodeInfo(const ProcessInfo& process, const std::string& node_id,
                       const std::string& hostname, const ConfigManager& config);

// GET /status (kong/api/routes/health.lua) in DB-less mode: no `database` key.
AdminResponse nodeStatus(const ProcessInfo& process, const ConfigManager& config);

// GET /clustering/data-planes: a control plane's data planes; 400 on other roles, as Kong.
AdminResponse dataPlanes(const ProcessInfo& process);

// GET /plugins/enabled: every plugin this binary can run.
AdminResponse enabledPlugins();

// kong.conf as GET / shows it: the keys Portico reads, with secrets masked as Kong's
// conf_loader.remove_sensitive does.
nlohmann::json sanitizedConfiguration(const config::v1::Bootstrap& bootstrap);

}  // namespace portico::server::admin
