#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/router/path_matcher.h"
#include "source/router/priority.h"
#include "source/router/request_info.h"
#include "source/router/route_conditions.h"

namespace portico::router {

// The outcome of routing one request.
struct RouteMatch {
  // Point into the router's config; valid as long as the Router lives.
  const config::v1::Route* route = nullptr;
  // nullptr for a serviceless route (a plugin must answer, else 503).
  const config::v1::Service* service = nullptr;
  // The normalised request path (matching and the upstream path use it).
  std::string normalized_path;
  // What the route's path matcher consumed (route prefix, or the text a regex matched); empty
  // when the route matched without paths.
  std::string matched_path;
  // The X-Forwarded-Prefix to send: what strip_path removed, when other than "/"; empty: none.
  std::string forwarded_prefix;
  // The upstream request path, escaped for the wire, without the query string (append the raw
  // `?query` unchanged, §2.5).
  std::string upstream_path;
  // Regex routes only.
  RegexCaptures captures;
};

// The compiled route table of one config snapshot: built once on the main thread, then read by
// every worker concurrently (match() is const and touches no shared mutable state).
//
// Routes become matchers sorted by Kong's priority (priority.h): a route's plain paths are split
// into one matcher per distinct length, its regex paths into one more, so each path competes with
// its own rank. Ties go to the greater route id (the ATC router's order). match() walks the sorted
// matchers, first hit wins; matchers whose hosts are all exact are indexed by host, so a request
// only visits the matchers that can accept its host (plus the host-less and wildcard ones, merged
// in priority order).
//
// Left out of the table: routes of disabled services, stream routes (tcp/tls/udp), and routes
// that set `sources`/`destinations` (not evaluated yet; excluding them fails closed).
class Router {
 public:
  // Holds `config` so the Route/Service pointers it hands out stay valid. Fails on a regex RE2
  // cannot compile or a route naming a service that is not in the config.
  static absl::StatusOr<std::unique_ptr<const Router>> create(
      std::shared_ptr<const config::v1::DeclarativeConfig> config);

  std::optional<RouteMatch> match(const RequestInfo& request) const;

  size_t matcherCount() const { return matchers_.size(); }

 private:
  struct Matcher {
    const config::v1::Route* route;
    const config::v1::Service* service;
    const RouteConditions* conditions;
    PathMatcher paths;
    MatchPriority priority;
  };

  Router() = default;

  absl::Status addRoute(const config::v1::Route& route, const config::v1::Service* service);
  void buildHostIndex();
  // `path_match` may view into `normalized_path`, which is moved into the result only at the end.
  static RouteMatch buildMatch(const Matcher& matcher, const PathMatch& path_match,
                               std::string&& normalized_path);

  std::shared_ptr<const config::v1::DeclarativeConfig> config_;
  std::vector<std::unique_ptr<const RouteConditions>> conditions_;
  // Highest priority first.
  std::vector<Matcher> matchers_;
  // Indices into matchers_, ascending: matchers that accept any host, or a wildcard one.
  std::vector<uint32_t> any_host_;
  // Lower-cased exact host -> indices into matchers_, ascending.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_exact_host_;
};

using RouterConstPtr = std::unique_ptr<const Router>;

}  // namespace portico::router
