#include "source/server/admin/entity_endpoints.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "source/config/declarative/error_render.h"
#include "source/server/admin/paging.h"
#include "source/server/admin/responses.h"

namespace portico::server::admin {
namespace {

absl::string_view sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

// kong/db/strategies/off: every write is refused with OPERATION_UNSUPPORTED (code 12).
AdminResponse unsupported(std::string_view operation, const EntityType& type, bool by_key) {
  std::string message =
      absl::StrCat("cannot ", sv(operation), " '", sv(type.schema_name), "' entities");
  if (by_key) {
    absl::StrAppend(&message, " by '", sv(type.endpoint_key), "'");
  }
  absl::StrAppend(&message, " when not using a database");
  return daoError(405, 12, "operation unsupported", message);
}

// kong/db/errors.lua `not_found` / `not_found_by_field`, as a PATCH of a missing entity reports.
AdminResponse entityNotFound(const EntityType& type, std::string_view reference, bool by_key) {
  const std::string field(by_key ? type.endpoint_key : std::string_view("id"));
  nlohmann::json key = {{field, reference}};
  const std::string message = absl::StrCat(
      by_key ? "could not find the entity with '" : "could not find the entity with primary key '",
      config::declarative::luaTable(key), "'");
  return daoError(404, 6, "not found", message, std::move(key));
}

class Handler {
 public:
  Handler(const EntityRoute& route, const QueryArgs& args, const EntityTable& table)
      : route_(route), args_(args), table_(table) {}

  AdminResponse run(std::string_view method) {
    const bool read = method == "GET" || method == "HEAD";
    switch (route_.shape) {
      case EntityShape::kCollection:
        return read ? listCollection() : unsupported("create", *route_.type, false);
      case EntityShape::kEntity:
        return entity(method);
      case EntityShape::kNestedCollection:
        return nestedCollection(read);
      case EntityShape::kForeignEntity:
        return foreignEntity(method);
      case EntityShape::kNestedEntity:
        return nestedEntity(method);
    }
    return notFound();
  }

 private:
  const EntityType& parentType() const { return entityType(route_.relation->parent); }

  AdminResponse page(const std::vector<size_t>& rows, const std::string& path) {
    auto request = parsePageRequest(args_);
    if (auto* error = std::get_if<AdminResponse>(&request)) {
      return std::move(*error);
    }
    const EntityKind kind = route_.type->kind;
    return jsonResponse(200,
                        renderPage(
                            rows.size(), [&](size_t i) { return table_.render(kind, rows[i]); },
                            std::get<PageRequest>(request), path));
  }

  std::vector<size_t> allRows() const {
    std::vector<size_t> rows(table_.size(route_.type->kind));
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i] = i;
    }
    return rows;
  }

  AdminResponse listCollection() {
    if (route_.type->kind == EntityKind::kConsumer) {
      if (const std::string* custom_id = findArg(args_, "custom_id")) {
        return consumerByCustomId(*custom_id);
      }
    }
    return page(allRows(), absl::StrCat("/", sv(route_.type->collection)));
  }

  // kong/api/routes/consumers.lua: `?custom_id=` selects by that unique field, without paging.
  AdminResponse consumerByCustomId(const std::string& custom_id) {
    if (custom_id.empty()) {
      return messageResponse(400, "custom_id must be an unempty string");
    }
    nlohmann::json data = nlohmann::json::array();
    if (const std::optional<size_t> consumer = table_.findConsumerByCustomId(custom_id)) {
      data.push_back(table_.render(EntityKind::kConsumer, *consumer));
    }
    return jsonResponse(200, {{"data", std::move(data)}, {"next", nullptr}});
  }

  AdminResponse entity(std::string_view method) {
    const EntityType& type = *route_.type;
    const EntityTable::Match match = table_.find(type, route_.reference);
    if (method == "PUT") {
      return unsupported("create or update", type, match.by_key);
    }
    if (method == "PATCH") {
      return match.index ? unsupported("update", type, match.by_key)
                         : entityNotFound(type, route_.reference, match.by_key);
    }
    if (method == "DELETE") {
      // The DAO selects first and treats a missing entity as already deleted.
      return match.index ? unsupported("remove", type, match.by_key) : emptyResponse(204);
    }
    return match.index ? jsonResponse(200, table_.render(type.kind, *match.index)) : notFound();
  }

  std::optional<size_t> findParent() const {
    return table_.find(parentType(), route_.parent_reference).index;
  }

  bool belongsToParent(size_t child, size_t parent) const {
    return table_.foreignId(route_.type->kind, child, route_.relation->field) ==
           table_.id(parentType().kind, parent);
  }

  AdminResponse nestedCollection(bool read) {
    const std::optional<size_t> parent = findParent();
    if (!parent) {
      return notFound();
    }
    if (!read) {
      return unsupported("create", *route_.type, false);
    }
    std::vector<size_t> rows;
    for (size_t i = 0; i < table_.size(route_.type->kind); ++i) {
      if (belongsToParent(i, *parent)) {
        rows.push_back(i);
      }
    }
    return page(rows, absl::StrCat("/", sv(parentType().collection), "/", route_.parent_segment,
                                   "/", sv(route_.type->nested_name)));
  }

  // /routes/{r}/service: the entity the foreign key points to.
  AdminResponse foreignEntity(std::string_view method) {
    const EntityTable::Match child = table_.find(*route_.type, route_.reference);
    if (!child.index) {
      return notFound();
    }
    const EntityType& target = parentType();
    const std::optional<std::string_view> target_id =
        table_.foreignId(route_.type->kind, *child.index, route_.relation->field);
    if (method == "PUT") {
      // Upserts the referenced entity, or a new one to associate.
      return unsupported("create or update", target, false);
    }
    if (!target_id) {
      return notFound();
    }
    if (method == "DELETE") {
      return methodNotAllowed();
    }
    const EntityTable::Match found = table_.find(target, *target_id);
    if (method == "PATCH") {
      return found.index ? unsupported("update", target, false)
                         : entityNotFound(target, *target_id, false);
    }
    return found.index ? jsonResponse(200, table_.render(target.kind, *found.index)) : notFound();
  }

  // /services/{s}/routes/{r}: the child, only when it belongs to the parent.
  AdminResponse nestedEntity(std::string_view method) {
    const std::optional<size_t> parent = findParent();
    if (!parent) {
      return notFound();
    }
    const EntityType& type = *route_.type;
    const EntityTable::Match child = table_.find(type, route_.reference);
    if (method == "PUT") {
      return unsupported("create or update", type, child.by_key);
    }
    if (!child.index || !belongsToParent(*child.index, *parent)) {
      return notFound();
    }
    if (method == "PATCH") {
      return unsupported("update", type, child.by_key);
    }
    if (method == "DELETE") {
      return unsupported("remove", type, child.by_key);
    }
    return jsonResponse(200, table_.render(type.kind, *child.index));
  }

  const EntityRoute& route_;
  const QueryArgs& args_;
  const EntityTable& table_;
};

const Relation* nestedRelation(const EntityType& parent, std::string_view nested_name) {
  for (const Relation& relation : relations()) {
    if (relation.parent == parent.kind && entityType(relation.child).nested_name == nested_name) {
      return &relation;
    }
  }
  return nullptr;
}

const Relation* foreignRelation(const EntityType& child, std::string_view field) {
  for (const Relation& relation : relations()) {
    if (relation.child == child.kind && relation.field == field) {
      return &relation;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<EntityRoute> matchEntityRoute(const std::vector<std::string_view>& segments) {
  if (segments.empty() || segments.size() > 4) {
    return std::nullopt;
  }
  const EntityType* first = typeByCollection(segments[0]);
  if (first == nullptr) {
    return std::nullopt;
  }
  EntityRoute route;
  route.type = first;
  if (segments.size() == 1) {
    route.shape = EntityShape::kCollection;
    return route;
  }
  if (segments.size() == 2) {
    route.shape = EntityShape::kEntity;
    route.reference = urlDecode(segments[1], false);
    return route;
  }
  if (const Relation* nested = nestedRelation(*first, segments[2])) {
    route.type = &entityType(nested->child);
    route.relation = nested;
    route.parent_reference = urlDecode(segments[1], false);
    route.parent_segment = std::string(segments[1]);
    if (segments.size() == 3) {
      route.shape = EntityShape::kNestedCollection;
    } else {
      route.shape = EntityShape::kNestedEntity;
      route.reference = urlDecode(segments[3], false);
    }
    return route;
  }
  const Relation* foreign = foreignRelation(*first, segments[2]);
  if (foreign == nullptr || segments.size() != 3) {
    return std::nullopt;
  }
  route.shape = EntityShape::kForeignEntity;
  route.relation = foreign;
  route.reference = urlDecode(segments[1], false);
  return route;
}

std::vector<std::string_view> allowedMethods(EntityShape shape) {
  if (shape == EntityShape::kCollection || shape == EntityShape::kNestedCollection) {
    return {"GET", "HEAD", "OPTIONS", "POST"};
  }
  return {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"};
}

AdminResponse handleEntityRoute(const EntityRoute& route, std::string_view method,
                                const QueryArgs& args, const EntityTable& table) {
  return Handler(route, args, table).run(method);
}

}  // namespace portico::server::admin
