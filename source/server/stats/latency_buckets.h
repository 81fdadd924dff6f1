#pragma once

#include <cstdint>

namespace portico::server::stats {

// The upper bounds, in milliseconds, of Kong's prometheus exporter
// (kong/plugins/prometheus/exporter.lua): the gateway's own latency is short, the upstream's and
// the whole request's may run to the default 60 s timeouts.
inline constexpr uint64_t kGatewayLatencyBucketsMs[] = {1,  2,  5,   7,   10,  15,  20,  30,
                                                        50, 75, 100, 200, 500, 750, 1000};
inline constexpr uint64_t kUpstreamLatencyBucketsMs[] = {25,   50,   80,   100,   250,   400,  700,
                                                         1000, 2000, 5000, 10000, 30000, 60000};

}  // namespace portico::server::stats
