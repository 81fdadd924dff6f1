#include "source/filters/http/jwt/schema.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/config/plugin_schema.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;

class JwtSchemaTest : public testing::Test {
 protected:
  json validate(json& config, config::PluginScope scope = {}) {
    return schema_.validate(config, scope);
  }

  JwtSchema schema_;
};

TEST_F(JwtSchemaTest, EmptyConfigIsValidAndGetsEveryDefault) {
  json config = json::object();
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_EQ(config, json::parse(R"({
    "uri_param_names": ["jwt"],
    "cookie_names": [],
    "key_claim_name": "iss",
    "secret_is_base64": false,
    "claims_to_verify": null,
    "anonymous": null,
    "run_on_preflight": true,
    "maximum_expiration": 0,
    "header_names": ["authorization"],
    "realm": null,
    "jwks": null,
    "jwks_file": null,
    "jwks_uri": null,
    "jwks_refresh_interval": 300,
    "allowed_issuers": null,
    "allowed_audiences": null,
    "required_claims": null,
    "leeway": 0,
    "claims_to_headers": null
  })"));
}

TEST_F(JwtSchemaTest, PorticoFieldsAreValidated) {
  json config = {{"jwks", "{}"},
                 {"jwks_file", "relative.json"},
                 {"jwks_uri", "http://idp.example.com/jwks"},
                 {"jwks_refresh_interval", 5},
                 {"leeway", 301},
                 {"claims_to_headers", {{{"claim", "sub"}}}}};
  EXPECT_EQ(validate(config), json::parse(R"json({"config": {
    "jwks": "a JWKS must be a JSON object with a 'keys' array",
    "jwks_file": "should start with: /",
    "jwks_uri": "must be an https URL (plain http only to localhost)",
    "jwks_refresh_interval": "value should be between 10 and 86400",
    "leeway": "value should be between 0 and 300",
    "claims_to_headers": [{"header": "required field missing"}]}})json"));
}

TEST_F(JwtSchemaTest, PorticoFieldsKeepValidValues) {
  json config = {{"jwks", R"({"keys": []})"},
                 {"allowed_issuers", {"https://idp.test/"}},
                 {"allowed_audiences", {"orders"}},
                 {"required_claims", {"sub"}},
                 {"leeway", 30},
                 {"claims_to_headers", {{{"claim", "sub"}, {"header", "X-User"}}}}};
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_EQ(config["claims_to_headers"], json::parse(R"([{"claim": "sub", "header": "X-User"}])"));
  EXPECT_EQ(config["leeway"], 30);
}

TEST_F(JwtSchemaTest, JwksUriIsHttpsOrLocal) {
  for (const char* uri : {"https://idp.example.com/.well-known/jwks.json",
                          "http://127.0.0.1:8080/jwks", "http://localhost/jwks"}) {
    json config = {{"jwks_uri", uri}};
    EXPECT_TRUE(validate(config).is_null()) << uri;
  }
  json lookalike = {{"jwks_uri", "http://localhost.evil.example/jwks"}};
  EXPECT_FALSE(validate(lookalike).is_null());
}

TEST_F(JwtSchemaTest, GivenValuesAreKept) {
  json config = {{"claims_to_verify", {"exp", "nbf"}},
                 {"key_claim_name", "kid"},
                 {"maximum_expiration", 60},
                 {"header_names", {"x-token"}}};
  EXPECT_TRUE(validate(config).is_null());
  EXPECT_EQ(config["claims_to_verify"], json::array({"exp", "nbf"}));
  EXPECT_EQ(config["key_claim_name"], "kid");
  EXPECT_EQ(config["header_names"], json::array({"x-token"}));
}

TEST_F(JwtSchemaTest, MaximumExpirationRequiresTheExpClaim) {
  json config = {{"maximum_expiration", 60}, {"claims_to_verify", {"nbf"}}};
  EXPECT_EQ(validate(config), json::parse(R"({
    "config": {"claims_to_verify": "expected to contain: exp"},
    "@entity": ["failed conditional validation given value of field 'config.maximum_expiration'"]
  })"));
}

// Kong's conditional check lets a null claims_to_verify through: only a list without "exp" fails.
TEST_F(JwtSchemaTest, MaximumExpirationWithoutAnyClaimListPassesAsInKong) {
  json config = {{"maximum_expiration", 60}};
  EXPECT_TRUE(validate(config).is_null());
}

TEST_F(JwtSchemaTest, MaximumExpirationWithTheExpClaimIsValid) {
  json config = {{"maximum_expiration", 31536000}, {"claims_to_verify", {"exp"}}};
  EXPECT_TRUE(validate(config).is_null());
}

TEST_F(JwtSchemaTest, MaximumExpirationMustBeWithinAYear) {
  json negative = {{"maximum_expiration", -1}};
  EXPECT_EQ(validate(negative), json::parse(R"({
    "config": {"maximum_expiration": "value should be between 0 and 31536000"}})"));
  json too_long = {{"maximum_expiration", 31536001}, {"claims_to_verify", {"exp"}}};
  EXPECT_EQ(validate(too_long), json::parse(R"({
    "config": {"maximum_expiration": "value should be between 0 and 31536000"}})"));
}

TEST_F(JwtSchemaTest, OnlyExpAndNbfCanBeVerified) {
  json config = {{"claims_to_verify", {"iat"}}};
  EXPECT_EQ(validate(config), json::parse(R"({
    "config": {"claims_to_verify": ["expected one of: exp, nbf"]}})"));
}

TEST_F(JwtSchemaTest, ConsumerScopeIsForbidden) {
  json config = json::object();
  config::PluginScope scope;
  scope.consumer = true;
  EXPECT_EQ(validate(config, scope), json::parse(R"({"consumer": "value must be null"})"));
  scope = {};
  scope.route = true;
  scope.service = true;
  EXPECT_TRUE(validate(config, scope).is_null());
}

TEST_F(JwtSchemaTest, UnknownAndMistypedFieldsAreReported) {
  json config = {{"colour", "blue"}, {"run_on_preflight", "yes"}};
  EXPECT_EQ(validate(config), json::parse(R"({
    "config": {"colour": "unknown field", "run_on_preflight": "expected a boolean"}})"));
}

TEST_F(JwtSchemaTest, NonObjectConfigIsNotARecord) {
  json config = "jwt";
  EXPECT_EQ(validate(config), json::parse(R"({"config": "expected a record"})"));
}

TEST(JwtSchemaRegistrationTest, RegistersUnderItsNameWithKongPriority) {
  const config::PluginSchema* schema = config::PluginSchemaRegistry::instance().find("jwt");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->priority(), 1450);
}

}  // namespace
}  // namespace portico::filters::http::jwt
