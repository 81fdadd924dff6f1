#include "source/config/declarative/export.h"

#include <regex>

#include "gtest/gtest.h"
#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/init_template.h"
#include "source/config/declarative/loader.h"

namespace portico::config::declarative {
namespace {

constexpr char kConfig[] = R"(_format_version: "3.0"
services:
- name: echo
  url: http://127.0.0.1:9000
  tags: [a]
  routes:
  - name: r1
    paths: [/r1]
    headers: {x-version: ["1"]}
    plugins:
    - name: rate-limiting
      config: {minute: 5}
consumers:
- username: alice
  custom_id: alice-cid
  jwt_secrets:
  - {key: alice-key, secret: alice-secret}
)";

std::shared_ptr<const v1::DeclarativeConfig> loadOk(const std::string& text) {
  LoadResult result = load(text, InputFormat::Auto, "kong.yml");
  EXPECT_TRUE(result.ok()) << (result.error ? result.error->prettyText() : "");
  return result.config;
}

TEST(EntityJsonTest, ServiceHasEveryField) {
  auto config = loadOk(kConfig);
  nlohmann::json service = serviceJson(config->services(0));
  nlohmann::json expected = {
      {"id", "adbd70b3-4224-5183-a52a-179d7b34ab5b"},
      {"created_at", service["created_at"]},
      {"updated_at", service["updated_at"]},
      {"name", "echo"},
      {"retries", 5},
      {"protocol", "http"},
      {"host", "127.0.0.1"},
      {"port", 9000},
      {"path", nullptr},
      {"connect_timeout", 60000},
      {"write_timeout", 60000},
      {"read_timeout", 60000},
      {"tags", {"a"}},
      {"client_certificate", nullptr},
      {"tls_verify", nullptr},
      {"tls_verify_depth", nullptr},
      {"ca_certificates", nullptr},
      {"enabled", true},
  };
  EXPECT_EQ(service, expected);
  EXPECT_TRUE(service["created_at"].is_number_integer());
}

TEST(EntityJsonTest, RoutePluginConsumerAndCredential) {
  auto config = loadOk(kConfig);
  nlohmann::json route = routeJson(config->routes(0));
  EXPECT_EQ(route["service"], nlohmann::json({{"id", "adbd70b3-4224-5183-a52a-179d7b34ab5b"}}));
  EXPECT_EQ(route["paths"], nlohmann::json({"/r1"}));
  EXPECT_EQ(route["headers"], nlohmann::json::parse(R"({"x-version": ["1"]})"));
  EXPECT_TRUE(route["hosts"].is_null());
  EXPECT_TRUE(route["sources"].is_null());
  EXPECT_EQ(route.size(), 21u);

  nlohmann::json plugin = pluginJson(config->plugins(0));
  EXPECT_EQ(plugin["config"], nlohmann::json::parse(R"({"minute": 5, "policy": "local"})"));
  EXPECT_EQ(plugin["route"], nlohmann::json({{"id", "4726a05a-d550-537e-9fc3-a07c7a1188c7"}}));
  EXPECT_TRUE(plugin["service"].is_null());
  EXPECT_TRUE(plugin["instance_name"].is_null());

  nlohmann::json consumer = consumerJson(config->consumers(0));
  EXPECT_EQ(consumer["custom_id"], "alice-cid");
  EXPECT_TRUE(consumer["tags"].is_null());

  nlohmann::json credential = jwtCredentialJson(config->jwt_secrets(0));
  EXPECT_EQ(credential["consumer"],
            nlohmann::json({{"id", "b32379d9-3d28-5683-a79c-72139be6e34f"}}));
  EXPECT_TRUE(credential["rsa_public_key"].is_null());
  EXPECT_EQ(credential["algorithm"], "HS256");
  EXPECT_EQ(credential.size(), 8u) << "Kong's credential grew Portico's fields: " << credential;
}

constexpr char kJwksCredentials[] = R"(_format_version: "3.0"
consumers:
- username: idp
  jwt_secrets:
  - {key: "https://idp.example/", algorithm: RS256, jwks_uri: "https://idp.example/jwks"}
  - {key: local, algorithm: HS256, jwks: '{"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]}'}
)";

TEST(EntityJsonTest, ACredentialsJwksAndJwksUriAppearOnlyWhenSet) {
  auto config = loadOk(kJwksCredentials);
  ASSERT_EQ(config->jwt_secrets_size(), 2);
  nlohmann::json remote = jwtCredentialJson(config->jwt_secrets(0));
  EXPECT_EQ(remote["jwks_uri"], "https://idp.example/jwks");
  EXPECT_FALSE(remote.contains("jwks"));
  EXPECT_TRUE(remote["rsa_public_key"].is_null());
  nlohmann::json local = jwtCredentialJson(config->jwt_secrets(1));
  EXPECT_EQ(local["jwks"], R"({"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]})");
  EXPECT_FALSE(local.contains("jwks_uri"));
}

TEST(ExportTest, ACredentialsJwksSurvivesExportAndReload) {
  auto original = loadOk(kJwksCredentials);
  const nlohmann::json document = exportDocument(*original);
  EXPECT_EQ(document["jwt_secrets"][0]["jwks_uri"], "https://idp.example/jwks");
  EXPECT_FALSE(document["jwt_secrets"][0].contains("jwks"));
  auto reloaded = loadOk(toYaml(*original));
  ASSERT_EQ(reloaded->jwt_secrets_size(), 2);
  EXPECT_EQ(reloaded->jwt_secrets(0).jwks_uri(), original->jwt_secrets(0).jwks_uri());
  EXPECT_EQ(reloaded->jwt_secrets(1).jwks(), original->jwt_secrets(1).jwks());
  EXPECT_EQ(exportDocument(*reloaded), document);
}

TEST(EntityJsonTest, FlattenedEntitiesAreKeyedById) {
  auto config = loadOk(kConfig);
  nlohmann::json body = nlohmann::json::parse(flattenedEntitiesJson(*config));
  EXPECT_TRUE(body["services"].contains("adbd70b3-4224-5183-a52a-179d7b34ab5b"));
  EXPECT_TRUE(body["routes"].contains("4726a05a-d550-537e-9fc3-a07c7a1188c7"));
  EXPECT_TRUE(body["consumers"].contains("b32379d9-3d28-5683-a79c-72139be6e34f"));
  EXPECT_EQ(body["plugins"].size(), 1u);
  EXPECT_EQ(body["jwt_secrets"].size(), 1u);
  EXPECT_FALSE(body.contains("workspaces"));
}

TEST(ExportTest, YamlStartsWithTheFormatKeys) {
  std::string yaml =
      toYaml(*loadOk("{\"_format_version\": \"1.1\", \"consumers\": "
                     "[{\"username\": \"x\"}]}"));
  EXPECT_TRUE(std::regex_search(yaml, std::regex("(^|\n)_format_version: ['\"]?3\\.0['\"]?\n")))
      << yaml;
  EXPECT_TRUE(std::regex_search(yaml, std::regex("(^|\n)_transform: false\n"))) << yaml;
  EXPECT_TRUE(std::regex_search(yaml, std::regex("username: ['\"]?x['\"]?"))) << yaml;
}

TEST(ExportTest, ExportedYamlLoadsBackToTheSameEntities) {
  auto original = loadOk(kConfig);
  auto reloaded = loadOk(toYaml(*original));
  EXPECT_EQ(nlohmann::json::parse(flattenedEntitiesJson(*reloaded)),
            nlohmann::json::parse(flattenedEntitiesJson(*original)));
  EXPECT_EQ(exportDocument(*reloaded), exportDocument(*original));
}

TEST(InitTemplateTest, ParsesToAnEmptyConfig) {
  const std::string& text = initTemplate();
  EXPECT_TRUE(std::regex_search(text, std::regex("(^|\n)_format_version: \"3\\.0\"\n")));
  EXPECT_TRUE(std::regex_search(text, std::regex("(^|\n)_transform: true\n")));
  EXPECT_TRUE(std::regex_search(text, std::regex("(^|\n)_comment: \\S")));
  EXPECT_TRUE(std::regex_search(text, std::regex("(^|\n)_ignore:")));
  EXPECT_FALSE(std::regex_search(
      text, std::regex("(^|\n)(services|routes|consumers|plugins|jwt_secrets)\\s*:")));
  auto config = loadOk(text);
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->config_hash(), std::string(32, '0'));
}

}  // namespace
}  // namespace portico::config::declarative
