#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "source/config/plugin_schema.h"
#include "source/config/schema/entity_check.h"
#include "source/config/schema/field.h"
#include "source/config/schema/record.h"

namespace portico::config::schema {

enum class ConsumerScope { kAllowed, kForbidden };

// A PluginSchema declared the way Kong's schema.lua is: a `config` record field plus entity checks
// over the plugin entity (paths such as "config.minute"). Plugins derive from it and pass their
// tables to the constructor.
class RecordPluginSchema : public PluginSchema {
 public:
  RecordPluginSchema(std::string name, int priority, Field config,
                     std::vector<EntityCheck> entity_checks, ConsumerScope consumer_scope);

  std::string_view name() const override { return name_; }
  int priority() const override { return priority_; }
  nlohmann::json validate(nlohmann::json& config, const PluginScope& scope) const override;

 private:
  std::string name_;
  int priority_;
  Record entity_;
  ConsumerScope consumer_scope_;
};

}  // namespace portico::config::schema
