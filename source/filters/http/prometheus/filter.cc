#include "source/filters/http/prometheus/filter.h"

#include <memory>

#include "source/http/stream_context.h"

namespace portico::filters::http::prometheus {
namespace {

class PrometheusFilter : public portico::http::HttpFilter {
 public:
  explicit PrometheusFilter(bool per_consumer) : per_consumer_(per_consumer) {}

  portico::http::FilterStatus onRequestHeaders(portico::http::MessageHead&, bool) override {
    callbacks_->context().metrics_per_consumer = per_consumer_;
    return portico::http::FilterStatus::kContinue;
  }

 private:
  bool per_consumer_;
};

class PrometheusFilterFactory : public portico::http::FilterFactory {
 public:
  std::string_view name() const override { return "prometheus"; }
  absl::StatusOr<portico::http::FilterConfigConstSharedPtr> compile(
      const google::protobuf::Struct& config,
      const portico::http::FilterFactoryContext&) const override {
    return PrometheusFilterConfig::create(config);
  }
};

}  // namespace

absl::StatusOr<portico::http::FilterConfigConstSharedPtr> PrometheusFilterConfig::create(
    const google::protobuf::Struct& config) {
  const auto per_consumer = config.fields().find("per_consumer");
  return std::make_shared<const PrometheusFilterConfig>(per_consumer != config.fields().end() &&
                                                        per_consumer->second.bool_value());
}

portico::http::HttpFilterPtr PrometheusFilterConfig::createFilter() const {
  return std::make_unique<PrometheusFilter>(per_consumer_);
}

static const portico::http::RegisterFilterFactory<PrometheusFilterFactory> kRegister;

}  // namespace portico::filters::http::prometheus
