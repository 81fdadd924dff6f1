#include "source/config/plugin_schema.h"

namespace portico::config {

PluginSchemaRegistry& PluginSchemaRegistry::instance() {
  static PluginSchemaRegistry* registry = new PluginSchemaRegistry();
  return *registry;
}

void PluginSchemaRegistry::add(PluginSchemaPtr schema) {
  std::string name(schema->name());
  schemas_[name] = std::move(schema);
}

const PluginSchema* PluginSchemaRegistry::find(std::string_view name) const {
  auto it = schemas_.find(name);
  return it == schemas_.end() ? nullptr : it->second.get();
}

std::vector<const PluginSchema*> PluginSchemaRegistry::all() const {
  std::vector<const PluginSchema*> result;
  for (const auto& [name, schema] : schemas_) {
    result.push_back(schema.get());
  }
  return result;
}

}  // namespace portico::config
