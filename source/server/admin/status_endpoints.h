#pragma once

#include "source/server/admin/admin_api.h"

namespace portico::server::admin {

// GET /status/ready: 200 {"message":"ready"}, or 503 {"message": <why not>} (Kong 3.3+).
AdminResponse readiness(const ProcessInfo& process);

// GET /metrics: the Prometheus text exposition page.
AdminResponse metricsPage(const ProcessInfo& process);

}  // namespace portico::server::admin
