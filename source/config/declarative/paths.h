#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// Validation of `routes.paths` elements (typedefs.router_path): the message, or "" when valid.
// Plain paths must already be normalised; `~` paths must compile as regexes.
std::string routePathError(const std::string& path);

// Validation of `services.path` (typedefs.path): the message, or "" when valid.
std::string servicePathError(const std::string& path);

// The 3.0 form of a route path written for format 1.1/2.1 (kong/db/migrations/
// migrate_path_280_300.lua): plain paths are normalised, anything else becomes a `~` regex.
std::string migratePath(const std::string& path);

// Applies migratePath to the routes of a 1.1/2.1 config (top-level ones and those nested in
// top-level services) and turns `_format_version` into "3.0". Other versions are left alone.
void migrateFormat(nlohmann::json& root);

}  // namespace portico::config::declarative
