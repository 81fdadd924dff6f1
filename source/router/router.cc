#include "source/router/router.h"

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "source/router/host.h"
#include "source/router/upstream_path.h"
#include "source/router/uri_path.h"

namespace portico::router {
namespace {

constexpr uint32_t kMaxHeaderCount = 255;

bool isStreamRoute(const config::v1::Route& route) {
  if (route.protocols().empty()) {
    return false;
  }
  // Kong classifies a route by its first protocol (protocol sets cannot be mixed).
  const std::string& first = route.protocols(0);
  return first == "tcp" || first == "tls" || first == "udp" || first == "tls_passthrough";
}

bool isRegexPath(const std::string& path) { return !path.empty() && path.front() == '~'; }

MatchPriority routePriority(const config::v1::Route& route, const RouteConditions& conditions) {
  MatchPriority priority;
  priority.dimensions = (route.methods().values_size() > 0) + (route.hosts().values_size() > 0) +
                        (conditions.headerCount() > 0) + (route.snis().values_size() > 0) +
                        (route.paths().values_size() > 0);
  // Kong sets the bit for any route whose `hosts` is a list, even an empty one.
  priority.plain_hosts_only =
      route.has_hosts() && std::none_of(conditions.hosts().begin(), conditions.hosts().end(),
                                        [](const HostPattern& h) { return h.isWildcard(); });
  priority.header_count = std::min<uint32_t>(conditions.headerCount(), kMaxHeaderCount);
  return priority;
}

}  // namespace

absl::StatusOr<std::unique_ptr<const Router>> Router::create(
    std::shared_ptr<const config::v1::DeclarativeConfig> config) {
  std::unique_ptr<Router> router(new Router());
  router->config_ = std::move(config);

  std::map<std::string_view, const config::v1::Service*> services;
  for (const config::v1::Service& service : router->config_->services()) {
    services.emplace(service.id(), &service);
  }
  for (const config::v1::Route& route : router->config_->routes()) {
    const config::v1::Service* service = nullptr;
    if (route.has_service_id()) {
      const auto it = services.find(route.service_id());
      if (it == services.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "route '", route.id(), "' references unknown service '", route.service_id(), "'"));
      }
      service = it->second;
    }
    if ((service != nullptr && !service->enabled()) || isStreamRoute(route) ||
        route.sources().values_size() > 0 || route.destinations().values_size() > 0) {
      continue;
    }
    if (absl::Status status = router->addRoute(route, service); !status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("route '", route.id(), "': ", status.message()));
    }
  }

  std::stable_sort(router->matchers_.begin(), router->matchers_.end(),
                   [](const Matcher& a, const Matcher& b) {
                     if (!(a.priority == b.priority)) {
                       return b.priority < a.priority;
                     }
                     return a.route->id() > b.route->id();
                   });
  router->buildHostIndex();
  return std::unique_ptr<const Router>(std::move(router));
}

absl::Status Router::addRoute(const config::v1::Route& route, const config::v1::Service* service) {
  absl::StatusOr<std::unique_ptr<const RouteConditions>> conditions =
      RouteConditions::create(route);
  if (!conditions.ok()) {
    return conditions.status();
  }
  const RouteConditions* shared = conditions->get();
  conditions_.push_back(std::move(*conditions));
  const MatchPriority base = routePriority(route, *shared);

  std::map<size_t, std::vector<std::string>> prefixes_by_length;
  std::vector<std::string> regexes;
  for (const std::string& path : route.paths().values()) {
    if (isRegexPath(path)) {
      regexes.push_back(path);
    } else {
      prefixes_by_length[path.size()].push_back(path);
    }
  }

  if (prefixes_by_length.empty() && regexes.empty()) {
    matchers_.push_back(Matcher{&route, service, shared, PathMatcher::anyPath(), base});
    return absl::OkStatus();
  }
  if (!regexes.empty()) {
    absl::StatusOr<PathMatcher> paths = PathMatcher::regexes(regexes);
    if (!paths.ok()) {
      return paths.status();
    }
    MatchPriority priority = base;
    priority.regex_path = true;
    priority.regex_priority = route.regex_priority();
    matchers_.push_back(Matcher{&route, service, shared, std::move(*paths), priority});
  }
  for (auto& [length, prefixes] : prefixes_by_length) {
    MatchPriority priority = base;
    priority.prefix_length = length;
    matchers_.push_back(
        Matcher{&route, service, shared, PathMatcher::prefixes(std::move(prefixes)), priority});
  }
  return absl::OkStatus();
}

void Router::buildHostIndex() {
  for (uint32_t i = 0; i < matchers_.size(); ++i) {
    const std::vector<HostPattern>& hosts = matchers_[i].conditions->hosts();
    const bool exact_only =
        !hosts.empty() && std::none_of(hosts.begin(), hosts.end(),
                                       [](const HostPattern& h) { return h.isWildcard(); });
    if (!exact_only) {
      any_host_.push_back(i);
      continue;
    }
    for (const HostPattern& host : hosts) {
      std::vector<uint32_t>& bucket = by_exact_host_[host.exactHost()];
      if (bucket.empty() || bucket.back() != i) {
        bucket.push_back(i);
      }
    }
  }
}

std::optional<RouteMatch> Router::match(const RequestInfo& request) const {
  std::string path = normalizePath(request.path);
  const std::string host = toLowerAscii(splitHostPort(request.host).host);

  static const std::vector<uint32_t> kNone;
  const auto bucket_it = by_exact_host_.find(host);
  const std::vector<uint32_t>& exact =
      bucket_it == by_exact_host_.end() ? kNone : bucket_it->second;

  // Merge the two ascending index lists so matchers are still visited in priority order.
  size_t a = 0;
  size_t b = 0;
  while (a < any_host_.size() || b < exact.size()) {
    uint32_t index;
    if (b == exact.size() || (a < any_host_.size() && any_host_[a] < exact[b])) {
      index = any_host_[a++];
    } else {
      index = exact[b++];
    }
    const Matcher& matcher = matchers_[index];
    if (!matcher.conditions->matches(request, host)) {
      continue;
    }
    const std::optional<PathMatch> path_match = matcher.paths.match(path);
    if (path_match) {
      return buildMatch(matcher, *path_match, std::move(path));
    }
  }
  return std::nullopt;
}

RouteMatch Router::buildMatch(const Matcher& matcher, const PathMatch& path_match,
                              std::string&& normalized_path) {
  RouteMatch result;
  result.route = matcher.route;
  result.service = matcher.service;
  if (path_match.matched) {
    result.matched_path = std::string(*path_match.matched);
  }
  if (path_match.regex != nullptr) {
    result.captures = PathMatcher::captures(*path_match.regex, normalized_path);
  }
  const bool strip = matcher.route->strip_path();
  if (strip && path_match.matched && std::string_view(result.matched_path) != "/") {
    result.forwarded_prefix = result.matched_path;
  }
  std::string_view service_path = "/";
  if (matcher.service != nullptr && matcher.service->has_path()) {
    service_path = matcher.service->path();
  }
  const std::optional<std::string_view> matched =
      path_match.matched ? std::optional<std::string_view>(result.matched_path) : std::nullopt;
  result.upstream_path =
      escapeUpstreamPath(buildUpstreamPath(service_path, strip, matched, normalized_path));
  result.normalized_path = std::move(normalized_path);
  return result;
}

}  // namespace portico::router
