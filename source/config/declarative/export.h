#pragma once

#include <string>

#include "nlohmann/json.hpp"
#include "portico/config/v1/declarative.pb.h"

namespace portico::config::declarative {

// The GET /config document (kong-behavior.md §6.5): `_format_version: "3.0"`, `_transform:
// false`, and every entity as a top-level list with all its fields (nulls included) and foreign
// keys as plain ids, so that loading it back yields the same entities.
nlohmann::json exportDocument(const v1::DeclarativeConfig& config);
std::string toYaml(const v1::DeclarativeConfig& config);

}  // namespace portico::config::declarative
