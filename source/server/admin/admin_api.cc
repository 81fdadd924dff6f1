#include "source/server/admin/admin_api.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "source/config/declarative/ids.h"
#include "source/server/admin/config_endpoint.h"
#include "source/server/admin/endpoint_list.h"
#include "source/server/admin/entity_endpoints.h"
#include "source/server/admin/entity_table.h"
#include "source/server/admin/node_info.h"
#include "source/server/admin/responses.h"
#include "source/server/admin/status_endpoints.h"
#include "source/server/admin/upstream_health.h"
#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {

std::string localHostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) {
    return "localhost";
  }
  return name;
}

namespace {

// "/services/a/routes" -> {"services", "a", "routes"}; a trailing slash is ignored. Unset when
// the path has an empty segment in the middle.
std::optional<std::vector<std::string_view>> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  if (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  if (path.empty()) {
    return segments;
  }
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view segment = path.substr(start, slash - start);
    if (segment.empty()) {
      return std::nullopt;
    }
    segments.push_back(segment);
    if (slash == std::string_view::npos) {
      return segments;
    }
    start = slash + 1;
  }
}

bool matches(const std::vector<std::string_view>& segments,
             std::initializer_list<std::string_view> fixed) {
  return std::equal(segments.begin(), segments.end(), fixed.begin(), fixed.end());
}

// Kong's api_helpers around every route: HEAD runs GET, OPTIONS answers 204 with the route's
// methods, any other method the route lacks is 405. Unset when `method` is to be served.
std::optional<AdminResponse> checkMethod(std::string_view method,
                                         std::vector<std::string_view> allowed) {
  std::sort(allowed.begin(), allowed.end());
  if (method == "OPTIONS") {
    AdminResponse response = emptyResponse(204);
    const std::string list = absl::StrJoin(allowed, ", ", [](std::string* out, std::string_view m) {
      out->append(m.data(), m.size());
    });
    response.headers.add("Allow", list);
    response.headers.add("Access-Control-Allow-Methods", list);
    response.headers.add("Access-Control-Allow-Headers", "Content-Type");
    return response;
  }
  if (std::find(allowed.begin(), allowed.end(), method) == allowed.end()) {
    return methodNotAllowed();
  }
  return std::nullopt;
}

}  // namespace

AdminApi::AdminApi(const ConfigManager& config, const ProcessInfo& process,
                   ConfigApplier apply_config, ApiSurface surface)
    : config_(config),
      process_(process),
      apply_config_(std::move(apply_config)),
      surface_(surface),
      node_id_(process.node_id.empty() ? config::declarative::randomUuid() : process.node_id),
      hostname_(process.hostname.empty() ? localHostname() : process.hostname) {}

AdminResponse AdminApi::handle(const AdminRequest& request) const {
  const auto start = std::chrono::steady_clock::now();
  AdminResponse response = route(request);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  response.headers.set("X-Portico-Admin-Latency", std::to_string(elapsed.count()));
  return response;
}

AdminResponse AdminApi::route(const AdminRequest& request) const {
  const std::optional<std::vector<std::string_view>> segments = splitPath(request.path);
  if (!segments) {
    return notFound();
  }
  std::string_view method = request.method;
  if (method == "HEAD") {
    method = "GET";
  }
  const std::vector<std::string_view> read_only = {"GET", "HEAD", "OPTIONS"};
  const QueryArgs query = http::parseUriArgs(request.query);

  const bool ready = matches(*segments, {"status", "ready"});
  if (ready || matches(*segments, {"metrics"})) {
    if (auto refused = checkMethod(request.method, read_only)) {
      return std::move(*refused);
    }
    return ready ? readiness(process_) : metricsPage(process_);
  }
  if (surface_ == ApiSurface::kStatus && !matches(*segments, {"status"})) {
    return notFound();
  }
  if (segments->empty() || matches(*segments, {"status"}) ||
      matches(*segments, {"plugins", "enabled"}) || matches(*segments, {"endpoints"})) {
    if (auto refused = checkMethod(request.method, read_only)) {
      return std::move(*refused);
    }
    if (segments->empty()) {
      return nodeInfo(process_, node_id_, hostname_, config_);
    }
    if (matches(*segments, {"status"})) {
      return nodeStatus(process_, config_);
    }
    if (matches(*segments, {"endpoints"})) {
      return endpointList();
    }
    return enabledPlugins();
  }
  if (matches(*segments, {"clustering", "data-planes"})) {
    if (auto refused = checkMethod(request.method, read_only)) {
      return std::move(*refused);
    }
    return dataPlanes(process_);
  }
  if (matches(*segments, {"config"})) {
    if (auto refused = checkMethod(request.method, {"GET", "HEAD", "OPTIONS", "POST"})) {
      return std::move(*refused);
    }
    return method == "GET" ? getConfig(config_)
                           : postConfig(request, query, config_, apply_config_);
  }
  if (segments->size() == 3 && (*segments)[0] == "upstreams" && (*segments)[2] == "health") {
    if (auto refused = checkMethod(request.method, read_only)) {
      return std::move(*refused);
    }
    return upstreamHealth(*config_.current(), urlDecode((*segments)[1], false), query, node_id_);
  }
  const std::optional<EntityRoute> entity_route = matchEntityRoute(*segments);
  if (!entity_route) {
    return notFound();
  }
  if (auto refused = checkMethod(request.method, allowedMethods(entity_route->shape))) {
    return std::move(*refused);
  }
  const EntityTable table(config_.config());
  return handleEntityRoute(*entity_route, method, query, table);
}

}  // namespace portico::server::admin
