#include <string>

#include "gtest/gtest.h"
#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/export.h"
#include "source/config/declarative/ids.h"
#include "source/config/declarative/loader.h"
#include "test/config/declarative/load_results.h"

namespace portico::config::declarative {
namespace {

using testing::errorsOf;
using testing::loadJson;

TEST(UpstreamsTest, DefaultsFollowKongsSchema) {
  LoadResult result = loadJson({{"upstreams", {{{"name", "backend"}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const v1::Upstream& upstream = result.config->upstreams(0);
  EXPECT_EQ(upstream.id(), entityUuid("upstreams", "backend"));
  EXPECT_EQ(upstream.algorithm(), "round-robin");
  EXPECT_EQ(upstream.hash_on(), "none");
  EXPECT_EQ(upstream.hash_fallback(), "none");
  EXPECT_EQ(upstream.hash_on_cookie_path(), "/");
  EXPECT_EQ(upstream.slots(), 10000u);
  const v1::ActiveHealthcheck& active = upstream.healthchecks().active();
  EXPECT_EQ(active.type(), "http");
  EXPECT_EQ(active.http_path(), "/");
  EXPECT_EQ(active.timeout(), 1);
  EXPECT_EQ(active.concurrency(), 10u);
  EXPECT_TRUE(active.https_verify_certificate());
  EXPECT_EQ(active.healthy().interval(), 0);
  EXPECT_EQ(active.healthy().http_statuses().size(), 2);
  EXPECT_EQ(active.unhealthy().http_statuses().size(), 8);
  const v1::PassiveHealthcheck& passive = upstream.healthchecks().passive();
  EXPECT_EQ(passive.healthy().http_statuses().size(), 19);
  EXPECT_EQ(passive.unhealthy().http_statuses().size(), 3);
  EXPECT_EQ(passive.unhealthy().tcp_failures(), 0u);

  nlohmann::json json = upstreamJson(upstream);
  EXPECT_EQ(json["healthchecks"]["active"]["healthy"]["http_statuses"], nlohmann::json({200, 302}));
  EXPECT_TRUE(json["hash_on_header"].is_null());
  EXPECT_TRUE(json["tags"].is_null());
}

TEST(UpstreamsTest, NestedTargetsGetDefaultsAndIdsFromTheirCacheKey) {
  LoadResult result =
      loadJson({{"upstreams",
                 {{{"name", "backend"},
                   {"targets",
                    {{{"target", "10.0.0.1:8080"}, {"weight", 50}}, {{"target", "b.local"}}}}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  ASSERT_EQ(result.config->targets_size(), 2);
  const std::string upstream_id = entityUuid("upstreams", "backend");
  const v1::Target& first = result.config->targets(0);
  EXPECT_EQ(first.upstream_id(), upstream_id);
  EXPECT_EQ(first.weight(), 50u);
  EXPECT_EQ(first.id(), entityUuid("targets", "targets:*:" + upstream_id + ":10.0.0.1:8080"));
  EXPECT_EQ(result.config->targets(1).weight(), 100u);
  EXPECT_EQ(targetJson(first)["upstream"], nlohmann::json({{"id", upstream_id}}));
}

TEST(UpstreamsTest, TopLevelTargetReferencesItsUpstreamByName) {
  LoadResult result = loadJson({{"upstreams", {{{"name", "backend"}}}},
                                {"targets", {{{"target", "10.0.0.2"}, {"upstream", "backend"}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  EXPECT_EQ(result.config->targets(0).upstream_id(), entityUuid("upstreams", "backend"));

  nlohmann::json errors =
      errorsOf(loadJson({{"targets", {{{"target", "10.0.0.2"}, {"upstream", "nowhere"}}}}}));
  ASSERT_EQ(errors["targets"].size(), 1u) << errors.dump();
  EXPECT_EQ(errors["targets"].begin()->dump(),
            R"x(["invalid reference 'upstream: nowhere' (no such entry in 'upstreams')"])x");
}

TEST(UpstreamsTest, ValidationUsesKongsWording) {
  nlohmann::json errors = errorsOf(loadJson(
      {{"upstreams",
        {{{"name", "10.0.0.1"}},
         {{"name", "ok.example"}, {"slots", 5}},
         {{"name", "host:80"}},
         {{"name", "hashed"}, {"hash_on", "header"}},
         {{"name", "t"},
          {"targets", {{{"target", "bad host"}}, {{"target", "a.b"}, {"weight", 70000}}}}}}}}));
  const nlohmann::json& upstreams = errors["upstreams"];
  EXPECT_EQ(upstreams[0]["name"], "Invalid name ('10.0.0.1'); no ip addresses allowed");
  EXPECT_EQ(upstreams[1]["slots"], "value should be between 10 and 65536");
  EXPECT_EQ(upstreams[2]["name"], "Invalid name ('host:80'); no port allowed");
  EXPECT_EQ(upstreams[3]["hash_on_header"], "required field missing");
  EXPECT_EQ(upstreams[3]["@entity"],
            nlohmann::json({"failed conditional validation given value of field 'hash_on'"}));
  EXPECT_EQ(upstreams[4]["targets"][0]["target"],
            "Invalid target ('bad host'); not a valid hostname or ip address");
  EXPECT_EQ(upstreams[4]["targets"][1]["weight"], "value should be between 0 and 65535");
}

TEST(UpstreamsTest, UnknownAlgorithmAndHealthcheckFieldsAreRejected) {
  nlohmann::json errors = errorsOf(loadJson(
      {{"upstreams",
        {{{"name", "a"}, {"algorithm", "fastest"}},
         {{"name", "b"},
          {"healthchecks", {{"active", {{"healthy", {{"interval", -1}}}, {"bogus", 1}}}}}}}}}));
  EXPECT_EQ(errors["upstreams"][0]["algorithm"],
            "expected one of: consistent-hashing, least-connections, round-robin, latency");
  EXPECT_EQ(errors["upstreams"][1]["healthchecks"]["active"]["healthy"]["interval"],
            "value should be between 0 and 65535");
  EXPECT_EQ(errors["upstreams"][1]["healthchecks"]["active"]["bogus"], "unknown field");
}

TEST(UpstreamsTest, HashOnSelectsConsistentHashingAndLeastConnectionsClearsIt) {
  LoadResult result =
      loadJson({{"upstreams",
                 {{{"name", "a"}, {"hash_on", "header"}, {"hash_on_header", "x-user"}},
                  {{"name", "b"}, {"algorithm", "least-connections"}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  EXPECT_EQ(result.config->upstreams(0).algorithm(), "consistent-hashing");
  EXPECT_EQ(result.config->upstreams(1).hash_on(), "none");
}

TEST(UpstreamsTest, DuplicateTargetInOneUpstreamIsAUniquenessViolation) {
  nlohmann::json errors = errorsOf(loadJson(
      {{"upstreams", {{{"name", "a"}, {"targets", {{{"target", "h:1"}}, {{"target", "h:1"}}}}}}}}));
  EXPECT_NE(errors.dump().find("uniqueness violation: 'targets' entity with primary key"),
            std::string::npos)
      << errors.dump();
}

TEST(UpstreamsTest, ExportWritesUpstreamsAndTargetsWithPlainForeignKeys) {
  LoadResult result = loadJson(
      {{"upstreams", {{{"name", "backend"}, {"targets", {{{"target", "10.0.0.1:80"}}}}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  nlohmann::json document = exportDocument(*result.config);
  EXPECT_EQ(document["upstreams"][0]["name"], "backend");
  EXPECT_EQ(document["targets"][0]["upstream"], entityUuid("upstreams", "backend"));
  LoadResult again = load(toYaml(*result.config), InputFormat::Yaml, "kong.yml");
  ASSERT_TRUE(again.ok()) << again.error->prettyText();
  EXPECT_EQ(again.config->targets(0).id(), result.config->targets(0).id());
}

}  // namespace
}  // namespace portico::config::declarative
