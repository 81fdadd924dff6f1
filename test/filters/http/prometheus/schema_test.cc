#include "source/filters/http/prometheus/schema.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/config/plugin_schema.h"

namespace portico::filters::http::prometheus {
namespace {

using nlohmann::json;

TEST(PrometheusSchemaTest, EmptyConfigGetsKongsDefaults) {
  json config = json::object();
  EXPECT_TRUE(PrometheusSchema().validate(config, {}).is_null());
  EXPECT_EQ(config, json::parse(R"({
    "per_consumer": false,
    "status_code_metrics": false,
    "latency_metrics": false,
    "bandwidth_metrics": false,
    "upstream_health_metrics": false,
    "ai_metrics": false
  })"));
}

TEST(PrometheusSchemaTest, MayBeScopedToAConsumer) {
  json config = json::object();
  config::PluginScope scope;
  scope.consumer = true;
  EXPECT_TRUE(PrometheusSchema().validate(config, scope).is_null());
}

TEST(PrometheusSchemaTest, RejectsAWrongTypeAndAnUnknownField) {
  json config = {{"per_consumer", "yes"}, {"colour", true}};
  EXPECT_EQ(PrometheusSchema().validate(config, {}),
            json::parse(R"({"config": {"per_consumer": "expected a boolean",
                                       "colour": "unknown field"}})"));
}

}  // namespace
}  // namespace portico::filters::http::prometheus
