#pragma once

#include <string>
#include <vector>

#include "source/config/declarative/entity_schemas.h"

namespace portico::config::declarative {

// A foreign key of an entity and the entity table it references. With `many`, the field is an
// array of ids (services' `ca_certificates`), each of which must exist.
struct ForeignKey {
  std::string field;
  std::string reference;
  bool many = false;
};

// An entity array that may be nested in another entity, and the foreign key it then implies.
struct ChildLink {
  std::string type;
  std::string foreign_key;
};

// What the loader knows about one Kong entity table.
struct EntityType {
  std::string name;          // the table and top-level key: "services"
  std::string singular;      // flattened_errors' entity_type: "service"
  std::string endpoint_key;  // unique key usable instead of the id; "" when none
  std::vector<std::string> unique_fields;
  std::vector<ForeignKey> foreign_keys;
  std::vector<ChildLink> children;
  nlohmann::json (*validate)(nlohmann::json&, const Placement&);
};

// The supported entity tables in the order Kong visits them (its topological sort), which decides
// which of two duplicates counts as the second.
const std::vector<EntityType>& entityTypes();
const EntityType* findEntityType(const std::string& name);

// Top-level keys Kong accepts for entities this gateway does not implement yet; their content is
// ignored (only the array shape is checked).
bool isIgnoredEntityKey(const std::string& key);

}  // namespace portico::config::declarative
