#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::config {

// Which foreign keys a plugin instance carries, for schemas that restrict their scope (jwt may not
// be consumer-scoped).
struct PluginScope {
  bool route = false;
  bool service = false;
  bool consumer = false;
};

// The config schema of one plugin: Kong's schema.lua, in C++. Validation runs once per config load
// on the main thread; the data plane only ever sees configs that passed it.
class PluginSchema {
 public:
  virtual ~PluginSchema() = default;

  virtual std::string_view name() const = 0;
  // Kong's handler PRIORITY: higher runs first within a phase.
  virtual int priority() const = 0;

  // Checks `config` (a JSON object; `{}` when the user gave none) and fills every default into it.
  // Returns the errors in Kong's field-keyed shape relative to the plugin entity, e.g.
  // `{"config": {"minute": "expected an integer"}}` or `{"consumer": "value must be null"}`, or a
  // null json when the instance is valid.
  virtual nlohmann::json validate(nlohmann::json& config, const PluginScope& scope) const = 0;
};

using PluginSchemaPtr = std::unique_ptr<PluginSchema>;

// Every plugin this binary knows, by name. Plugins register themselves at static-init time (their
// cc_library is `alwayslink`), so the config loader never includes a plugin's code.
class PluginSchemaRegistry {
 public:
  static PluginSchemaRegistry& instance();

  void add(PluginSchemaPtr schema);
  const PluginSchema* find(std::string_view name) const;
  std::vector<const PluginSchema*> all() const;

 private:
  std::map<std::string, PluginSchemaPtr, std::less<>> schemas_;
};

// Registers T (default-constructible PluginSchema) at static-init time:
//   static const config::RegisterPluginSchema<JwtSchema> register_jwt;
template <class T>
struct RegisterPluginSchema {
  RegisterPluginSchema() { PluginSchemaRegistry::instance().add(std::make_unique<T>()); }
};

}  // namespace portico::config
