#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "portico/config/v1/route.pb.h"
#include "re2/re2.h"
#include "source/router/host.h"
#include "source/router/request_info.h"

namespace portico::router {

// One entry of a route's `headers`: the request must carry `name` with one of the values.
struct HeaderCondition {
  // Lower case, `_` written as `-` (Kong treats them alike).
  std::string name;
  // Lower-cased: Kong compares the lower-cased request value.
  std::vector<std::string> exact_values;
  // From `~*` values. Kong lower-cases the pattern too (so `\D` reads as `\d`); kept for
  // compatibility. Unanchored, like Rust's `is_match`.
  std::vector<std::unique_ptr<RE2>> regexes;
};

// Everything a route requires except its paths: methods, hosts, SNIs and headers (AND across
// fields, OR within one). Shared by the matchers a route's paths are split into.
class RouteConditions {
 public:
  // Fails on a header regex RE2 cannot compile.
  static absl::StatusOr<std::unique_ptr<const RouteConditions>> create(
      const config::v1::Route& route);

  // `lower_host`: the request's Host without port, lower-cased.
  bool matches(const RequestInfo& request, std::string_view lower_host) const;

  const std::vector<HostPattern>& hosts() const { return hosts_; }
  size_t headerCount() const { return headers_.size(); }

 private:
  RouteConditions() = default;

  bool methodMatches(std::string_view method) const;
  bool hostMatches(std::string_view lower_host, uint32_t port) const;
  bool sniMatches(const RequestInfo& request) const;
  static bool headerMatches(const HeaderCondition& condition, const http::HeaderMap& headers);

  std::vector<std::string> methods_;
  std::vector<HostPattern> hosts_;
  // Trailing dot removed: it must not take part in routing.
  std::vector<std::string> snis_;
  std::vector<HeaderCondition> headers_;
};

}  // namespace portico::router
