#pragma once

#include <string>
#include <vector>

#include "source/config/declarative/schema.h"

namespace portico::config::declarative {

// Fields and helpers shared by the entity schemas.

inline const std::vector<std::string>& allProtocols() {
  static const std::vector<std::string> protocols = {
      "grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp"};
  return protocols;
}

Field idField();
Field timestampField(std::string name);
Field tagsField();
// A foreign key: a reference by endpoint key or id (a string, or `{id = ...}`) at the top level,
// null when nested (Kong's declarative schema turns nested foreign fields into `eq = null`).
Field foreignField(std::string name, bool nested, bool required = false);

// True when `value` is present, non-null and, for arrays/objects, non-empty (Kong's
// `at_least_one_of` notion of "set").
bool isSet(const nlohmann::json& record, const std::string& field);

}  // namespace portico::config::declarative
