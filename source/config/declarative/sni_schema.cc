#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/declarative/host_check.h"

namespace portico::config::declarative {
namespace {

StringRule wildcardHost() {
  return [](const std::string& name) -> std::optional<std::string> {
    std::string error = wildcardHostError(name);
    return error.empty() ? std::nullopt : std::optional<std::string>(std::move(error));
  };
}

}  // namespace

// kong/db/schema/entities/snis.lua: `name` is a typedefs.wildcard_host, unique (the flattener
// checks it as the endpoint key); `certificate` is required unless the sni nests in one.
nlohmann::json validateSni(nlohmann::json& sni, const Placement& placement) {
  return checkFields(sni,
                     {
                         idField(),
                         Field{"name", stringCheck({wildcardHost()}), true},
                         timestampField("created_at"),
                         timestampField("updated_at"),
                         tagsField(),
                         foreignField("certificate", !placement.parent_key.empty(), true),
                     },
                     placement.child_keys);
}

}  // namespace portico::config::declarative
