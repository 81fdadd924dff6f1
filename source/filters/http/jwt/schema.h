#pragma once

#include "source/config/schema/record_plugin_schema.h"

namespace portico::filters::http::jwt {

// The jwt plugin's config (kong/plugins/jwt/schema.lua), plus Portico's fields, whose defaults keep
// Kong's behaviour: jwks / jwks_file (keys by `kid`), allowed_issuers, allowed_audiences,
// required_claims, leeway, claims_to_headers. jwt cannot be scoped to a consumer.
class JwtSchema : public config::schema::RecordPluginSchema {
 public:
  static constexpr int kPriority = 1450;

  JwtSchema();
};

}  // namespace portico::filters::http::jwt
