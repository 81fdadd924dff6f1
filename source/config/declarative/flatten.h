#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

struct FlattenResult {
  // Per entity table, the records in Kong's visiting order: nested entities lifted to the top,
  // ids derived or generated, timestamps and auto credentials filled, foreign keys replaced by the
  // referenced entity's id (null when unset).
  std::map<std::string, std::vector<nlohmann::json>> entities;
  // Uniqueness and reference errors in Kong's shape; an empty object when there are none.
  nlohmann::json errors = nlohmann::json::object();
  // For errors not placed at their entity's input position (e.g. keyed by name): error pointer ->
  // JSON pointer of the entity in the input, for line numbers.
  std::map<std::string, std::string> error_sources;
};

// Kong's `flatten` after schema validation (kong/db/schema/others/declarative_config.lua):
// generate_ids, auto fields, populate_references/validate_references and the unique-field pass.
// `root` must have passed validateConfig. `now` is the load time in seconds.
FlattenResult flattenConfig(nlohmann::json& root, int64_t now);

}  // namespace portico::config::declarative
