#pragma once

#include "source/config/schema/record_plugin_schema.h"

namespace portico::filters::http::prometheus {

// Kong's prometheus plugin config (kong/plugins/prometheus/schema.lua). Portico's metrics are
// always on (docs/metrics.md), so a kong.yml that enables the plugin keeps working; of its
// switches only per_consumer changes what is exported, read when a request is counted
// (source/server/stats/stream_sample.cc). No filter: the exporter works in Kong's log phase,
// which runs even for requests an earlier plugin rejected.
class PrometheusSchema : public config::schema::RecordPluginSchema {
 public:
  static constexpr int kPriority = 13;

  PrometheusSchema();
};

}  // namespace portico::filters::http::prometheus
