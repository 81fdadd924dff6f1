#include "source/filters/http/jwt/schema.h"

#include "nlohmann/json.hpp"
#include "source/config/schema/typedefs.h"
#include "source/filters/http/jwt/jwks.h"
#include "source/filters/http/jwt/jwks_uri.h"

namespace portico::filters::http::jwt {
namespace {

using config::schema::EntityCheck;
using config::schema::Field;
using config::schema::Match;
using config::schema::Record;
namespace typedefs = config::schema::typedefs;

std::optional<std::string> checkJwks(const nlohmann::json& value) {
  absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(value.get<std::string>());
  if (!jwks.ok()) {
    return std::string(jwks.status().message());
  }
  return std::nullopt;
}

std::optional<std::string> checkJwksUri(const nlohmann::json& value) {
  return jwksUriError(value.get_ref<const std::string&>());
}

Field claimHeaderField() {
  Record mapping;
  mapping.add("claim", Field::string().required())
      .add("header", Field::string().required().lenMin(1));
  return Field::record(std::move(mapping));
}

Field configField() {
  Record config;
  config
      .add("uri_param_names", Field::set(Field::string()).defaultTo(nlohmann::json::array({"jwt"})))
      .add("cookie_names", Field::set(Field::string()).defaultTo(nlohmann::json::array()))
      .add("key_claim_name", Field::string().defaultTo("iss"))
      .add("secret_is_base64", Field::boolean().required().defaultTo(false))
      .add("claims_to_verify", Field::set(Field::string().oneOf({"exp", "nbf"})))
      .add("anonymous", Field::string())
      .add("run_on_preflight", Field::boolean().required().defaultTo(true))
      .add("maximum_expiration", Field::number().defaultTo(0).between(0, 31536000))
      .add("header_names",
           Field::set(Field::string()).defaultTo(nlohmann::json::array({"authorization"})))
      .add("realm", Field::string())
      // Beyond Kong; every default leaves Kong's behaviour unchanged.
      .add("jwks", Field::string().check(checkJwks))
      .add("jwks_file", Field::string().startsWith("/"))
      .add("jwks_uri", typedefs::url().check(checkJwksUri))
      .add("jwks_refresh_interval", Field::integer().required().defaultTo(300).between(10, 86400))
      .add("allowed_issuers", Field::set(Field::string()))
      .add("allowed_audiences", Field::set(Field::string()))
      .add("required_claims", Field::set(Field::string()))
      .add("leeway", Field::integer().defaultTo(0).between(0, 300))
      .add("claims_to_headers", Field::array(claimHeaderField()));
  return Field::record(std::move(config));
}

std::vector<EntityCheck> entityChecks() {
  Match positive;
  positive.gt = 0;
  Match has_exp;
  has_exp.contains = "exp";
  return {EntityCheck::conditional("config.maximum_expiration", positive, "config.claims_to_verify",
                                   has_exp)};
}

}  // namespace

JwtSchema::JwtSchema()
    : RecordPluginSchema("jwt", kPriority, configField(), entityChecks(),
                         config::schema::ConsumerScope::kForbidden) {}

static const config::RegisterPluginSchema<JwtSchema> kRegister;

}  // namespace portico::filters::http::jwt
