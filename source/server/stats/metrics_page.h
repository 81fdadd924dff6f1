#pragma once

#include <string>
#include <string_view>

#include "source/server/stats/aggregate.h"
#include "source/server/stats/process_gauges.h"

namespace portico::server::stats {

// The GET /metrics body: Kong's prometheus exporter metrics under the `portico_` prefix, then
// Portico's own (config, control plane) and the CounterFamily ones. Labels carry entity names,
// status codes and hashes only, never a credential.
std::string renderMetricsPage(const Aggregate& aggregate, const ProcessGauges& process);

// Kong's numeric form of a config hash (the hex digits read as one number, as a double).
double configHashNumber(std::string_view hex);

}  // namespace portico::server::stats
