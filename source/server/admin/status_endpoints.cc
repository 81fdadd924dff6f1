#include "source/server/admin/status_endpoints.h"

#include "source/server/admin/responses.h"
#include "source/server/stats/prometheus_text.h"

namespace portico::server::admin {

AdminResponse readiness(const ProcessInfo& process) {
  const std::string reason =
      process.unready_reason ? process.unready_reason() : "readiness is not tracked";
  if (!reason.empty()) {
    return messageResponse(503, reason);
  }
  return messageResponse(200, "ready");
}

AdminResponse metricsPage(const ProcessInfo& process) {
  AdminResponse response;
  response.headers.add("Content-Type", stats::kPrometheusContentType);
  if (process.metrics) {
    response.body = process.metrics();
  }
  return response;
}

}  // namespace portico::server::admin
