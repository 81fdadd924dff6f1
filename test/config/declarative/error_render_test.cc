#include "source/config/declarative/error_render.h"

#include "gtest/gtest.h"
#include "source/config/declarative/loader.h"

namespace portico::config::declarative {
namespace {

TEST(LuaTableTest, RendersLikePenlight) {
  EXPECT_EQ(luaTable(nlohmann::json::parse(R"({"services": [{"host": "a", "port": "b"}]})")),
            "{services={{host=\"a\",port=\"b\"}}}");
  EXPECT_EQ(luaTable(nlohmann::json::parse(R"({"plugins": [null, "dup"]})")),
            "{plugins={[2]=\"dup\"}}");
  EXPECT_EQ(luaTable(nlohmann::json::parse(R"({"x": ["a", null, "c"]})")), "{x={\"a\",[3]=\"c\"}}");
  EXPECT_EQ(luaTable(nlohmann::json::parse(R"({"@entity": ["m"], "end": "k", "a-b": "q"})")),
            "{[\"@entity\"]={\"m\"},[\"a-b\"]=\"q\",[\"end\"]=\"k\"}");
  EXPECT_EQ(luaTable(nlohmann::json::object()), "{}");
}

TEST(LuaTableTest, QuotesLikeLuaPercentQ) {
  EXPECT_EQ(luaTable(nlohmann::json({{"k", "say \"hi\" \\ there"}})),
            "{k=\"say \\\"hi\\\" \\\\ there\"}");
  EXPECT_EQ(luaTable(nlohmann::json({{"k", "two\nlines"}})), "{k=[[two\nlines]]}");
  EXPECT_EQ(luaTable(nlohmann::json({{"k", "has ]] inside"}})), "{k=[=[has ]] inside]=]}");
}

TEST(PrettyPrintTest, NestsKeysAndEntries) {
  nlohmann::json fields = nlohmann::json::parse(
      R"({"services": [null, {"host": "required field missing", "@entity": ["x"]}],
          "_format_version": "expected a string"})");
  EXPECT_EQ(prettyPrintErrors(fields, {{"/services/1/host", 4}}, "kong.yml"),
            "in '_format_version': expected a string\n"
            "in 'services':\n"
            "  - in entry 2 of 'services':\n"
            "    in '@entity':\n"
            "      - in entry 1 of '@entity': x\n"
            "    in 'host': required field missing (kong.yml:4)");
}

TEST(FlattenErrorsTest, CorrelatesErrorsWithTheirEntities) {
  LoadResult result = load(R"({"_format_version": "3.0",
      "services": [{"name": "svc", "host": "a.test", "tags": ["t"],
                    "routes": [{"name": "r", "paths": ["bad"], "hosts": ["ok.test", "\\99"]}],
                    "retries": -1}]})",
                           InputFormat::Json, "");
  ASSERT_FALSE(result.ok());
  FlattenedErrors flat = flattenErrors(result.error->fields, result.error->input);
  EXPECT_EQ(flat.remaining_fields, nlohmann::json::object());
  ASSERT_EQ(flat.flattened.size(), 2u) << flat.flattened.dump();
  const auto& route = flat.flattened[0];
  EXPECT_EQ(route["entity_type"], "route");
  EXPECT_EQ(route["entity_name"], "r");
  EXPECT_FALSE(route.contains("entity_id"));
  EXPECT_EQ(route["errors"], nlohmann::json::parse(R"json([
      {"type": "field", "field": "hosts.2", "message": "invalid hostname: \\99"},
      {"type": "field", "field": "paths.1",
       "message": "should start with: / (fixed path) or ~/ (regex path)"}])json"));
  const auto& service = flat.flattened[1];
  EXPECT_EQ(service["entity_type"], "service");
  EXPECT_EQ(service["entity_name"], "svc");
  EXPECT_EQ(service["entity_tags"], nlohmann::json({"t"}));
  EXPECT_FALSE(service["entity"].contains("routes"));
  EXPECT_EQ(service["errors"], nlohmann::json::parse(R"([
      {"type": "field", "field": "retries", "message": "value should be between 0 and 32767"}])"));
}

TEST(FlattenErrorsTest, EntityErrorsAndUnflattenableSections) {
  nlohmann::json input = nlohmann::json::parse(
      R"({"_format_version": 1, "routes": [{"id": "4726a05a-d550-537e-9fc3-a07c7a1188c7"}]})");
  nlohmann::json fields = nlohmann::json::parse(
      R"({"_format_version": "expected a string", "routes": [{"@entity": ["must set one"]}]})");
  FlattenedErrors flat = flattenErrors(fields, input);
  EXPECT_EQ(flat.remaining_fields, nlohmann::json({{"_format_version", "expected a string"}}));
  ASSERT_EQ(flat.flattened.size(), 1u);
  EXPECT_EQ(flat.flattened[0]["entity_id"], "4726a05a-d550-537e-9fc3-a07c7a1188c7");
  EXPECT_EQ(flat.flattened[0]["errors"],
            nlohmann::json::parse(R"([{"type": "entity", "message": "must set one"}])"));
}

}  // namespace
}  // namespace portico::config::declarative
