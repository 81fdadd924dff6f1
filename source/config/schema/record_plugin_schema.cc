#include "source/config/schema/record_plugin_schema.h"

#include <utility>

namespace portico::config::schema {

RecordPluginSchema::RecordPluginSchema(std::string name, int priority, Field config,
                                       std::vector<EntityCheck> entity_checks,
                                       ConsumerScope consumer_scope)
    : name_(std::move(name)), priority_(priority), consumer_scope_(consumer_scope) {
  entity_.add("config", config.required());
  for (EntityCheck& check : entity_checks) {
    entity_.addCheck(std::move(check));
  }
}

nlohmann::json RecordPluginSchema::validate(nlohmann::json& config,
                                            const PluginScope& scope) const {
  nlohmann::json plugin = nlohmann::json::object();
  plugin["config"] = std::move(config);
  nlohmann::json errors = entity_.validate(plugin);
  config = std::move(plugin["config"]);
  if (consumer_scope_ == ConsumerScope::kForbidden && scope.consumer) {
    if (errors.is_null()) {
      errors = nlohmann::json::object();
    }
    errors["consumer"] = "value must be null";
  }
  return errors;
}

}  // namespace portico::config::schema
