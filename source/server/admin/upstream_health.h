#pragma once

#include <string>
#include <string_view>

#include "source/server/admin/admin_api.h"
#include "source/server/admin/url_encoding.h"
#include "source/server/snapshot.h"

namespace portico::server::admin {

// GET /upstreams/{id|name}/health (kong/api/routes/upstreams.lua): every target with its health
// (HEALTHY, UNHEALTHY, or HEALTHCHECKS_OFF when the upstream checks nothing), and the node id.
// With ?balancer_health=1, the upstream's own health instead.
AdminResponse upstreamHealth(const Snapshot& snapshot, std::string_view reference,
                             const QueryArgs& args, const std::string& node_id);

}  // namespace portico::server::admin
