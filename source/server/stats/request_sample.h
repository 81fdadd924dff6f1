#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace portico::server::stats {

// Who produced the response: the upstream service, or the gateway itself (router misses, plugin
// replies, proxy errors). Kong's `source` label.
enum class ResponseSource { kService, kGateway };

// What one finished request adds to its worker's stats. The views need only outlive the call to
// WorkerStats::record.
struct RequestSample {
  std::string_view service;  // Kong's label: the service's name, else its host; "" without one
  std::string_view route;    // the route's name, else its id; "" when no route matched
  // Kong's `consumer` label: the username under a prometheus plugin with per_consumer, else "".
  std::string_view consumer;
  int status = 0;
  ResponseSource source = ResponseSource::kGateway;
  uint64_t request_latency_ms = 0;
  // From sending the request upstream to the upstream's response head; unset when no upstream
  // answered.
  std::optional<uint64_t> upstream_latency_ms;
  uint64_t gateway_latency_ms = 0;  // the time the gateway itself spent (Kong's "kong" latency)
  uint64_t ingress_bytes = 0;       // request head and body
  uint64_t egress_bytes = 0;        // response head and body, as written
};

}  // namespace portico::server::stats
