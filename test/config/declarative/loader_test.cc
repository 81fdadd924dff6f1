#include "source/config/declarative/loader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "source/config/declarative/ids.h"
#include "test/config/declarative/load_results.h"

namespace portico::config::declarative {
namespace {

using testing::errorsOf;

std::string lines(std::initializer_list<std::string> items) {
  return absl::StrJoin(items, "\n") + "\n";
}

LoadResult loadYaml(const std::string& text) { return load(text, InputFormat::Yaml, "kong.yml"); }

TEST(LoaderTest, FillsDefaultsAndDerivesIds) {
  LoadResult result = load(R"({"_format_version": "3.0",
      "services": [{"name": "echo", "url": "http://127.0.0.1:9000",
                    "routes": [{"name": "r1", "paths": ["/r1"]}]}],
      "consumers": [{"username": "alice"}]})",
                           InputFormat::Auto, "");
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const auto& config = *result.config;
  ASSERT_EQ(config.services_size(), 1);
  const auto& service = config.services(0);
  EXPECT_EQ(service.id(), "adbd70b3-4224-5183-a52a-179d7b34ab5b");
  EXPECT_EQ(service.protocol(), "http");
  EXPECT_EQ(service.host(), "127.0.0.1");
  EXPECT_EQ(service.port(), 9000u);
  EXPECT_FALSE(service.has_path());
  EXPECT_EQ(service.retries(), 5u);
  EXPECT_EQ(service.connect_timeout(), 60000u);
  EXPECT_EQ(service.read_timeout(), 60000u);
  EXPECT_EQ(service.write_timeout(), 60000u);
  EXPECT_TRUE(service.enabled());
  EXPECT_GT(service.created_at(), 0);
  ASSERT_EQ(config.routes_size(), 1);
  const auto& route = config.routes(0);
  EXPECT_EQ(route.id(), "4726a05a-d550-537e-9fc3-a07c7a1188c7");
  EXPECT_EQ(route.service_id(), service.id());
  EXPECT_TRUE(route.strip_path());
  EXPECT_FALSE(route.preserve_host());
  EXPECT_EQ(route.protocols_size(), 2);
  EXPECT_EQ(route.https_redirect_status_code(), 426u);
  EXPECT_EQ(route.path_handling(), "v0");
  EXPECT_EQ(route.regex_priority(), 0);
  EXPECT_TRUE(route.request_buffering());
  EXPECT_FALSE(route.has_hosts());
  EXPECT_EQ(route.paths().values(0), "/r1");
  ASSERT_EQ(config.consumers_size(), 1);
  EXPECT_EQ(config.consumers(0).id(), "b32379d9-3d28-5683-a79c-72139be6e34f");
  EXPECT_FALSE(config.consumers(0).has_custom_id());
}

TEST(LoaderTest, UrlShorthandFollowsKongDefaults) {
  LoadResult result = loadYaml(lines(
      {"_format_version: \"3.0\"",
       "services:", "- {name: a, url: \"https://example.com:8000/hello/world\"}",
       "- {name: b, url: \"https://example.com\"}", "- {name: c, url: \"https://example.com/\"}"}));
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const auto& services = result.config->services();
  EXPECT_EQ(services[0].protocol(), "https");
  EXPECT_EQ(services[0].port(), 8000u);
  EXPECT_EQ(services[0].path(), "/hello/world");
  EXPECT_EQ(services[1].port(), 443u);
  EXPECT_FALSE(services[1].has_path());
  EXPECT_EQ(services[2].path(), "/");
}

TEST(LoaderTest, FormatVersionMustBeAString) {
  EXPECT_EQ(errorsOf(loadYaml("_format_version: 1.1\n")),
            nlohmann::json({{"_format_version", "expected a string"}}));
  EXPECT_EQ(errorsOf(loadYaml("_format_version: \"2.0\"\n")),
            nlohmann::json({{"_format_version", "expected one of: 1.1, 2.1, 3.0"}}));
  EXPECT_EQ(errorsOf(loadYaml("services: []\n")),
            nlohmann::json({{"_format_version", "required field missing"}}));
}

TEST(LoaderTest, ValidationErrorBodyMatchesKong) {
  LoadResult result = loadYaml(lines({"_format_version: \"1.1\"", "services:", "- port: -12"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->fields,
            nlohmann::json::parse(R"({"services": [{"host": "required field missing",
                                   "port": "value should be between 0 and 65535"}]})"));
  EXPECT_EQ(result.error->adminMessage(),
            "declarative config is invalid: {services={{host=\"required field missing\","
            "port=\"value should be between 0 and 65535\"}}}");
}

TEST(LoaderTest, UnparseableTextIsAnErrorField) {
  LoadResult result = load("bobby tables", InputFormat::Auto, "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->fields,
            nlohmann::json({{"error",
                             "failed parsing declarative configuration: expected an "
                             "object"}}));
  EXPECT_EQ(result.error->adminMessage(),
            "declarative config is invalid: {error=\"failed parsing declarative configuration: "
            "expected an object\"}");
  EXPECT_EQ(result.error->prettyText(),
            "failed parsing declarative configuration: expected an object");
}

TEST(LoaderTest, UnknownFieldsAnywhere) {
  nlohmann::json errors = errorsOf(
      loadYaml(lines({"_format_version: \"3.0\"", "foo: 1",
                      "services:", "- {name: a, host: x, bar: 2, _comment: ok, _ignore: [1]}"})));
  EXPECT_EQ(errors, nlohmann::json::parse(
                        R"({"foo": "unknown field", "services": [{"bar": "unknown field"}]})"));
}

TEST(LoaderTest, CommentAndIgnoreHaveTypes) {
  nlohmann::json errors =
      errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "_comment: [1]", "_ignore: x",
                               "consumers:", "- {username: a, _comment: 3}"})));
  EXPECT_EQ(errors, nlohmann::json::parse(R"({"_comment": "expected a string",
      "_ignore": "expected an array", "consumers": [{"_comment": "expected a string"}]})"));
}

TEST(LoaderTest, DuplicateNameFlagsTheSecondOccurrence) {
  nlohmann::json errors = errorsOf(
      loadYaml(lines({"_format_version: \"3.0\"", "services:", "- {name: foo, host: example.com}",
                      "- {name: foo, host: example.test}"})));
  EXPECT_EQ(errors["services"], nlohmann::json::parse(R"([null,
      "uniqueness violation: 'services' entity with name set to 'foo' already declared"])"));
}

TEST(LoaderTest, DuplicateCustomIdIsKeyedByUsername) {
  LoadResult result = loadYaml(
      lines({"_format_version: \"1.1\"", "consumers:", "- {username: foo, custom_id: conflict}",
             "- {username: bar, custom_id: conflict}"}));
  EXPECT_EQ(errorsOf(result), nlohmann::json::parse(R"({"consumers": {"bar":
      "uniqueness violation: 'consumers' entity with custom_id set to 'conflict' already declared"}})"));
  EXPECT_EQ(result.error->adminMessage(),
            "declarative config is invalid: {consumers={bar=\"uniqueness violation: 'consumers' "
            "entity with custom_id set to 'conflict' already declared\"}}");
}

TEST(LoaderTest, RouteNeedsAMatchingCondition) {
  nlohmann::json errors =
      errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "routes:", "- name: bad"})));
  EXPECT_EQ(errors["routes"][0]["@entity"],
            nlohmann::json({"must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when "
                            "'protocols' is 'https'"}));
  errors = errorsOf(
      loadYaml(lines({"_format_version: \"3.0\"", "routes:", "- {name: bad, protocols: [http]}"})));
  EXPECT_EQ(errors["routes"][0]["@entity"],
            nlohmann::json({"must set one of 'methods', 'hosts', 'headers', 'paths' when "
                            "'protocols' is 'http'"}));
}

TEST(LoaderTest, RouteFieldMessages) {
  nlohmann::json errors = errorsOf(loadYaml(lines(
      {"_format_version: \"3.0\"",
       "routes:", "- {paths: [/a/../b, nope, \"~/x(\"], methods: [get], headers: {Host: [a]},",
       "   hosts: [\"*.a.*\"], protocols: [http, tcp], https_redirect_status_code: 303}"})));
  const auto& route = errors["routes"][0];
  EXPECT_EQ(route["paths"][0], "non-normalized path, consider use '/b' instead");
  EXPECT_EQ(route["paths"][1], "should start with: / (fixed path) or ~/ (regex path)");
  EXPECT_EQ(route["paths"][2].get<std::string>().rfind("invalid regex: '/x(' (PCRE returned: ", 0),
            0u);
  EXPECT_EQ(route["methods"][0], "invalid value: get");
  EXPECT_EQ(route["headers"]["Host"],
            "cannot contain 'host' header, which must be specified in the 'hosts' attribute");
  EXPECT_EQ(route["hosts"][0], "invalid wildcard: must have at most one wildcard");
  EXPECT_EQ(route["protocols"],
            "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')");
  EXPECT_EQ(route["https_redirect_status_code"], "expected one of: 426, 301, 302, 307, 308");
}

TEST(LoaderTest, ServiceConditionalsOnProtocol) {
  nlohmann::json errors = errorsOf(loadYaml(
      lines({"_format_version: \"3.0\"", "services:", "- {host: a.test, protocol: tcp, path: /x}",
             "- {host: a.test, tls_verify: true}"})));
  EXPECT_EQ(errors, nlohmann::json::parse(R"({"services": [
      {"path": "value must be null",
       "@entity": ["failed conditional validation given value of field 'protocol'"]},
      {"tls_verify": "value must be null",
       "@entity": ["failed conditional validation given value of field 'protocol'"]}]})"));
}

TEST(LoaderTest, ConsumerNeedsUsernameOrCustomId) {
  nlohmann::json errors =
      errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "consumers:", "- {tags: [a]}"})));
  EXPECT_EQ(errors["consumers"][0]["@entity"],
            nlohmann::json({"at least one of these fields must be non-empty: 'custom_id', "
                            "'username'"}));
}

TEST(LoaderTest, UnknownPluginIsNotEnabled) {
  nlohmann::json errors =
      errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "plugins:", "- name: i-dont-exist"})));
  EXPECT_EQ(errors["plugins"][0]["name"],
            "plugin 'i-dont-exist' not enabled; add it to the 'plugins' configuration property");
}

TEST(LoaderTest, TwoGlobalInstancesShareTheDerivedId) {
  nlohmann::json errors = errorsOf(loadYaml(
      lines({"_format_version: \"3.0\"", "plugins:", "- {name: rate-limiting, config: {minute: 5}}",
             "- {name: rate-limiting, config: {minute: 9}}"})));
  EXPECT_EQ(errors["plugins"], nlohmann::json::parse(R"([null,
      "uniqueness violation: 'plugins' entity with primary key set to '8328de13-9a5c-5a91-8f06-fb4062fec696' already declared"])"));
}

TEST(LoaderTest, PluginSchemaErrorsAndDefaultsAreMerged) {
  nlohmann::json errors = errorsOf(loadYaml(lines(
      {"_format_version: \"3.0\"", "plugins:", "- {name: rate-limiting, config: {minute: x}}"})));
  EXPECT_EQ(errors["plugins"][0],
            nlohmann::json::parse(R"({"config": {"minute": "expected an integer"}})"));

  LoadResult result = loadYaml(lines(
      {"_format_version: \"3.0\"", "plugins:", "- {name: rate-limiting, config: {minute: 5}}"}));
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const auto& plugin = result.config->plugins(0);
  EXPECT_EQ(plugin.config().fields().at("policy").string_value(), "local");
  EXPECT_EQ(plugin.protocols_size(), 4);
  EXPECT_TRUE(plugin.enabled());
}

TEST(LoaderTest, NestedPluginsHashTheirParentId) {
  LoadResult result =
      loadYaml(lines({"_format_version: \"3.0\"", "services:", "- name: svc", "  host: a.test",
                      "  plugins:", "  - name: jwt", "  routes:", "  - name: r", "    paths: [/r]",
                      "    plugins:", "    - name: rate-limiting", "consumers:", "- username: c",
                      "  plugins:", "  - name: rate-limiting"}));
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  std::string service_id = entityUuid("services", "svc");
  std::string route_id = entityUuid("routes", "r");
  std::string consumer_id = entityUuid("consumers", "c");
  std::map<std::string, const v1::PluginInstance*> by_id;
  for (const auto& plugin : result.config->plugins()) {
    by_id[plugin.id()] = &plugin;
  }
  auto jwt = by_id.find(entityUuid("plugins", "plugins:*:jwt::" + service_id + ":"));
  ASSERT_NE(jwt, by_id.end());
  EXPECT_EQ(jwt->second->service_id(), service_id);
  auto on_route = by_id.find(entityUuid("plugins", "plugins:*:rate-limiting:" + route_id + "::"));
  ASSERT_NE(on_route, by_id.end());
  EXPECT_EQ(on_route->second->route_id(), route_id);
  EXPECT_FALSE(on_route->second->has_service_id());
  auto on_consumer = by_id.find(entityUuid("plugins", "plugins:*:rate-limiting:::" + consumer_id));
  ASSERT_NE(on_consumer, by_id.end());
  EXPECT_EQ(on_consumer->second->consumer_id(), consumer_id);
}

TEST(LoaderTest, NestedEntitiesMayNotNameTheirParent) {
  nlohmann::json errors = errorsOf(
      loadYaml(lines({"_format_version: \"3.0\"", "services:", "- name: svc", "  host: a.test",
                      "  routes:", "  - {name: r, paths: [/r], service: svc}",
                      "  plugins:", "  - {name: rate-limiting, consumer: c}"})));
  EXPECT_EQ(errors["services"][0]["routes"][0]["service"], "value must be null");
  EXPECT_EQ(errors["services"][0]["plugins"][0]["consumer"], "value must be null");
}

TEST(LoaderTest, JwtPluginRefusesAConsumerScope) {
  nlohmann::json errors = errorsOf(loadYaml(lines(
      {"_format_version: \"3.0\"", "consumers:", "- username: c", "  plugins:", "  - name: jwt"})));
  EXPECT_EQ(errors["consumers"][0]["plugins"][0]["consumer"], "value must be null");
}

TEST(LoaderTest, TopLevelReferencesResolveByNameOrId) {
  LoadResult result = loadYaml(
      lines({"_format_version: \"3.0\"", "services:", "- {name: echo, url: \"http://a.test\"}",
             "routes:", "- {name: r1, service: echo, paths: [/r1]}",
             "- {name: r2, service: adbd70b3-4224-5183-a52a-179d7b34ab5b, paths: [/r2]}",
             "plugins:", "- {name: rate-limiting, route: r1, config: {minute: 100}}"}));
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  std::string service_id = entityUuid("services", "echo");
  EXPECT_EQ(result.config->routes(0).service_id(), service_id);
  EXPECT_EQ(result.config->routes(1).service_id(), service_id);
  const auto& plugin = result.config->plugins(0);
  EXPECT_EQ(plugin.route_id(), entityUuid("routes", "r1"));
  EXPECT_EQ(plugin.id(), entityUuid("plugins", "plugins:*:rate-limiting:r1::"));
}

TEST(LoaderTest, UnknownReferencesAreListedPerEntity) {
  LoadResult result = loadYaml(
      lines({"_format_version: \"3.0\"", "routes:", "- {name: r1, service: svc1, paths: [/r1]}",
             "plugins:", "- {name: rate-limiting, consumer: my-consumer}",
             "- {name: jwt, service: {id: 00000000-0000-0000-0000-000000000001}}"}));
  nlohmann::json errors = errorsOf(result);
  EXPECT_EQ(errors["routes"]["r1"],
            nlohmann::json({"invalid reference 'service: svc1' (no such entry in 'services')"}));
  std::string plugin_id = entityUuid("plugins", "plugins:*:rate-limiting:::my-consumer");
  EXPECT_EQ(errors["plugins"][plugin_id],
            nlohmann::json({"invalid reference 'consumer: my-consumer' (no such entry in "
                            "'consumers')"}));
  EXPECT_EQ(errors["plugins"].size(), 2u);
  bool object_reference_reported = false;
  for (const auto& [id, messages] : errors["plugins"].items()) {
    object_reference_reported |=
        messages[0] ==
        "invalid reference 'service: {\"id\":\"00000000-0000-0000-0000-000000000001\"}' (no such "
        "entry in 'services')";
  }
  EXPECT_TRUE(object_reference_reported) << errors.dump();
}

TEST(LoaderTest, RsaCredentialNeedsAParseableKey) {
  nlohmann::json errors =
      errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "consumers:", "- username: bob",
                               "  jwt_secrets:", "  - {key: bob5, algorithm: RS256}"})));
  EXPECT_EQ(errors["consumers"][0]["jwt_secrets"][0], nlohmann::json::parse(R"({
      "rsa_public_key": "required field missing",
      "@entity": ["failed conditional validation given value of field 'algorithm'"]})"));
  errors = errorsOf(loadYaml(
      lines({"_format_version: \"3.0\"", "consumers:", "- username: bob",
             "  jwt_secrets:", "  - {key: bob5, algorithm: RS256, rsa_public_key: test}"})));
  EXPECT_EQ(errors["consumers"][0]["jwt_secrets"][0]["rsa_public_key"], "invalid key");
}

// RFC 7517 appendix A.1's EC key, as an identity provider publishes it.
constexpr char kJwks[] = R"({"keys": [{"kty": "EC", "crv": "P-256", "kid": "1",)"
                         R"( "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",)"
                         R"( "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]})";

// A consumer `bob` with one jwt_secret whose remaining fields are `fields` (YAML flow mapping
// entries).
std::string bobWithCredential(const std::string& fields) {
  return lines({"_format_version: \"3.0\"", "consumers:", "- username: bob",
                "  jwt_secrets:", "  - {key: bob5, " + fields + "}"});
}

nlohmann::json credentialErrors(const std::string& fields) {
  return errorsOf(loadYaml(bobWithCredential(fields)))["consumers"][0]["jwt_secrets"][0];
}

TEST(LoaderTest, ACredentialWithAJwksOrJwksUriNeedsNoPublicKey) {
  LoadResult inline_set =
      loadYaml(bobWithCredential(absl::StrCat("algorithm: ES256, jwks: '", kJwks, "'")));
  ASSERT_TRUE(inline_set.ok()) << inline_set.error->prettyText();
  EXPECT_EQ(inline_set.config->jwt_secrets(0).jwks(), kJwks);
  EXPECT_FALSE(inline_set.config->jwt_secrets(0).has_jwks_uri());
  EXPECT_FALSE(inline_set.config->jwt_secrets(0).has_rsa_public_key());

  for (const char* uri : {"https://idp.example/.well-known/jwks.json", "http://localhost:8080/jwks",
                          "http://127.0.0.1/jwks"}) {
    LoadResult remote =
        loadYaml(bobWithCredential(absl::StrCat("algorithm: RS256, jwks_uri: '", uri, "'")));
    ASSERT_TRUE(remote.ok()) << uri << ": " << remote.error->prettyText();
    EXPECT_EQ(remote.config->jwt_secrets(0).jwks_uri(), uri);
    EXPECT_FALSE(remote.config->jwt_secrets(0).has_jwks());
  }
}

TEST(LoaderTest, ACredentialsJwksMustDecode) {
  EXPECT_EQ(credentialErrors("algorithm: RS256, jwks: '{\"keys\": {}}'"),
            nlohmann::json({{"jwks", "a JWKS must be a JSON object with a 'keys' array"}}));
  EXPECT_EQ(credentialErrors(R"(jwks: '{"keys": [{"kty": "EC", "kid": "k", "crv": "P-256"}]}')"),
            nlohmann::json({{"jwks", "JWKS key 1 (kid 'k') does not decode as a EC key"}}));
  EXPECT_EQ(credentialErrors("jwks: ''"), nlohmann::json({{"jwks", "length must be at least 1"}}));
  EXPECT_EQ(credentialErrors("jwks: {keys: []}"), nlohmann::json({{"jwks", "expected a string"}}));
}

TEST(LoaderTest, ACredentialsJwksUriIsHttpsOrLocal) {
  EXPECT_EQ(credentialErrors("algorithm: RS256, jwks_uri: 'http://idp.example/jwks'"),
            nlohmann::json({{"jwks_uri", "must be an https URL (plain http only to localhost)"}}));
  EXPECT_EQ(credentialErrors("jwks_uri: 'http://localhost.evil.test/jwks'"),
            nlohmann::json({{"jwks_uri", "must be an https URL (plain http only to localhost)"}}));
  EXPECT_EQ(credentialErrors("jwks_uri: 'idp.example/jwks'"),
            nlohmann::json({{"jwks_uri", "missing host in url"}}));
  EXPECT_EQ(credentialErrors("jwks_uri: '//idp.example/jwks'"),
            nlohmann::json({{"jwks_uri", "missing scheme in url"}}));
}

TEST(LoaderTest, ACredentialNamesAtMostOneJwks) {
  EXPECT_EQ(
      credentialErrors(absl::StrCat("jwks_uri: 'https://idp.example/jwks', jwks: '", kJwks, "'")),
      nlohmann::json({{"@entity",
                       {"only one or none of these fields must be set: 'jwks', "
                        "'jwks_uri'"}}}));
}

// A bad key is still refused when a JWKS is given too: it would be used for tokens without a kid.
TEST(LoaderTest, ACredentialsOwnKeyMustParseEvenWithAJwks) {
  EXPECT_EQ(credentialErrors("algorithm: RS256, rsa_public_key: test, "
                             "jwks_uri: 'https://idp.example/jwks'"),
            nlohmann::json::parse(R"({
      "rsa_public_key": "invalid key",
      "@entity": ["failed conditional validation given value of field 'algorithm'"]})"));
}

TEST(LoaderTest, JwtCredentialsGetRandomKeysSecretsAndIds) {
  std::string text = lines(
      {"_format_version: \"3.0\"", "consumers:", "- username: alice", "  custom_id: alice-cid",
       "  jwt_secrets:", "  - {key: alice-key, secret: alice-secret}", "  - {}"});
  LoadResult first = loadYaml(text);
  LoadResult second = loadYaml(text);
  ASSERT_TRUE(first.ok()) << first.error->prettyText();
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first.config->jwt_secrets_size(), 2);
  const auto& given = first.config->jwt_secrets(0);
  const auto& generated = first.config->jwt_secrets(1);
  EXPECT_EQ(given.key(), "alice-key");
  EXPECT_EQ(given.algorithm(), "HS256");
  EXPECT_EQ(given.consumer_id(), "b32379d9-3d28-5683-a79c-72139be6e34f");
  EXPECT_EQ(generated.key().size(), 32u);
  EXPECT_EQ(generated.secret().size(), 32u);
  EXPECT_NE(generated.key(), second.config->jwt_secrets(1).key());
  EXPECT_NE(given.id(), second.config->jwt_secrets(0).id());
  EXPECT_EQ(first.config->consumers(0).id(), second.config->consumers(0).id());
}

TEST(LoaderTest, TopLevelJwtCredentialNeedsAConsumer) {
  nlohmann::json errors =
      errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "jwt_secrets:", "- {key: k}"})));
  EXPECT_EQ(errors["jwt_secrets"][0]["consumer"], "required field missing");
}

TEST(LoaderTest, LegacyFormatMigratesRegexPaths) {
  LoadResult result =
      loadYaml(lines({"_format_version: \"1.1\"", "services:", "- name: echo",
                      "  url: http://a.test", "  routes:", "  - {name: rx, paths: [/regex.+]}"}));
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  EXPECT_EQ(result.config->routes(0).paths().values(0), "~/regex.+");
  result =
      loadYaml(lines({"_format_version: \"3.0\"", "services:", "- name: echo",
                      "  url: http://a.test", "  routes:", "  - {name: rx, paths: [/regex.+]}"}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->routes(0).paths().values(0), "/regex.+");
}

TEST(LoaderTest, PrettyTextNestsErrorsAndNamesLines) {
  LoadResult result = loadYaml(
      lines({"_format_version: \"1.1\"",
             "services:", "- {name: \"@gobo\", protocol: foo, host: mockbin.org}",
             "- name: my-service", "  url: http://mockbin.org",
             "  routes:", "  - {name: example-route, hosts: [example.test, \"\\\\99\"]}"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->prettyText() + "\n",
            lines({"in 'services':", "  - in entry 1 of 'services':",
                   "    in 'name': invalid value '@gobo': the only accepted ascii characters are "
                   "alphanumerics or ., -, _, and ~ (kong.yml:3)",
                   "    in 'protocol': expected one of: grpc, grpcs, http, https, tcp, tls, "
                   "tls_passthrough, udp (kong.yml:3)",
                   "  - in entry 2 of 'services':", "    in 'routes':",
                   "      - in entry 1 of 'routes':", "        in 'hosts':",
                   "          - in entry 2 of 'hosts': invalid hostname: \\99 (kong.yml:7)"}));
}

TEST(LoaderTest, ReferenceErrorsPointAtTheReferringEntityLine) {
  LoadResult result = loadYaml(lines(
      {"_format_version: \"3.0\"", "routes:", "- name: r1", "  service: svc1", "  paths: [/r1]"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->prettyText(),
            "in 'routes':\n  in 'r1':\n    - in entry 1 of 'r1': invalid reference 'service: "
            "svc1' (no such entry in 'services') (kong.yml:3)");
}

TEST(LoaderTest, EmptyConfigHasTheZeroHash) {
  LoadResult result = loadYaml("_format_version: \"3.0\"\nservices:\n");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->config_hash(), std::string(32, '0'));
  std::string text = "_format_version: \"3.0\"\nconsumers: [{username: x}]\n";
  result = loadYaml(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->config_hash(), md5Hex(text));
}

TEST(LoaderTest, IgnoredEntityKeysAreAccepted) {
  LoadResult result =
      loadYaml(lines({"_format_version: \"3.0\"", "upstreams: [{name: u}]", "certificates: []"}));
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(errorsOf(loadYaml(lines({"_format_version: \"3.0\"", "upstreams: 3"}))),
            nlohmann::json({{"upstreams", "expected an array"}}));
}

TEST(LoaderTest, UnknownFileType) {
  LoadResult result = loadFile("/tmp/kong.conf");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->prettyText(),
            "unknown file type: /tmp/kong.conf. (Accepted types: json, yaml)");
}

}  // namespace
}  // namespace portico::config::declarative
