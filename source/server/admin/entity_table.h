#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "portico/config/v1/declarative.pb.h"

namespace portico::server::admin {

// The DB-less entity tables the admin API serves. Tables Portico does not model yet (upstreams,
// certificates, …) are still listed so that their endpoints answer as an empty Kong would.
enum class EntityKind {
  kService,
  kRoute,
  kConsumer,
  kPlugin,
  kJwtSecret,
  kUpstream,
  kTarget,
  kCertificate,
  kCaCertificate,
  kSni,
  kVault,
  kKeySet,
  kKey,
};

// One table's names, as its Kong schema declares them.
struct EntityType {
  EntityKind kind;
  std::string_view schema_name;   // in error messages: "jwt_secrets"
  std::string_view collection;    // admin_api_name: "/jwts"
  std::string_view nested_name;   // admin_api_nested_name: "/consumers/{c}/jwt"
  std::string_view endpoint_key;  // the unique field that may address an entity; "" if none
};

// A foreign key (Kong's `type = "foreign"` field), e.g. routes.service -> services.
struct Relation {
  EntityKind child;
  std::string_view field;
  EntityKind parent;
};

const std::vector<EntityType>& entityTypes();
const EntityType& entityType(EntityKind kind);
const EntityType* typeByCollection(std::string_view collection);
const std::vector<Relation>& relations();

// Read-only view of one config's entities by table and position (config order).
class EntityTable {
 public:
  explicit EntityTable(const config::v1::DeclarativeConfig& config) : config_(config) {}

  size_t size(EntityKind kind) const;
  std::string_view id(EntityKind kind, size_t index) const;
  // The endpoint key's value (name, username, …), unset when the entity has none.
  std::optional<std::string_view> endpointKey(EntityKind kind, size_t index) const;
  // The id a foreign key field points to; unset when the field is null.
  std::optional<std::string_view> foreignId(EntityKind kind, size_t index,
                                            std::string_view field) const;
  // The entity's Admin API JSON (kong-behavior.md §6.2).
  nlohmann::json render(EntityKind kind, size_t index) const;

  struct Match {
    std::optional<size_t> index;
    bool by_key = false;  // addressed by its endpoint key rather than its id
  };
  // Kong's endpoints.lua addressing: a UUID names the id; anything else the endpoint key.
  Match find(const EntityType& type, std::string_view reference) const;
  std::optional<size_t> findConsumerByCustomId(std::string_view custom_id) const;

 private:
  const config::v1::DeclarativeConfig& config_;
};

}  // namespace portico::server::admin
