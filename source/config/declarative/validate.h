#pragma once

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// Validates a whole (already migrated) declarative config against Kong's declarative schema:
// `_format_version`, `_transform`, `_comment`, `_ignore`, every entity array and the entities
// nested in them. Fills defaults in place. Returns Kong's error tree, or an empty object.
nlohmann::json validateConfig(nlohmann::json& root);

}  // namespace portico::config::declarative
