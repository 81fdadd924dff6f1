#include "source/server/stats/worker_stats.h"

#include <cstdint>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "source/server/stats/histogram.h"
#include "source/server/stats/latency_buckets.h"

namespace portico::server::stats {
namespace {

thread_local WorkerStats* current_block = nullptr;

// Length-prefixed, so no label value can make two label sets share a key. The length goes in as
// raw bytes: the key is never read, and formatting it cost more than the lookup.
void appendField(std::string& key, std::string_view value) {
  const auto length = static_cast<uint32_t>(value.size());
  key.append(reinterpret_cast<const char*>(&length), sizeof(length));
  key.append(value.data(), value.size());
}

const char* sourceLabel(ResponseSource source) {
  return source == ResponseSource::kService ? "service" : "kong";
}

// Status codes are three digits, so one int holds the status and the source.
int statusKey(int status, ResponseSource source) {
  return status * 2 + (source == ResponseSource::kService ? 1 : 0);
}

int statusOfKey(int key) { return key / 2; }

ResponseSource sourceOfKey(int key) {
  return key % 2 == 1 ? ResponseSource::kService : ResponseSource::kGateway;
}

template <class Series, class Make>
Series& findOrInsert(absl::flat_hash_map<std::string, std::unique_ptr<Series>>& map,
                     const std::string& key, std::mutex& mutex, Make make) {
  // Only this thread inserts, so its lookups need no lock; the reader holds the lock while it
  // walks the map, and an insert may rehash it.
  auto found = map.find(absl::string_view(key));
  if (found != map.end()) {
    return *found->second;
  }
  std::lock_guard<std::mutex> lock(mutex);
  return *map.emplace(key, make()).first->second;
}

}  // namespace

struct WorkerStats::RouteSeries {
  RouteSeries(std::string_view service_name, std::string_view route_name,
              std::string_view consumer_name)
      : service(service_name),
        route(route_name),
        consumer(consumer_name),
        request_latency(kUpstreamLatencyBucketsMs),
        upstream_latency(kUpstreamLatencyBucketsMs),
        gateway_latency(kGatewayLatencyBucketsMs) {}

  std::string service;
  std::string route;
  std::string consumer;
  Histogram request_latency;
  Histogram upstream_latency;
  Histogram gateway_latency;
  Counter ingress;
  Counter egress;
  // Requests by status and by who answered (statusKey); a node map, so a counter stays put while
  // the map grows.
  absl::node_hash_map<int, Counter> requests;
};

struct WorkerStats::FamilySeries {
  const CounterFamily* family = nullptr;
  std::vector<std::string> values;
  Counter count;
};

WorkerStats::WorkerStats() = default;

WorkerStats::~WorkerStats() {
  if (current_block == this) {
    current_block = nullptr;
  }
}

WorkerStats* WorkerStats::current() { return current_block; }

void WorkerStats::bindToThisThread() { current_block = this; }

void WorkerStats::unbindThisThread() { current_block = nullptr; }

void WorkerStats::record(const RequestSample& sample) {
  RouteSeries& route = routeSeries(sample);
  const int status_key = statusKey(sample.status, sample.source);
  auto counter = route.requests.find(status_key);
  if (counter == route.requests.end()) {
    std::lock_guard<std::mutex> lock(insert_mutex_);
    counter = route.requests.try_emplace(status_key).first;
  }
  counter->second.increment();
  route.request_latency.observe(sample.request_latency_ms);
  if (sample.upstream_latency_ms) {
    route.upstream_latency.observe(*sample.upstream_latency_ms);
  }
  route.gateway_latency.observe(sample.gateway_latency_ms);
  route.ingress.add(sample.ingress_bytes);
  route.egress.add(sample.egress_bytes);
}

WorkerStats::RouteSeries& WorkerStats::routeSeries(const RequestSample& sample) {
  if (last_series_ != nullptr && last_series_->service == sample.service &&
      last_series_->route == sample.route && last_series_->consumer == sample.consumer) {
    return *last_series_;
  }
  // Only this thread inserts, so its lookups need no lock (as in findOrInsert).
  const auto found = routes_.find(RouteLabelValues{sample.service, sample.route, sample.consumer});
  if (found != routes_.end()) {
    last_series_ = found->second.get();
    return *last_series_;
  }
  auto series = std::make_unique<RouteSeries>(sample.service, sample.route, sample.consumer);
  const RouteLabelValues key{series->service, series->route, series->consumer};
  std::lock_guard<std::mutex> lock(insert_mutex_);
  last_series_ = routes_.emplace(key, std::move(series)).first->second.get();
  return *last_series_;
}

void WorkerStats::count(const CounterFamily& family,
                        absl::Span<const std::string_view> label_values, uint64_t amount) {
  key_.clear();
  const CounterFamily* family_address = &family;
  key_.append(reinterpret_cast<const char*>(&family_address), sizeof(family_address));
  for (std::string_view value : label_values) {
    appendField(key_, value);
  }
  FamilySeries& series = findOrInsert(families_, key_, insert_mutex_, [&] {
    auto created = std::make_unique<FamilySeries>();
    created->family = &family;
    created->values.assign(label_values.begin(), label_values.end());
    return created;
  });
  series.count.add(amount);
}

void WorkerStats::collectInto(Aggregate& aggregate) const {
  std::lock_guard<std::mutex> lock(insert_mutex_);
  for (const auto& [key, series] : routes_) {
    for (const auto& [status_key, count] : series->requests) {
      aggregate.requests[{series->service, series->route, statusOfKey(status_key),
                          sourceLabel(sourceOfKey(status_key)), series->consumer}] += count.value();
    }
    const RouteLabels labels{series->service, series->route};
    aggregate.request_latency[labels].merge(series->request_latency.read());
    // A route no upstream answered has no upstream latency series, as in Kong.
    if (HistogramData upstream = series->upstream_latency.read(); upstream.count() > 0) {
      aggregate.upstream_latency[labels].merge(upstream);
    }
    aggregate.gateway_latency[labels].merge(series->gateway_latency.read());
    // Kong adds a bandwidth series only once bytes flowed that way.
    if (const uint64_t bytes = series->ingress.value(); bytes > 0) {
      aggregate.bandwidth[{series->service, series->route, "ingress", series->consumer}] += bytes;
    }
    if (const uint64_t bytes = series->egress.value(); bytes > 0) {
      aggregate.bandwidth[{series->service, series->route, "egress", series->consumer}] += bytes;
    }
  }
  for (const auto& [key, series] : families_) {
    aggregate.families[series->family][series->values] += series->count.value();
  }
}

}  // namespace portico::server::stats
