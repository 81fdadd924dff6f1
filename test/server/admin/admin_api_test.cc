#include "source/server/admin/admin_api.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/common/tls/self_signed.h"
#include "source/config/declarative/ids.h"
#include "source/config/declarative/loader.h"
#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {
namespace {

namespace declarative = config::declarative;
using nlohmann::json;

constexpr char kServiceId[] = "adbd70b3-4224-5183-a52a-179d7b34ab5b";   // service "echo"
constexpr char kRouteId[] = "4726a05a-d550-537e-9fc3-a07c7a1188c7";     // route "r1"
constexpr char kConsumerId[] = "b32379d9-3d28-5683-a79c-72139be6e34f";  // consumer "alice"
constexpr char kMissingId[] = "00000000-0000-4000-8000-000000000000";

std::string lines(std::initializer_list<std::string> items) {
  return absl::StrJoin(items, "\n") + "\n";
}

const std::string kBaseConfig = lines({
    "_format_version: \"3.0\"",
    "services:",
    "- name: echo",
    "  url: http://127.0.0.1:9000",
    "  routes:",
    "  - name: r1",
    "    paths: [\"/r1\"]",
    "  plugins:",
    "  - name: rate-limiting",
    "    config: {minute: 5}",
    "- name: echo2",
    "  url: http://127.0.0.1:9000/two",
    "routes:",
    "- name: lonely",
    "  paths: [\"/lonely\"]",
    "consumers:",
    "- username: alice",
    "  custom_id: alice-cid",
    "  jwt_secrets:",
    "  - key: alice-key",
    "    secret: alice-secret",
    "  - {}",
    "- username: g5",
    "  custom_id: \"${G5_TEXT}\"",
    "plugins:",
    "- name: jwt",
    "  route: r1",
});

class AdminApiTest : public ::testing::Test {
 protected:
  AdminApiTest() : manager_(SnapshotOptions{}, nullptr) {
    process_.node_id = "6d3b1a6c-1c55-4a4e-9e2f-1a2b3c4d5e6f";
    process_.hostname = "gateway-1";
    process_.pid = 4242;
    process_.bootstrap = &bootstrap_;
    process_.connections_active = [] { return uint64_t{3}; };
    process_.connections_accepted = [] { return uint64_t{7}; };
    process_.total_requests = [] { return uint64_t{11}; };
    bootstrap_.set_database("off");
    bootstrap_.set_declarative_config_string("secret: text");
    api_ = std::make_unique<AdminApi>(
        manager_, process_, [this](std::shared_ptr<const config::v1::DeclarativeConfig> config) {
          ++applied_;
          if (!apply_error_.empty()) {
            return absl::InvalidArgumentError(apply_error_);
          }
          return manager_.apply(std::move(config));
        });
  }

  void loadBase() { loadText(kBaseConfig); }

  void loadText(const std::string& text) {
    declarative::LoadResult result = declarative::load(text, declarative::InputFormat::Auto, "");
    ASSERT_TRUE(result.ok()) << result.error->prettyText();
    ASSERT_TRUE(manager_.apply(result.config).ok());
  }

  AdminResponse call(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& content_type = "") {
    AdminRequest request;
    request.method = method;
    const size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      request.query = target.substr(question + 1);
    }
    if (!content_type.empty()) {
      request.headers.add("Content-Type", content_type);
    }
    request.body = body;
    return api_->handle(request);
  }

  json getJson(const std::string& target, int expected_status = 200) {
    AdminResponse response = call("GET", target);
    EXPECT_EQ(response.status, expected_status) << target << ": " << response.body;
    return bodyOf(response);
  }

  static json bodyOf(const AdminResponse& response) {
    const std::string* type = response.headers.get("Content-Type");
    EXPECT_NE(type, nullptr);
    if (type != nullptr) {
      EXPECT_EQ(*type, "application/json; charset=utf-8");
    }
    return json::parse(response.body, nullptr, false);
  }

  // POST /config with the usual `{"config": "<text>"}` body.
  AdminResponse postConfigField(const std::string& text, const std::string& query = "") {
    return call("POST", "/config" + query, json{{"config", text}}.dump(), "application/json");
  }

  config::v1::Bootstrap bootstrap_;
  ProcessInfo process_;
  ConfigManager manager_;
  std::unique_ptr<AdminApi> api_;
  int applied_ = 0;
  std::string apply_error_;
};

json unsupported(const std::string& message) {
  return {{"code", 12}, {"name", "operation unsupported"}, {"message", message}};
}

// --- GET / and method handling ----------------------------------------------------------------

TEST_F(AdminApiTest, CertificatesListTheirSnisAndSnisAreEntities) {
  absl::StatusOr<tls::CertificatePair> pair = tls::makeSelfSignedCertificate(tls::KeyType::kEcdsa);
  ASSERT_TRUE(pair.ok()) << pair.status();
  const json config = {
      {"_format_version", "3.0"},
      {"certificates",
       {{{"cert", pair->cert_pem},
         {"key", pair->key_pem},
         {"snis", {{{"name", "api.example.com"}}, {{"name", "*.example.org"}}}}}}}};
  loadText(config.dump());
  const json certificates = getJson("/certificates");
  ASSERT_EQ(certificates["data"].size(), 1u);
  const json& certificate = certificates["data"][0];
  EXPECT_EQ(certificate["snis"], (json{"api.example.com", "*.example.org"}));
  const json sni = getJson("/snis/api.example.com");
  EXPECT_EQ(sni["certificate"]["id"], certificate["id"]);
  EXPECT_EQ(getJson("/snis")["data"].size(), 2u);
  EXPECT_EQ(
      getJson("/certificates/" + certificate["id"].get<std::string>() + "/snis")["data"].size(),
      2u);
  EXPECT_EQ(getJson("/ca_certificates")["data"].size(), 0u);
}

TEST_F(AdminApiTest, RootDescribesTheNodeInKongsShape) {
  loadBase();
  AdminResponse response = call("GET", "/");
  ASSERT_EQ(response.status, 200);
  json body = bodyOf(response);
  EXPECT_EQ(body["tagline"], "Welcome to kong");
  EXPECT_EQ(body["edition"], "community");
  EXPECT_TRUE(body["version"].is_string());
  EXPECT_EQ(body["node_id"], "6d3b1a6c-1c55-4a4e-9e2f-1a2b3c4d5e6f");
  EXPECT_EQ(body["hostname"], "gateway-1");
  EXPECT_EQ(body["timers"], (json{{"running", 0}, {"pending", 0}}));
  EXPECT_EQ(body["plugins"]["enabled_in_cluster"], (json{"jwt", "rate-limiting"}));
  ASSERT_TRUE(body["plugins"]["available_on_server"].contains("jwt"));
  EXPECT_TRUE(body["plugins"]["available_on_server"]["jwt"]["priority"].is_number_integer());
  EXPECT_TRUE(body["plugins"]["available_on_server"]["jwt"]["version"].is_string());
  EXPECT_TRUE(body["lua_version"].is_string());
  EXPECT_EQ(body["pids"]["master"], 4242);
  EXPECT_EQ(body["configuration"]["database"], "off");
  EXPECT_TRUE(response.headers.has("X-Portico-Admin-Latency"));
}

TEST_F(AdminApiTest, RootConfigurationNeverShowsTheDeclarativeText) {
  json body = getJson("/");
  EXPECT_EQ(body["configuration"]["declarative_config_string"], "******");
  EXPECT_EQ(body.dump().find("secret: text"), std::string::npos);
}

TEST_F(AdminApiTest, GeneratesANodeIdWhenTheServerGaveNone) {
  ProcessInfo bare;
  AdminApi api(manager_, bare, nullptr);
  AdminRequest request;
  request.method = "GET";
  request.path = "/";
  json body = json::parse(api.handle(request).body);
  EXPECT_TRUE(declarative::isValidUuid(body["node_id"].get<std::string>()));
  EXPECT_FALSE(body["hostname"].get<std::string>().empty());
}

TEST_F(AdminApiTest, OptionsListsTheRouteMethodsAndOtherMethodsAre405) {
  AdminResponse options = call("OPTIONS", "/");
  EXPECT_EQ(options.status, 204);
  EXPECT_TRUE(options.body.empty());
  ASSERT_NE(options.headers.get("Allow"), nullptr);
  EXPECT_EQ(*options.headers.get("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(*call("OPTIONS", "/services").headers.get("Allow"), "GET, HEAD, OPTIONS, POST");
  EXPECT_EQ(*call("OPTIONS", "/services/x").headers.get("Allow"),
            "DELETE, GET, HEAD, OPTIONS, PATCH, PUT");

  AdminResponse refused = call("DELETE", "/");
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(bodyOf(refused), (json{{"message", "Method not allowed"}}));
  EXPECT_EQ(call("DELETE", "/routes").status, 405);
  EXPECT_EQ(bodyOf(call("POST", "/routes/r1")), (json{{"message", "Method not allowed"}}));
}

TEST_F(AdminApiTest, HeadIsAnsweredAsGet) {
  AdminResponse head = call("HEAD", "/status");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.getJoined("Content-Type"), "application/json; charset=utf-8");
}

TEST_F(AdminApiTest, UnknownPathsAreNotFound) {
  EXPECT_EQ(getJson("/nope", 404), (json{{"message", "Not found"}}));
  EXPECT_EQ(getJson("/services/echo/nope", 404), (json{{"message", "Not found"}}));
  EXPECT_EQ(getJson("/services//routes", 404), (json{{"message", "Not found"}}));
}

// --- GET /status, /plugins/enabled, /endpoints -------------------------------------------------

TEST_F(AdminApiTest, StatusHasNoDatabaseAndAZeroHashWhenEmpty) {
  json body = getJson("/status");
  EXPECT_FALSE(body.contains("database"));
  EXPECT_EQ(body["configuration_hash"], "00000000000000000000000000000000");
  EXPECT_EQ(body["server"], (json{{"connections_accepted", 7},
                                  {"connections_active", 3},
                                  {"connections_handled", 7},
                                  {"connections_reading", 0},
                                  {"connections_waiting", 3},
                                  {"connections_writing", 0},
                                  {"total_requests", 11}}));
  EXPECT_TRUE(body["memory"].is_object());
}

TEST_F(AdminApiTest, StatusHashIsTheMd5OfTheLoadedText) {
  loadBase();
  EXPECT_EQ(getJson("/status")["configuration_hash"], declarative::md5Hex(kBaseConfig));
}

TEST_F(AdminApiTest, ReadyAnswers200WhenTheServerSaysSo) {
  process_.unready_reason = [] { return std::string(); };
  EXPECT_EQ(getJson("/status/ready"), (json{{"message", "ready"}}));
}

TEST_F(AdminApiTest, NotReadyAnswers503WithTheReason) {
  process_.unready_reason = [] {
    return std::string("no configuration available (empty configuration present)");
  };
  EXPECT_EQ(getJson("/status/ready", 503),
            (json{{"message", "no configuration available (empty configuration present)"}}));
}

TEST_F(AdminApiTest, MetricsIsPrometheusText) {
  process_.metrics = [] { return std::string("portico_datastore_reachable 1\n"); };
  AdminResponse response = call("GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  ASSERT_NE(response.headers.get("Content-Type"), nullptr);
  EXPECT_EQ(*response.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, "portico_datastore_reachable 1\n");
  EXPECT_EQ(call("POST", "/metrics").status, 405);
}

TEST_F(AdminApiTest, TheStatusSurfaceServesOnlyStatusReadyAndMetrics) {
  process_.unready_reason = [] { return std::string(); };
  process_.metrics = [] { return std::string(); };
  AdminApi status_api(manager_, process_, nullptr, ApiSurface::kStatus);
  auto get = [&status_api](const std::string& path) {
    AdminRequest request;
    request.method = "GET";
    request.path = path;
    return status_api.handle(request).status;
  };
  EXPECT_EQ(get("/status"), 200);
  EXPECT_EQ(get("/status/ready"), 200);
  EXPECT_EQ(get("/metrics"), 200);
  EXPECT_EQ(get("/"), 404);
  EXPECT_EQ(get("/services"), 404);
  EXPECT_EQ(get("/config"), 404);
  EXPECT_EQ(get("/endpoints"), 404);
}

TEST_F(AdminApiTest, EnabledPluginsListsThePluginsOfThisBuild) {
  json names = getJson("/plugins/enabled")["enabled_plugins"];
  ASSERT_TRUE(names.is_array());
  EXPECT_NE(std::find(names.begin(), names.end(), "jwt"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "rate-limiting"), names.end());
}

TEST_F(AdminApiTest, EndpointsListsRouteTemplates) {
  json data = getJson("/endpoints")["data"];
  for (const char* expected : {"/", "/services/{services}/routes", "/routes/{routes}/service",
                               "/consumers/{consumers}/jwt/{jwt_secrets}", "/jwts/{jwt_secrets}"}) {
    EXPECT_NE(std::find(data.begin(), data.end(), expected), data.end()) << expected;
  }
}

// --- Collections and entities ------------------------------------------------------------------

TEST_F(AdminApiTest, ServicesCollectionRendersEveryField) {
  loadBase();
  json body = getJson("/services");
  EXPECT_EQ(body["next"], nullptr);
  EXPECT_FALSE(body.contains("offset"));
  ASSERT_EQ(body["data"].size(), 2u);
  json echo = body["data"][0];
  EXPECT_TRUE(echo["created_at"].is_number_integer());
  EXPECT_TRUE(echo["updated_at"].is_number_integer());
  echo.erase("created_at");
  echo.erase("updated_at");
  EXPECT_EQ(echo, (json{{"id", kServiceId},
                        {"name", "echo"},
                        {"retries", 5},
                        {"protocol", "http"},
                        {"host", "127.0.0.1"},
                        {"port", 9000},
                        {"path", nullptr},
                        {"connect_timeout", 60000},
                        {"write_timeout", 60000},
                        {"read_timeout", 60000},
                        {"tags", nullptr},
                        {"client_certificate", nullptr},
                        {"tls_verify", nullptr},
                        {"tls_verify_depth", nullptr},
                        {"ca_certificates", nullptr},
                        {"enabled", true}}));
}

TEST_F(AdminApiTest, EmptyCollectionsHaveAnArrayOfData) {
  EXPECT_EQ(getJson("/services").dump(), R"({"data":[],"next":null})");
  EXPECT_EQ(getJson("/upstreams").dump(), R"({"data":[],"next":null})");
}

TEST_F(AdminApiTest, EntitiesAreFoundByIdOrEndpointKey) {
  loadBase();
  EXPECT_EQ(getJson("/services/echo")["id"], kServiceId);
  EXPECT_EQ(getJson(absl::StrCat("/services/", kServiceId))["name"], "echo");
  json route = getJson("/routes/r1");
  EXPECT_EQ(route["id"], kRouteId);
  EXPECT_EQ(route["service"], (json{{"id", kServiceId}}));
  EXPECT_EQ(getJson("/consumers/alice")["id"], kConsumerId);
  EXPECT_EQ(getJson("/jwts/alice-key")["secret"], "alice-secret");
  const std::string plugin_id = getJson("/plugins")["data"][0]["id"];
  EXPECT_EQ(getJson("/plugins/" + plugin_id)["id"], plugin_id);
}

TEST_F(AdminApiTest, MissingEntitiesAreNotFound) {
  loadBase();
  EXPECT_EQ(getJson("/routes/nope", 404), (json{{"message", "Not found"}}));
  EXPECT_EQ(getJson(absl::StrCat("/services/", kMissingId), 404), (json{{"message", "Not found"}}));
  // A UUID only ever names an id, never a name.
  EXPECT_EQ(getJson(absl::StrCat("/consumers/", kConsumerId, "x"), 404)["message"], "Not found");
}

TEST_F(AdminApiTest, PathSegmentsArePercentDecoded) {
  loadText(lines({"_format_version: \"3.0\"", "consumers:", "- username: a b/c"}));
  EXPECT_EQ(getJson("/consumers/a%20b%2Fc")["username"], "a b/c");
}

TEST_F(AdminApiTest, DeclarativeTextIsNotInterpolated) {
  loadBase();
  EXPECT_EQ(getJson("/consumers/g5")["custom_id"], "${G5_TEXT}");
}

TEST_F(AdminApiTest, CustomIdFilterReturnsAtMostOneConsumer) {
  loadBase();
  json body = getJson("/consumers?custom_id=alice-cid");
  EXPECT_EQ(body["next"], nullptr);
  ASSERT_EQ(body["data"].size(), 1u);
  EXPECT_EQ(body["data"][0]["username"], "alice");
  EXPECT_EQ(body["data"][0]["id"], kConsumerId);
  EXPECT_EQ(getJson("/consumers?custom_id=nobody").dump(), R"({"data":[],"next":null})");
  EXPECT_EQ(getJson("/consumers?custom_id=", 400),
            (json{{"message", "custom_id must be an unempty string"}}));
}

// --- Paging --------------------------------------------------------------------------------------

TEST_F(AdminApiTest, PagingFollowsNextLinksAndAFullPageAlwaysLinksOn) {
  loadBase();
  json first = getJson("/services?size=1");
  ASSERT_EQ(first["data"].size(), 1u);
  ASSERT_TRUE(first["offset"].is_string());
  EXPECT_EQ(
      first["next"],
      absl::StrCat("/services?offset=", urlEncode(first["offset"].get<std::string>()), "&size=1"));
  json second = getJson(first["next"]);
  ASSERT_EQ(second["data"].size(), 1u);
  EXPECT_NE(second["data"][0]["id"], first["data"][0]["id"]);
  ASSERT_TRUE(second["next"].is_string());
  json third = getJson(second["next"]);
  EXPECT_EQ(third["data"], json::array());
  EXPECT_EQ(third["next"], nullptr);
}

TEST_F(AdminApiTest, NestedCollectionsLinkToTheirOwnPath) {
  loadBase();
  json page = getJson("/consumers/alice/jwt?size=1");
  ASSERT_TRUE(page["next"].is_string());
  EXPECT_EQ(page["next"].get<std::string>().rfind("/consumers/alice/jwt?offset=", 0), 0u);
  EXPECT_EQ(getJson(page["next"])["data"].size(), 1u);
}

TEST_F(AdminApiTest, BadOffsetAndSizeAreRejectedAsKongDoes) {
  EXPECT_EQ(getJson("/routes?offset=x", 400),
            (json{{"code", 7},
                  {"name", "invalid offset"},
                  {"message", "'x' is not a valid offset: bad base64 encoding"}}));
  EXPECT_EQ(getJson("/routes?size=abc", 400),
            (json{{"code", 9}, {"name", "invalid size"}, {"message", "size must be a number"}}));
  EXPECT_EQ(getJson("/routes?size=0", 400)["message"],
            "size must be an integer between 1 and 1000");
  EXPECT_EQ(getJson("/routes?size=1001", 400)["code"], 9);
}

// --- Nested endpoints ---------------------------------------------------------------------------

TEST_F(AdminApiTest, NestedCollectionsHoldOnlyTheParentsChildren) {
  loadBase();
  json routes = getJson("/services/echo/routes");
  ASSERT_EQ(routes["data"].size(), 1u);
  EXPECT_EQ(routes["data"][0]["name"], "r1");
  EXPECT_EQ(getJson("/services/echo2/routes")["data"], json::array());
  json service_plugins = getJson("/services/echo/plugins")["data"];
  ASSERT_EQ(service_plugins.size(), 1u);
  EXPECT_EQ(service_plugins[0]["name"], "rate-limiting");
  json route_plugins = getJson("/routes/r1/plugins")["data"];
  ASSERT_EQ(route_plugins.size(), 1u);
  EXPECT_EQ(route_plugins[0]["name"], "jwt");
  EXPECT_EQ(getJson("/consumers/alice/plugins")["data"], json::array());
  EXPECT_EQ(getJson("/services/nope/routes", 404), (json{{"message", "Not found"}}));
}

TEST_F(AdminApiTest, ConsumerJwtCredentialsAreListedAndAddressable) {
  loadBase();
  json list = getJson("/consumers/alice/jwt");
  EXPECT_EQ(list["next"], nullptr);
  ASSERT_EQ(list["data"].size(), 2u);
  for (const json& credential : list["data"]) {
    EXPECT_EQ(credential["consumer"], (json{{"id", kConsumerId}}));
    EXPECT_EQ(credential["algorithm"], "HS256");
    EXPECT_EQ(credential["rsa_public_key"], nullptr);
    EXPECT_EQ(credential["tags"], nullptr);
  }
  json by_key = getJson("/consumers/alice/jwt/alice-key");
  EXPECT_EQ(by_key["key"], "alice-key");
  EXPECT_EQ(getJson("/consumers/alice/jwt/" + by_key["id"].get<std::string>())["key"], "alice-key");
  EXPECT_EQ(getJson("/consumers/g5/jwt/alice-key", 404), (json{{"message", "Not found"}}));
  json owner = getJson("/jwts/alice-key/consumer");
  EXPECT_EQ(owner["id"], kConsumerId);
  EXPECT_EQ(owner["username"], "alice");
}

TEST_F(AdminApiTest, ForeignEntityEndpointsFollowTheForeignKey) {
  loadBase();
  EXPECT_EQ(getJson("/routes/r1/service")["id"], kServiceId);
  EXPECT_EQ(getJson("/routes/lonely/service", 404), (json{{"message", "Not found"}}));
  const std::string plugin_id = getJson("/routes/r1/plugins")["data"][0]["id"];
  EXPECT_EQ(getJson("/plugins/" + plugin_id + "/route")["id"], kRouteId);
  EXPECT_EQ(getJson("/plugins/" + plugin_id + "/service", 404)["message"], "Not found");
}

TEST_F(AdminApiTest, NestedEntityMustBelongToItsParent) {
  loadBase();
  EXPECT_EQ(getJson("/services/echo/routes/r1")["id"], kRouteId);
  EXPECT_EQ(getJson("/services/echo2/routes/r1", 404), (json{{"message", "Not found"}}));
}

// --- Writes in DB-less mode ----------------------------------------------------------------------

TEST_F(AdminApiTest, CreatingIsUnsupported) {
  loadBase();
  AdminResponse response = call("POST", "/services", R"({"host":"x"})", "application/json");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(bodyOf(response),
            unsupported("cannot create 'services' entities when not using a database"));
  EXPECT_EQ(bodyOf(call("POST", "/consumers/alice/jwt")),
            unsupported("cannot create 'jwt_secrets' entities when not using a database"));
  EXPECT_EQ(call("POST", "/services/nope/routes").status, 404);
}

TEST_F(AdminApiTest, PutIsUnsupportedWithTheByFieldWordingForKeys) {
  loadBase();
  EXPECT_EQ(bodyOf(call("PUT", "/services/echo")),
            unsupported(
                "cannot create or update 'services' entities by 'name' when not using a database"));
  AdminResponse by_id = call("PUT", absl::StrCat("/routes/", kMissingId));
  EXPECT_EQ(by_id.status, 405);
  EXPECT_EQ(bodyOf(by_id),
            unsupported("cannot create or update 'routes' entities when not using a database"));
}

TEST_F(AdminApiTest, PatchOfAnExistingEntityIsUnsupported) {
  loadBase();
  EXPECT_EQ(bodyOf(call("PATCH", absl::StrCat("/services/", kServiceId))),
            unsupported("cannot update 'services' entities when not using a database"));
  EXPECT_EQ(bodyOf(call("PATCH", "/consumers/alice")),
            unsupported("cannot update 'consumers' entities by 'username' when not using a "
                        "database"));
}

TEST_F(AdminApiTest, PatchOfAMissingEntityIsTheDatabaseNotFoundError) {
  AdminResponse by_id = call("PATCH", absl::StrCat("/services/", kMissingId));
  EXPECT_EQ(by_id.status, 404);
  EXPECT_EQ(bodyOf(by_id),
            (json{{"code", 6},
                  {"name", "not found"},
                  {"message", absl::StrCat("could not find the entity with primary key '{id=\"",
                                           kMissingId, "\"}'")},
                  {"fields", {{"id", kMissingId}}}}));
  AdminResponse by_name = call("PATCH", "/services/nope");
  EXPECT_EQ(by_name.status, 404);
  EXPECT_EQ(bodyOf(by_name), (json{{"code", 6},
                                   {"name", "not found"},
                                   {"message", "could not find the entity with '{name=\"nope\"}'"},
                                   {"fields", {{"name", "nope"}}}}));
}

TEST_F(AdminApiTest, DeleteIsUnsupportedButAMissingEntityIsAlreadyGone) {
  loadBase();
  AdminResponse existing = call("DELETE", "/services/echo");
  EXPECT_EQ(existing.status, 405);
  EXPECT_EQ(bodyOf(existing),
            unsupported("cannot remove 'services' entities by 'name' when not using a database"));
  EXPECT_EQ(bodyOf(call("DELETE", absl::StrCat("/routes/", kRouteId))),
            unsupported("cannot remove 'routes' entities when not using a database"));
  AdminResponse missing = call("DELETE", "/services/nope");
  EXPECT_EQ(missing.status, 204);
  EXPECT_TRUE(missing.body.empty());
  EXPECT_EQ(call("DELETE", absl::StrCat("/consumers/", kMissingId)).status, 204);
}

TEST_F(AdminApiTest, NestedAndForeignWritesFollowEndpointsLua) {
  loadBase();
  EXPECT_EQ(bodyOf(call("DELETE", "/consumers/alice/jwt/alice-key")),
            unsupported("cannot remove 'jwt_secrets' entities by 'key' when not using a database"));
  EXPECT_EQ(call("DELETE", "/consumers/g5/jwt/alice-key").status, 404);
  EXPECT_EQ(bodyOf(call("DELETE", "/routes/r1/service")),
            (json{{"message", "Method not allowed"}}));
  EXPECT_EQ(call("DELETE", "/routes/lonely/service").status, 404);
  EXPECT_EQ(bodyOf(call("PATCH", "/routes/r1/service")),
            unsupported("cannot update 'services' entities when not using a database"));
}

// --- POST /config --------------------------------------------------------------------------------

TEST_F(AdminApiTest, PostConfigAcceptsADeclarativeJsonBody) {
  AdminResponse response =
      call("POST", "/config", R"({"_format_version": "1.1", "consumers": [{"username": "x"}]})",
           "application/json");
  ASSERT_EQ(response.status, 201) << response.body;
  json body = bodyOf(response);
  EXPECT_EQ(body["consumers"]["f4ad81db-055e-5110-987a-a0f765d83c80"]["username"], "x");
  EXPECT_FALSE(body.contains("workspaces"));
  EXPECT_EQ(response.body.find("ws_id"), std::string::npos);
  EXPECT_EQ(applied_, 1);
  EXPECT_EQ(getJson("/consumers/x")["id"], "f4ad81db-055e-5110-987a-a0f765d83c80");
}

TEST_F(AdminApiTest, PostConfigDropsItsFlagsFromADeclarativeJsonBody) {
  AdminResponse response = call("POST", "/config",
                                R"({"_format_version": "3.0", "check_hash": 1,
                                    "flatten_errors": true, "consumers": [{"username": "x"}]})",
                                "application/json");
  EXPECT_EQ(response.status, 201) << response.body;
}

TEST_F(AdminApiTest, PostConfigAcceptsARawYamlBody) {
  AdminResponse response = call(
      "POST", "/config", lines({"_format_version: \"3.0\"", "consumers:", "- username: yaml-raw"}),
      "application/yaml");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(getJson("/consumers/yaml-raw")["username"], "yaml-raw");
}

TEST_F(AdminApiTest, PostConfigAcceptsAConfigFieldInJsonFormAndMultipart) {
  const std::string text =
      lines({"_format_version: \"3.0\"", "consumers:", "- username: from-field"});
  ASSERT_EQ(postConfigField(text).status, 201);

  AdminResponse form =
      call("POST", "/config", "config=" + urlEncode(text), "application/x-www-form-urlencoded");
  ASSERT_EQ(form.status, 201) << form.body;

  const std::string multipart = absl::StrCat(
      "--XyZ\r\nContent-Disposition: form-data; name=\"config\"; filename=\"kong.yml\"\r\n",
      "Content-Type: application/octet-stream\r\n\r\n",
      lines({"_format_version: \"3.0\"", "consumers:", "- username: multipart"}),
      "\r\n--XyZ--\r\n");
  AdminResponse parts = call("POST", "/config", multipart, "multipart/form-data; boundary=XyZ");
  ASSERT_EQ(parts.status, 201) << parts.body;
  EXPECT_EQ(getJson("/consumers/multipart")["username"], "multipart");
  EXPECT_EQ(applied_, 3);
}

TEST_F(AdminApiTest, PostConfigWithoutAConfigIsRejected) {
  AdminResponse response = call("POST", "/config");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(bodyOf(response), (json{{"message", "expected a declarative configuration"}}));
  // Without `config` or `_format_version`, the raw body is the config, as in Kong.
  EXPECT_EQ(bodyOf(call("POST", "/config", R"({"other": 1})", "application/json"))["fields"],
            (json{{"_format_version", "required field missing"}, {"other", "unknown field"}}));
  EXPECT_EQ(applied_, 0);
}

TEST_F(AdminApiTest, PostConfigWithBrokenJsonOrMultipartIsABadRequest) {
  EXPECT_EQ(bodyOf(call("POST", "/config", "{", "application/json")),
            (json{{"message", "Cannot parse JSON body"}}));
  AdminResponse multipart =
      call("POST", "/config", "--b\r\n\r\nno end", "multipart/form-data; boundary=b");
  EXPECT_EQ(multipart.status, 400);
}

TEST_F(AdminApiTest, PostConfigValidationErrorsHaveKongsBody) {
  loadBase();
  AdminResponse response =
      postConfigField(lines({"_format_version: \"1.1\"", "services:", "- port: -12"}));
  ASSERT_EQ(response.status, 400);
  EXPECT_EQ(bodyOf(response),
            (json{{"code", 14},
                  {"name", "invalid declarative configuration"},
                  {"fields",
                   {{"services",
                     {{{"host", "required field missing"},
                       {"port", "value should be between 0 and 65535"}}}}}},
                  {"message",
                   "declarative config is invalid: {services={{host=\"required field missing\","
                   "port=\"value should be between 0 and 65535\"}}}"}}));
  EXPECT_EQ(applied_, 0);
  EXPECT_EQ(getJson("/services")["data"].size(), 2u);
}

TEST_F(AdminApiTest, PostConfigOfTextThatIsNoObjectSaysSo) {
  AdminResponse response = postConfigField("bobby tables");
  ASSERT_EQ(response.status, 400);
  EXPECT_EQ(
      bodyOf(response),
      (json{{"code", 14},
            {"name", "invalid declarative configuration"},
            {"fields", {{"error", "failed parsing declarative configuration: expected an object"}}},
            {"message",
             "declarative config is invalid: {error=\"failed parsing declarative "
             "configuration: expected an object\"}"}}));
}

TEST_F(AdminApiTest, PostConfigFlattensErrorsOnRequest) {
  const std::string text = lines({"_format_version: \"3.0\"", "services:", "- name: bad",
                                  "  port: -12", "  host: example.com"});
  for (const char* flag : {"1", "true", "yes", "on"}) {
    json body = bodyOf(postConfigField(text, absl::StrCat("?flatten_errors=", flag)));
    ASSERT_TRUE(body["flattened_errors"].is_array()) << flag;
    ASSERT_EQ(body["flattened_errors"].size(), 1u);
    EXPECT_EQ(body["flattened_errors"][0]["entity_type"], "service");
    EXPECT_EQ(body["flattened_errors"][0]["entity_name"], "bad");
    EXPECT_EQ(body["code"], 14);
  }
  EXPECT_FALSE(bodyOf(postConfigField(text, "?flatten_errors=0")).contains("flattened_errors"));
}

TEST_F(AdminApiTest, PostConfigWithCheckHashSkipsAnIdenticalConfig) {
  const std::string text =
      lines({"_format_version: \"3.0\"", "consumers:", "- username: hash-check"});
  EXPECT_EQ(postConfigField(text, "?check_hash=1").status, 201);
  AdminResponse same = postConfigField(text, "?check_hash=1");
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(postConfigField(text, "?check_hash=true").status, 201);
  EXPECT_EQ(postConfigField(text).status, 201);
  EXPECT_EQ(applied_, 3);
}

TEST_F(AdminApiTest, PostConfigReportsAConfigTheServerCouldNotCompile) {
  apply_error_ = "upstream TLS context failed";
  AdminResponse response =
      postConfigField(lines({"_format_version: \"3.0\"", "consumers:", "- username: x"}));
  EXPECT_EQ(response.status, 400);
  json body = bodyOf(response);
  EXPECT_EQ(body["code"], 14);
  EXPECT_EQ(body["fields"], (json{{"error", "upstream TLS context failed"}}));
  EXPECT_EQ(body["message"],
            "declarative config is invalid: {error=\"upstream TLS context failed\"}");
}

TEST_F(AdminApiTest, PostConfigReplacesTheWholeConfig) {
  loadBase();
  ASSERT_EQ(
      postConfigField(lines({"_format_version: \"3.0\"", "consumers:", "- username: only"})).status,
      201);
  EXPECT_EQ(getJson("/services")["data"], json::array());
  EXPECT_EQ(getJson("/consumers")["data"].size(), 1u);
}

// --- GET /config ---------------------------------------------------------------------------------

TEST_F(AdminApiTest, GetConfigExportsYamlThatLoadsBackUnchanged) {
  ASSERT_EQ(
      call("POST", "/config", R"({"_format_version": "1.1", "consumers": [{"username": "x"}]})",
           "application/json")
          .status,
      201);
  json exported = getJson("/config");
  ASSERT_TRUE(exported["config"].is_string());
  const std::string yaml = exported["config"];
  EXPECT_NE(yaml.find("_format_version: \"3.0\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("_transform: false"), std::string::npos) << yaml;
  ASSERT_EQ(postConfigField(yaml).status, 201);
  json consumer = getJson("/consumers/x");
  EXPECT_EQ(consumer["id"], "f4ad81db-055e-5110-987a-a0f765d83c80");
  EXPECT_EQ(consumer["custom_id"], nullptr);
  EXPECT_EQ(consumer["tags"], nullptr);
}

}  // namespace
}  // namespace portico::server::admin
