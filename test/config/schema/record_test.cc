#include "source/config/schema/record.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace portico::config::schema {
namespace {

using nlohmann::json;

Record redisLike() {
  Record redis;
  redis.add("host", Field::string()).add("port", Field::integer().defaultTo(6379));
  Record config;
  config.add("name", Field::string().defaultTo("x"))
      .add("limit", Field::number())
      .add("redis", Field::record(std::move(redis)))
      .addShorthand("redis_host", Field::string(), {"redis", "host"})
      .addShorthand("redis_port", Field::integer(), {"redis", "port"});
  return config;
}

TEST(RecordTest, AbsentFieldsTakeDefaultsNullsAndExpandedRecords) {
  json value = json::object();
  EXPECT_TRUE(redisLike().validate(value).is_null());
  EXPECT_EQ(value, json::parse(R"({"name": "x", "limit": null,
                                   "redis": {"host": null, "port": 6379}})"));
}

TEST(RecordTest, ExplicitNullIsKeptInsteadOfTheDefault) {
  json value = {{"name", nullptr}};
  EXPECT_TRUE(redisLike().validate(value).is_null());
  EXPECT_TRUE(value["name"].is_null());
}

TEST(RecordTest, UnknownFieldsAreReported) {
  json value = {{"nope", 1}};
  EXPECT_EQ(redisLike().validate(value), json::parse(R"({"nope": "unknown field"})"));
}

TEST(RecordTest, NestedErrorsAreKeyedByPath) {
  json value = {{"redis", {{"port", "x"}}}, {"limit", "y"}};
  EXPECT_EQ(redisLike().validate(value), json::parse(R"({"redis": {"port": "expected an integer"},
                            "limit": "expected a number"})"));
}

TEST(RecordTest, ShorthandMovesIntoItsTarget) {
  json value = {{"redis_host", "127.0.0.1"}, {"redis_port", 6380}};
  EXPECT_TRUE(redisLike().validate(value).is_null());
  EXPECT_FALSE(value.contains("redis_host"));
  EXPECT_FALSE(value.contains("redis_port"));
  EXPECT_EQ(value["redis"], json::parse(R"({"host": "127.0.0.1", "port": 6380})"));
}

TEST(RecordTest, ShorthandAgreeingWithTheNewFieldIsAccepted) {
  json value = {{"redis_host", "a"}, {"redis", {{"host", "a"}}}};
  EXPECT_TRUE(redisLike().validate(value).is_null());
  EXPECT_EQ(value["redis"]["host"], "a");
}

TEST(RecordTest, ShorthandContradictingTheNewFieldIsAnError) {
  json value = {{"redis_port", 1}, {"redis", {{"port", 2}}}};
  EXPECT_EQ(redisLike().validate(value),
            json::parse(R"({"redis_port": "both deprecated and new field are used but their )"
                        R"(values mismatch: redis_port = 1 vs redis.port = 2"})"));
}

TEST(RecordTest, ShorthandOfTheWrongTypeIsAnError) {
  json value = {{"redis_port", "6379"}};
  EXPECT_EQ(redisLike().validate(value), json::parse(R"({"redis_port": "expected an integer"})"));
  EXPECT_FALSE(value.contains("redis_port"));
  EXPECT_EQ(value["redis"]["port"], 6379);
}

TEST(RecordTest, AtLeastOneOfQuotesTheFieldNames) {
  Record record;
  record.add("a", Field::number())
      .add("b", Field::number())
      .addCheck(EntityCheck::atLeastOneOf({"a", "b"}));
  json empty = json::object();
  EXPECT_EQ(
      record.validate(empty),
      json::parse(R"({"@entity": ["at least one of these fields must be non-empty: 'a', 'b'"]})"));
  json one = {{"b", 1}};
  EXPECT_TRUE(record.validate(one).is_null());
}

TEST(RecordTest, MutuallyRequiredNeedsAllOrNone) {
  Record record;
  record.add("key", Field::string())
      .add("secret", Field::string())
      .addCheck(EntityCheck::mutuallyRequired({"key", "secret"}));
  json half = {{"key", "k"}};
  EXPECT_EQ(
      record.validate(half),
      json::parse(R"({"@entity": ["all or none of these fields must be set: 'key', 'secret'"]})"));
  json none = json::object();
  EXPECT_TRUE(record.validate(none).is_null());
  json both = {{"key", "k"}, {"secret", "s"}};
  EXPECT_TRUE(record.validate(both).is_null());
}

TEST(RecordTest, ConditionalMarksTheThenFieldAndTheEntity) {
  Record inner;
  inner.add("host", Field::string());
  Record record;
  Match redis;
  redis.eq = "redis";
  Match required;
  required.required = true;
  record.add("policy", Field::string().defaultTo("local"))
      .add("redis", Field::record(std::move(inner)))
      .addCheck(EntityCheck::conditional("policy", redis, "redis.host", required));
  json local = json::object();
  EXPECT_TRUE(record.validate(local).is_null());
  json missing_host = {{"policy", "redis"}};
  EXPECT_EQ(record.validate(missing_host), json::parse(R"({
    "redis": {"host": "required field missing"},
    "@entity": ["failed conditional validation given value of field 'policy'"]})"));
}

TEST(RecordTest, CustomCheckMessageGoesToEntity) {
  Record record;
  record.add("url", Field::string())
      .addCheck(EntityCheck::custom({"url"}, [](const json& entity) -> std::optional<std::string> {
        if (entity["url"] == "bad") {
          return "url is bad";
        }
        return std::nullopt;
      }));
  json bad = {{"url", "bad"}};
  EXPECT_EQ(record.validate(bad), json::parse(R"({"@entity": ["url is bad"]})"));
}

TEST(RecordTest, FindFollowsDottedPaths) {
  Record record = redisLike();
  EXPECT_NE(record.find("redis.port"), nullptr);
  EXPECT_EQ(record.find("redis.nope"), nullptr);
  EXPECT_EQ(record.find("name.deeper"), nullptr);
}

}  // namespace
}  // namespace portico::config::schema
