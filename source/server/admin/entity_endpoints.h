#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source/server/admin/admin_api.h"
#include "source/server/admin/entity_table.h"
#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {

// The endpoint shapes kong/api/endpoints.lua generates for every table and foreign key.
enum class EntityShape {
  kCollection,        // /routes
  kEntity,            // /routes/{id|name}
  kNestedCollection,  // /services/{s}/routes
  kForeignEntity,     // /routes/{r}/service
  kNestedEntity,      // /services/{s}/routes/{r}
};

struct EntityRoute {
  EntityShape shape = EntityShape::kCollection;
  // The table addressed: the child table for nested shapes, the referencing table (routes in
  // /routes/{r}/service) for kForeignEntity.
  const EntityType* type = nullptr;
  const Relation* relation = nullptr;  // nested and foreign shapes
  std::string reference;               // {id|key} of the `type` entity, percent-decoded
  std::string parent_reference;        // {id|key} of the parent entity, percent-decoded
  std::string parent_segment;          // the parent's path segment as sent, for `next` links
};

// Matches a path split into raw segments ("/services/a/routes" -> {"services","a","routes"}).
std::optional<EntityRoute> matchEntityRoute(const std::vector<std::string_view>& segments);

// The `Allow` list of a shape: collections take GET and POST, entities GET, PUT, PATCH, DELETE.
std::vector<std::string_view> allowedMethods(EntityShape shape);

// Answers an allowed method on an entity route from `table`: reads as Kong does, writes as DB-less
// Kong refuses them (kong-behavior.md §6.1, §6.3). HEAD is answered as GET.
AdminResponse handleEntityRoute(const EntityRoute& route, std::string_view method,
                                const QueryArgs& args, const EntityTable& table);

}  // namespace portico::server::admin
