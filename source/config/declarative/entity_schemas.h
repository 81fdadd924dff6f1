#pragma once

#include <set>
#include <string>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// Where an entity record sits in the file.
struct Placement {
  // The foreign key the enclosing entity implies ("service", "route", "consumer"), or "" at the
  // top level. Nested records may not name any foreign key themselves (Kong's `eq = null`).
  std::string parent_key;
  // Keys of nested entity arrays the walker validates itself ("routes", "plugins", ...).
  std::set<std::string> child_keys;
};

// Validate one entity record with Kong's rules and messages, filling defaults into it (and, for
// services, expanding the `url` shorthand). Each returns the record's errors in Kong's `fields`
// shape (field -> message, nested arrays/objects, "@entity" list), or an empty object.
nlohmann::json validateService(nlohmann::json& service, const Placement& placement);
nlohmann::json validateRoute(nlohmann::json& route, const Placement& placement);
nlohmann::json validateConsumer(nlohmann::json& consumer, const Placement& placement);
nlohmann::json validatePlugin(nlohmann::json& plugin, const Placement& placement);
nlohmann::json validateJwtSecret(nlohmann::json& secret, const Placement& placement);
nlohmann::json validateCertificate(nlohmann::json& certificate, const Placement& placement);
nlohmann::json validateSni(nlohmann::json& sni, const Placement& placement);
nlohmann::json validateCaCertificate(nlohmann::json& ca_certificate, const Placement& placement);
nlohmann::json validateUpstream(nlohmann::json& upstream, const Placement& placement);
nlohmann::json validateTarget(nlohmann::json& target, const Placement& placement);

}  // namespace portico::config::declarative
