#include "source/server/stats/metrics_page.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/server/stats/cluster_gauges.h"
#include "source/server/stats/counter_family.h"
#include "source/server/stats/worker_stats.h"

namespace portico::server::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ProcessGauges gauges() {
  ProcessGauges process;
  process.node_id = "node-1";
  process.version = "0.1.0";
  process.connections_accepted = 7;
  process.connections_active = 2;
  process.total_requests = 11;
  process.config_hash = "00000000000000000000000000000010";
  process.config_version = 3;
  process.config_loaded_at = 1700000000;
  return process;
}

std::string page(const WorkerStats& stats, const ProcessGauges& process = gauges()) {
  Aggregate aggregate;
  stats.collectInto(aggregate);
  return renderMetricsPage(aggregate, process);
}

RequestSample proxied(int status, uint64_t request_ms) {
  RequestSample s;
  s.service = "echo";
  s.route = "users";
  s.status = status;
  s.source = ResponseSource::kService;
  s.request_latency_ms = request_ms;
  s.upstream_latency_ms = request_ms - 1;
  s.gateway_latency_ms = 1;
  s.ingress_bytes = 80;
  s.egress_bytes = 200;
  return s;
}

TEST(MetricsPageTest, RequestsCarryKongsLabels) {
  WorkerStats stats;
  stats.record(proxied(200, 30));
  stats.record(proxied(200, 30));
  const std::string text = page(stats);
  EXPECT_THAT(text, HasSubstr("# TYPE portico_http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("portico_http_requests_total{service=\"echo\",route=\"users\","
                              "code=\"200\",source=\"service\",consumer=\"\"} 2\n"));
}

TEST(MetricsPageTest, LatencyHistogramsUseKongsBuckets) {
  WorkerStats stats;
  stats.record(proxied(200, 30));
  const std::string text = page(stats);
  EXPECT_THAT(text, HasSubstr("# TYPE portico_request_latency_ms histogram\n"));
  EXPECT_THAT(text, HasSubstr("portico_request_latency_ms_bucket{service=\"echo\","
                              "route=\"users\",le=\"25\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("portico_request_latency_ms_bucket{service=\"echo\","
                              "route=\"users\",le=\"50\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("portico_request_latency_ms_bucket{service=\"echo\","
                              "route=\"users\",le=\"60000\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("portico_request_latency_ms_count{service=\"echo\","
                              "route=\"users\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("portico_upstream_latency_ms_sum{service=\"echo\","
                              "route=\"users\"} 29\n"));
  EXPECT_THAT(text, HasSubstr("portico_kong_latency_ms_bucket{service=\"echo\",route=\"users\","
                              "le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("portico_kong_latency_ms_bucket{service=\"echo\",route=\"users\","
                              "le=\"1000\"} 1\n"));
}

TEST(MetricsPageTest, BandwidthByDirection) {
  WorkerStats stats;
  stats.record(proxied(200, 30));
  const std::string text = page(stats);
  EXPECT_THAT(text, HasSubstr("portico_bandwidth_bytes{service=\"echo\",route=\"users\","
                              "direction=\"ingress\",consumer=\"\"} 80\n"));
  EXPECT_THAT(text, HasSubstr("portico_bandwidth_bytes{service=\"echo\",route=\"users\","
                              "direction=\"egress\",consumer=\"\"} 200\n"));
}

TEST(MetricsPageTest, ConnectionsAndNodeGauges) {
  const std::string text = page(WorkerStats());
  EXPECT_THAT(text, HasSubstr("portico_nginx_connections_total{node_id=\"node-1\","
                              "subsystem=\"http\",state=\"accepted\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("portico_nginx_connections_total{node_id=\"node-1\","
                              "subsystem=\"http\",state=\"active\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("portico_nginx_connections_total{node_id=\"node-1\","
                              "subsystem=\"http\",state=\"handled\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("portico_nginx_requests_total{node_id=\"node-1\","
                              "subsystem=\"http\"} 11\n"));
  EXPECT_THAT(text, HasSubstr("portico_node_info{node_id=\"node-1\",version=\"0.1.0\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("portico_datastore_reachable 1\n"));
}

TEST(MetricsPageTest, ConfigHashVersionAndReloadTime) {
  const std::string text = page(WorkerStats());
  EXPECT_THAT(text, HasSubstr("portico_config_hash 16\n"));
  EXPECT_THAT(text, HasSubstr("portico_config_version 3\n"));
  EXPECT_THAT(text, HasSubstr("portico_config_last_reload_timestamp_seconds 1700000000\n"));
}

TEST(MetricsPageTest, ClusterGaugesOnlyForTheirRole) {
  EXPECT_THAT(page(WorkerStats()), Not(HasSubstr("portico_control_plane_connected")));
  EXPECT_THAT(page(WorkerStats()), Not(HasSubstr("portico_data_plane_last_seen")));

  ProcessGauges data_plane = gauges();
  data_plane.control_plane_connected = false;
  EXPECT_THAT(page(WorkerStats(), data_plane), HasSubstr("portico_control_plane_connected 0\n"));

  ProcessGauges control_plane = gauges();
  control_plane.data_planes = dataPlaneGauges(nlohmann::json::parse(R"({"data": [
      {"id": "dp-1", "hostname": "h1", "ip": "10.0.0.2", "config_hash": "ff",
       "last_seen": 1700000100},
      {"id": "dp-2", "hostname": null, "ip": null, "config_hash": null, "last_seen": null}
  ], "next": null})"));
  const std::string text = page(WorkerStats(), control_plane);
  EXPECT_THAT(text, HasSubstr("portico_data_plane_last_seen{node_id=\"dp-1\",hostname=\"h1\","
                              "ip=\"10.0.0.2\"} 1700000100\n"));
  EXPECT_THAT(text, HasSubstr("portico_data_plane_config_hash{node_id=\"dp-1\",hostname=\"h1\","
                              "ip=\"10.0.0.2\"} 255\n"));
  EXPECT_THAT(text, HasSubstr("portico_data_plane_config_hash{node_id=\"dp-2\",hostname=\"\","
                              "ip=\"\"} 0\n"));
}

TEST(MetricsPageTest, CounterFamiliesAreListedWithTheirSeries) {
  CounterFamily family("portico_test_page_total", "A family \"quoted\"", {"kind"});
  WorkerStats stats;
  stats.count(family, {std::string_view("a\\b")}, 4);
  const std::string text = page(stats);
  EXPECT_THAT(text, HasSubstr("# HELP portico_test_page_total A family \"quoted\"\n"
                              "# TYPE portico_test_page_total counter\n"
                              "portico_test_page_total{kind=\"a\\\\b\"} 4\n"));
}

TEST(MetricsPageTest, ConfigHashNumberReadsHexDigits) {
  EXPECT_EQ(configHashNumber("00000000000000000000000000000000"), 0.0);
  EXPECT_EQ(configHashNumber("ff"), 255.0);
  EXPECT_EQ(configHashNumber("FF"), 255.0);
  EXPECT_EQ(configHashNumber("not hex"), 0.0);
  EXPECT_GT(configHashNumber("ffffffffffffffffffffffffffffffff"), 3.4e38);
}

}  // namespace
}  // namespace portico::server::stats
