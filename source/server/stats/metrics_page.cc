#include "source/server/stats/metrics_page.h"

#include "absl/strings/str_cat.h"
#include "source/server/stats/counter_family.h"
#include "source/server/stats/latency_buckets.h"
#include "source/server/stats/prometheus_text.h"

namespace portico::server::stats {
namespace {

constexpr char kSubsystem[] = "http";

void writeRequests(const Aggregate& aggregate, TextWriter& out) {
  out.family("portico_http_requests_total", "HTTP status codes per consumer/service/route",
             "counter");
  for (const auto& [labels, count] : aggregate.requests) {
    const std::string code = absl::StrCat(labels.code);
    out.sample("portico_http_requests_total",
               {{"service", labels.service},
                {"route", labels.route},
                {"code", code},
                {"source", labels.source},
                {"consumer", labels.consumer}},
               count);
  }
}

void writeLatency(const std::map<RouteLabels, HistogramData>& series, std::string_view name,
                  std::string_view help, BucketBounds bounds, TextWriter& out) {
  out.family(name, help, "histogram");
  for (const auto& [labels, data] : series) {
    out.histogram(name, {{"service", labels.service}, {"route", labels.route}}, bounds, data);
  }
}

void writeBandwidth(const Aggregate& aggregate, TextWriter& out) {
  out.family("portico_bandwidth_bytes", "Total bandwidth (ingress/egress) throughput in bytes",
             "counter");
  for (const auto& [labels, bytes] : aggregate.bandwidth) {
    out.sample("portico_bandwidth_bytes",
               {{"service", labels.service},
                {"route", labels.route},
                {"direction", labels.direction},
                {"consumer", labels.consumer}},
               bytes);
  }
}

void writeNode(const ProcessGauges& process, TextWriter& out) {
  out.family("portico_nginx_connections_total", "Number of connections by subsystem", "gauge");
  const std::pair<const char*, uint64_t> states[] = {
      {"accepted", process.connections_accepted},
      {"active", process.connections_active},
      // Every accepted connection is handled: there is no connection limit that drops one yet.
      {"handled", process.connections_accepted},
      {"total", process.total_requests},
  };
  for (const auto& [state, value] : states) {
    out.sample("portico_nginx_connections_total",
               {{"node_id", process.node_id}, {"subsystem", kSubsystem}, {"state", state}}, value);
  }
  out.family("portico_nginx_requests_total", "Number of requests total", "gauge");
  out.sample("portico_nginx_requests_total",
             {{"node_id", process.node_id}, {"subsystem", kSubsystem}}, process.total_requests);
  out.family("portico_datastore_reachable", "Datastore reachable from Portico, 0 is unreachable",
             "gauge");
  out.sample("portico_datastore_reachable", {}, uint64_t{1});  // DB-less: nothing to reach
  out.family("portico_node_info", "Portico node metadata information", "gauge");
  out.sample("portico_node_info", {{"node_id", process.node_id}, {"version", process.version}},
             uint64_t{1});
}

void writeConfig(const ProcessGauges& process, TextWriter& out) {
  out.family("portico_config_hash", "Config hash numeric value of the configuration serving",
             "gauge");
  out.sample("portico_config_hash", {}, configHashNumber(process.config_hash));
  out.family("portico_config_version",
             "Number of configurations this process applied (0 before the first)", "gauge");
  out.sample("portico_config_version", {}, process.config_version);
  out.family("portico_config_last_reload_timestamp_seconds",
             "Unix time the configuration serving was applied, 0 before the first", "gauge");
  out.sample("portico_config_last_reload_timestamp_seconds", {},
             static_cast<double>(process.config_loaded_at));
}

void writeCluster(const ProcessGauges& process, TextWriter& out) {
  if (process.control_plane_connected) {
    out.family("portico_control_plane_connected",
               "Whether the discovery stream to the control plane is up, 0 is disconnected",
               "gauge");
    out.sample("portico_control_plane_connected", {},
               uint64_t{*process.control_plane_connected ? 1u : 0u});
  }
  if (!process.data_planes) {
    return;
  }
  out.family("portico_data_plane_last_seen", "Last time data plane contacted control plane",
             "gauge");
  for (const DataPlaneGauges& plane : *process.data_planes) {
    out.sample("portico_data_plane_last_seen",
               {{"node_id", plane.node_id}, {"hostname", plane.hostname}, {"ip", plane.ip}},
               static_cast<double>(plane.last_seen));
  }
  out.family("portico_data_plane_config_hash", "Config hash numeric value of the data plane",
             "gauge");
  for (const DataPlaneGauges& plane : *process.data_planes) {
    out.sample("portico_data_plane_config_hash",
               {{"node_id", plane.node_id}, {"hostname", plane.hostname}, {"ip", plane.ip}},
               configHashNumber(plane.config_hash));
  }
}

void writeFamilies(const Aggregate& aggregate, TextWriter& out) {
  for (const CounterFamily* family : CounterFamily::all()) {
    out.family(family->name(), family->help(), "counter");
    auto series = aggregate.families.find(family);
    if (series == aggregate.families.end()) {
      continue;
    }
    for (const auto& [values, count] : series->second) {
      Labels labels;
      for (size_t i = 0; i < values.size() && i < family->labelNames().size(); ++i) {
        labels.emplace_back(family->labelNames()[i], values[i]);
      }
      out.sample(family->name(), labels, count);
    }
  }
}

}  // namespace

double configHashNumber(std::string_view hex) {
  double value = 0;
  for (char c : hex) {
    int digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return 0;
    }
    value = value * 16 + digit;
  }
  return value;
}

std::string renderMetricsPage(const Aggregate& aggregate, const ProcessGauges& process) {
  TextWriter out;
  writeBandwidth(aggregate, out);
  writeRequests(aggregate, out);
  writeLatency(aggregate.gateway_latency, "portico_kong_latency_ms",
               "Latency added by Portico and enabled plugins for each service/route",
               kGatewayLatencyBucketsMs, out);
  writeLatency(aggregate.upstream_latency, "portico_upstream_latency_ms",
               "Latency added by upstream response for each service/route",
               kUpstreamLatencyBucketsMs, out);
  writeLatency(aggregate.request_latency, "portico_request_latency_ms",
               "Total latency incurred during requests for each service/route",
               kUpstreamLatencyBucketsMs, out);
  writeNode(process, out);
  writeConfig(process, out);
  writeCluster(process, out);
  writeFamilies(aggregate, out);
  return out.take();
}

}  // namespace portico::server::stats
