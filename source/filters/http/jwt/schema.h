#pragma once

#include "source/config/schema/record_plugin_schema.h"

namespace portico::filters::http::jwt {

// The jwt plugin's config (kong/plugins/jwt/schema.lua). jwt cannot be scoped to a consumer.
class JwtSchema : public config::schema::RecordPluginSchema {
 public:
  static constexpr int kPriority = 1450;

  JwtSchema();
};

}  // namespace portico::filters::http::jwt
