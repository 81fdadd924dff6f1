#include "source/server/stats/worker_stats.h"

#include <thread>

#include "gtest/gtest.h"

namespace portico::server::stats {
namespace {

RequestSample sample(std::string_view service, std::string_view route, int status) {
  RequestSample s;
  s.service = service;
  s.route = route;
  s.status = status;
  s.source = ResponseSource::kService;
  s.request_latency_ms = 30;
  s.upstream_latency_ms = 20;
  s.gateway_latency_ms = 3;
  s.ingress_bytes = 100;
  s.egress_bytes = 400;
  return s;
}

uint64_t requests(const Aggregate& aggregate, const RequestLabels& labels) {
  auto it = aggregate.requests.find(labels);
  return it == aggregate.requests.end() ? 0 : it->second;
}

TEST(WorkerStatsTest, CountsRequestsByServiceRouteCodeSourceAndConsumer) {
  WorkerStats stats;
  stats.record(sample("echo", "a", 200));
  stats.record(sample("echo", "a", 200));
  stats.record(sample("echo", "b", 200));
  RequestSample from_gateway = sample("echo", "a", 502);
  from_gateway.source = ResponseSource::kGateway;
  stats.record(from_gateway);
  RequestSample alice = sample("echo", "a", 200);
  alice.consumer = "alice";
  stats.record(alice);

  Aggregate aggregate;
  stats.collectInto(aggregate);
  EXPECT_EQ(aggregate.requests.size(), 4u);
  EXPECT_EQ(requests(aggregate, {"echo", "a", 200, "service", ""}), 2u);
  EXPECT_EQ(requests(aggregate, {"echo", "b", 200, "service", ""}), 1u);
  EXPECT_EQ(requests(aggregate, {"echo", "a", 502, "kong", ""}), 1u);
  EXPECT_EQ(requests(aggregate, {"echo", "a", 200, "service", "alice"}), 1u);
}

TEST(WorkerStatsTest, LabelValuesThatConcatenateAlikeStayApart) {
  WorkerStats stats;
  stats.record(sample("ab", "c", 200));
  stats.record(sample("a", "bc", 200));
  Aggregate aggregate;
  stats.collectInto(aggregate);
  EXPECT_EQ(requests(aggregate, {"ab", "c", 200, "service", ""}), 1u);
  EXPECT_EQ(requests(aggregate, {"a", "bc", 200, "service", ""}), 1u);
}

TEST(WorkerStatsTest, LatenciesAreHistogramsPerServiceAndRouteAcrossConsumers) {
  WorkerStats stats;
  stats.record(sample("echo", "a", 200));
  RequestSample bob = sample("echo", "a", 404);
  bob.consumer = "bob";
  bob.request_latency_ms = 70;
  stats.record(bob);
  Aggregate aggregate;
  stats.collectInto(aggregate);
  const HistogramData& total = aggregate.request_latency.at({"echo", "a"});
  EXPECT_EQ(total.count(), 2u);
  EXPECT_EQ(total.sum, 100u);
  EXPECT_EQ(aggregate.upstream_latency.at({"echo", "a"}).count(), 2u);
  EXPECT_EQ(aggregate.gateway_latency.at({"echo", "a"}).sum, 6u);
}

TEST(WorkerStatsTest, NoUpstreamLatencySeriesWhenNoUpstreamAnswered) {
  WorkerStats stats;
  RequestSample not_found;
  not_found.status = 404;
  not_found.request_latency_ms = 1;
  stats.record(not_found);
  Aggregate aggregate;
  stats.collectInto(aggregate);
  EXPECT_EQ(aggregate.request_latency.at({"", ""}).count(), 1u);
  EXPECT_TRUE(aggregate.upstream_latency.empty());
}

TEST(WorkerStatsTest, BandwidthIsCountedPerDirectionOnlyOnceBytesFlowed) {
  WorkerStats stats;
  RequestSample s = sample("echo", "a", 200);
  s.ingress_bytes = 0;
  stats.record(s);
  stats.record(s);
  Aggregate aggregate;
  stats.collectInto(aggregate);
  EXPECT_EQ(aggregate.bandwidth.size(), 1u);
  EXPECT_EQ((aggregate.bandwidth.at({"echo", "a", "egress", ""})), 800u);
}

TEST(WorkerStatsTest, CollectingSeveralWorkersSumsTheirCounts) {
  WorkerStats one;
  WorkerStats two;
  one.record(sample("echo", "a", 200));
  two.record(sample("echo", "a", 200));
  two.record(sample("echo", "a", 200));
  Aggregate aggregate;
  one.collectInto(aggregate);
  two.collectInto(aggregate);
  EXPECT_EQ(requests(aggregate, {"echo", "a", 200, "service", ""}), 3u);
  EXPECT_EQ(aggregate.request_latency.at({"echo", "a"}).count(), 3u);
  EXPECT_EQ((aggregate.bandwidth.at({"echo", "a", "ingress", ""})), 300u);
}

TEST(WorkerStatsTest, AScrapeWhileTheWorkerRecordsSeesAGrowingCountAndTheEndTotal) {
  WorkerStats stats;
  constexpr int kRequests = 20000;
  std::thread worker([&stats] {
    for (int i = 0; i < kRequests; ++i) {
      // New series keep appearing, so the scrapes race with inserts as well as increments.
      stats.record(sample("echo", "r", 200 + i % 300));
    }
  });
  uint64_t last = 0;
  for (int scrape = 0; scrape < 50; ++scrape) {
    Aggregate aggregate;
    stats.collectInto(aggregate);
    uint64_t total = 0;
    for (const auto& [labels, count] : aggregate.requests) {
      total += count;
    }
    EXPECT_GE(total, last);
    last = total;
  }
  worker.join();
  Aggregate aggregate;
  stats.collectInto(aggregate);
  EXPECT_EQ(aggregate.requests.size(), 300u);
  EXPECT_EQ(aggregate.request_latency.at({"echo", "r"}).count(), uint64_t{kRequests});
}

TEST(WorkerStatsTest, CurrentIsTheBlockBoundToThisThread) {
  WorkerStats stats;
  EXPECT_EQ(WorkerStats::current(), nullptr);
  stats.bindToThisThread();
  EXPECT_EQ(WorkerStats::current(), &stats);
  std::thread other([] { EXPECT_EQ(WorkerStats::current(), nullptr); });
  other.join();
  WorkerStats::unbindThisThread();
  EXPECT_EQ(WorkerStats::current(), nullptr);
}

TEST(WorkerStatsTest, RunningOnceMarked) {
  WorkerStats stats;
  EXPECT_FALSE(stats.running());
  stats.markRunning();
  EXPECT_TRUE(stats.running());
}

}  // namespace
}  // namespace portico::server::stats
