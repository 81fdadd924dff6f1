#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "source/server/stats/histogram.h"

namespace portico::server::stats {

class CounterFamily;

struct RequestLabels {
  std::string service;
  std::string route;
  int code = 0;
  std::string source;  // "service" or "kong", as Kong labels it
  std::string consumer;

  bool operator<(const RequestLabels& other) const {
    return std::tie(service, route, code, source, consumer) <
           std::tie(other.service, other.route, other.code, other.source, other.consumer);
  }
};

struct RouteLabels {
  std::string service;
  std::string route;

  bool operator<(const RouteLabels& other) const {
    return std::tie(service, route) < std::tie(other.service, other.route);
  }
};

struct BandwidthLabels {
  std::string service;
  std::string route;
  std::string direction;  // "ingress" or "egress"
  std::string consumer;

  bool operator<(const BandwidthLabels& other) const {
    return std::tie(service, route, direction, consumer) <
           std::tie(other.service, other.route, other.direction, other.consumer);
  }
};

// Every worker's stats summed, built on the main thread for one scrape. Ordered maps, so the page
// lists series in a stable order.
struct Aggregate {
  std::map<RequestLabels, uint64_t> requests;
  std::map<RouteLabels, HistogramData> request_latency;
  std::map<RouteLabels, HistogramData> upstream_latency;
  std::map<RouteLabels, HistogramData> gateway_latency;
  std::map<BandwidthLabels, uint64_t> bandwidth;
  // CounterFamily series: the family, then its label values.
  std::map<const CounterFamily*, std::map<std::vector<std::string>, uint64_t>> families;
};

}  // namespace portico::server::stats
