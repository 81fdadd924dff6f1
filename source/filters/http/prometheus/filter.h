#pragma once

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "source/http/filter.h"
#include "source/http/filter_factory.h"

namespace portico::filters::http::prometheus {

// One prometheus plugin instance: on the requests it covers, per_consumer labels the metrics
// with the authenticated consumer's username (Kong's exporter does it in its log phase; the
// flag is set here, after the authentication plugins, which run first by priority).
class PrometheusFilterConfig : public portico::http::FilterConfig {
 public:
  static absl::StatusOr<portico::http::FilterConfigConstSharedPtr> create(
      const google::protobuf::Struct& config);

  explicit PrometheusFilterConfig(bool per_consumer) : per_consumer_(per_consumer) {}
  portico::http::HttpFilterPtr createFilter() const override;

 private:
  bool per_consumer_;
};

}  // namespace portico::filters::http::prometheus
