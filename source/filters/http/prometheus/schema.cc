#include "source/filters/http/prometheus/schema.h"

#include <utility>

namespace portico::filters::http::prometheus {
namespace {

using config::schema::Field;
using config::schema::Record;

Field configField() {
  Record config;
  for (const char* name : {"per_consumer", "status_code_metrics", "latency_metrics",
                           "bandwidth_metrics", "upstream_health_metrics", "ai_metrics"}) {
    config.add(name, Field::boolean().defaultTo(false));
  }
  return Field::record(std::move(config));
}

}  // namespace

PrometheusSchema::PrometheusSchema()
    : RecordPluginSchema("prometheus", kPriority, configField(), {},
                         config::schema::ConsumerScope::kAllowed) {}

static const config::RegisterPluginSchema<PrometheusSchema> kRegister;

}  // namespace portico::filters::http::prometheus
