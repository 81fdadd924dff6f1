#include "source/server/stats/stream_sample.h"

#include "source/server/snapshot.h"

namespace portico::server::stats {
namespace {

const std::string& orElse(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

// Kong's exporter labels a request with its consumer when the prometheus instance covering it
// (found by plugin precedence, with the consumer the request ended with) has per_consumer on.
bool perConsumer(const http::StreamContext& context) {
  // Most configs have no prometheus instance: then the precedence lookup (up to eight keys
  // built and hashed) is skipped for every authenticated request.
  if (context.consumer == nullptr || !context.match || context.snapshot == nullptr ||
      !context.snapshot->plugins().has("prometheus")) {
    return false;
  }
  static const std::string kNoService;
  const config::v1::Service* service = context.match->service;
  const PluginEntry* entry = context.snapshot->plugins().lookup(
      "prometheus", context.match->route->id(), service != nullptr ? service->id() : kNoService,
      context.consumer->id());
  if (entry == nullptr) {
    return false;
  }
  const auto& fields = entry->instance->config().fields();
  const auto per_consumer = fields.find("per_consumer");
  return per_consumer != fields.end() && per_consumer->second.bool_value();
}

}  // namespace

uint64_t requestHeadBytes(const http::MessageHead& request) {
  // "METHOD SP target SP HTTP/x.y CRLF", then "name: value CRLF" per header, then CRLF.
  uint64_t bytes = request.method.size() + 1 + request.target.size() + 1 + 8 + 2;
  for (const auto& [name, value] : request.headers.entries()) {
    bytes += name.size() + 2 + value.size() + 2;
  }
  return bytes + 2;
}

RequestSample streamSample(const http::StreamContext& context, int status, uint64_t ingress_bytes,
                           uint64_t egress_bytes, uint64_t now_ms) {
  RequestSample sample;
  if (context.match) {
    const config::v1::Route& route = *context.match->route;
    sample.route = orElse(route.name(), route.id());
    if (const config::v1::Service* service = context.match->service) {
      sample.service = orElse(service->name(), service->host());
    }
  }
  if (perConsumer(context)) {
    sample.consumer = context.consumer->username();
  }
  sample.status = status;
  sample.source =
      context.upstream_headers_ms != 0 ? ResponseSource::kService : ResponseSource::kGateway;
  const uint64_t total = now_ms - context.start_ms;
  sample.request_latency_ms = total;
  if (context.upstream_headers_ms != 0) {
    sample.upstream_latency_ms = context.upstream_headers_ms - context.proxy_start_ms;
  }
  if (context.proxy_start_ms != 0) {
    sample.gateway_latency_ms = context.proxy_start_ms - context.start_ms;
  } else {
    // Answered without proxying: all of it is the gateway's, but for a service a plugin called to
    // answer (Kong leaves the Lambda call out of its latency too).
    sample.gateway_latency_ms =
        total > context.excluded_latency_ms ? total - context.excluded_latency_ms : 0;
  }
  sample.ingress_bytes = ingress_bytes;
  sample.egress_bytes = egress_bytes;
  return sample;
}

}  // namespace portico::server::stats
