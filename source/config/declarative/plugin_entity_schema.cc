#include "absl/strings/str_cat.h"
#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/plugin_schema.h"

namespace portico::config::declarative {
namespace {

// Merges a plugin schema's errors into the entity's: objects key by key, "@entity" lists appended.
void mergeErrors(nlohmann::json& into, const nlohmann::json& from) {
  for (const auto& [key, value] : from.items()) {
    if (key == "@entity" && into.contains(key) && value.is_array()) {
      for (const auto& message : value) {
        into[key].push_back(message);
      }
    } else if (value.is_object() && into.contains(key) && into[key].is_object()) {
      mergeErrors(into[key], value);
    } else {
      into[key] = value;
    }
  }
}

bool hasScope(const nlohmann::json& plugin, const Placement& placement, const char* key) {
  return placement.parent_key == key || (plugin.contains(key) && !plugin[key].is_null());
}

}  // namespace

nlohmann::json validatePlugin(nlohmann::json& plugin, const Placement& placement) {
  bool nested = !placement.parent_key.empty();
  nlohmann::json default_protocols = {"grpc", "grpcs", "http", "https"};
  nlohmann::json errors =
      checkFields(plugin,
                  {
                      idField(),
                      Field{"name", stringCheck(), true},
                      Field{"instance_name", stringCheck({utf8Name()})},
                      timestampField("created_at"),
                      timestampField("updated_at"),
                      foreignField("route", nested),
                      foreignField("service", nested),
                      foreignField("consumer", nested),
                      Field{"config",
                            [](const nlohmann::json& value) -> nlohmann::json {
                              return value.is_object() ? nlohmann::json()
                                                       : nlohmann::json(messages::kExpectedRecord);
                            }},
                      Field{"protocols", arrayCheck(stringCheck({oneOf(allProtocols())}), true),
                            true, default_protocols},
                      Field{"enabled", booleanCheck(), false, true},
                      tagsField(),
                  },
                  placement.child_keys);
  if (errors.contains("name")) {
    return errors;
  }
  std::string name = plugin["name"];
  const config::PluginSchema* schema = config::PluginSchemaRegistry::instance().find(name);
  if (schema == nullptr) {
    errors["name"] = absl::StrCat("plugin '", name,
                                  "' not enabled; add it to the 'plugins' configuration property");
    return errors;
  }
  if (errors.contains("config")) {
    return errors;
  }
  if (!plugin.contains("config") || plugin["config"].is_null()) {
    plugin["config"] = nlohmann::json::object();
  }
  config::PluginScope scope;
  scope.route = hasScope(plugin, placement, "route");
  scope.service = hasScope(plugin, placement, "service");
  scope.consumer = hasScope(plugin, placement, "consumer");
  nlohmann::json schema_errors = schema->validate(plugin["config"], scope);
  if (schema_errors.is_object()) {
    mergeErrors(errors, schema_errors);
  }
  return errors;
}

}  // namespace portico::config::declarative
