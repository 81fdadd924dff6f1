#pragma once

#include <vector>

#include "nlohmann/json.hpp"
#include "source/server/stats/process_gauges.h"

namespace portico::server::stats {

// The data planes of a GET /clustering/data-planes page ({"data": [...]}) as metric labels and
// values; fields that are null or missing read as "" or 0.
std::vector<DataPlaneGauges> dataPlaneGauges(const nlohmann::json& page);

}  // namespace portico::server::stats
