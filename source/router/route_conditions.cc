#include "source/router/route_conditions.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "source/common/http/header_map.h"

namespace portico::router {
namespace {

constexpr std::string_view kRegexValueMarker = "~*";

absl::StatusOr<HeaderCondition> compileHeader(const std::string& name,
                                              const config::v1::StringList& values) {
  HeaderCondition condition;
  condition.name = toLowerAscii(name);
  std::replace(condition.name.begin(), condition.name.end(), '_', '-');
  for (const std::string& value : values.values()) {
    std::string lower = toLowerAscii(value);
    if (lower.compare(0, kRegexValueMarker.size(), kRegexValueMarker) != 0) {
      condition.exact_values.push_back(std::move(lower));
      continue;
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto regex = std::make_unique<RE2>(lower.substr(kRegexValueMarker.size()), options);
    if (!regex->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid regex in header '", name, "': '", value, "': ", regex->error()));
    }
    condition.regexes.push_back(std::move(regex));
  }
  return condition;
}

}  // namespace

absl::StatusOr<std::unique_ptr<const RouteConditions>> RouteConditions::create(
    const config::v1::Route& route) {
  std::unique_ptr<RouteConditions> conditions(new RouteConditions());
  conditions->methods_.assign(route.methods().values().begin(), route.methods().values().end());
  for (const std::string& host : route.hosts().values()) {
    conditions->hosts_.emplace_back(host);
  }
  for (const std::string& sni : route.snis().values()) {
    std::string_view name = sni;
    if (name.size() > 1 && name.back() == '.') {
      name.remove_suffix(1);
    }
    conditions->snis_.push_back(toLowerAscii(name));
  }
  // Sorted by name so that the evaluation order does not depend on the proto map's.
  std::vector<const std::string*> names;
  for (const auto& [name, values] : route.headers().values()) {
    if (values.values_size() > 0) {
      names.push_back(&name);
    }
  }
  std::sort(names.begin(), names.end(), [](auto* a, auto* b) { return *a < *b; });
  for (const std::string* name : names) {
    absl::StatusOr<HeaderCondition> condition =
        compileHeader(*name, route.headers().values().at(*name));
    if (!condition.ok()) {
      return condition.status();
    }
    conditions->headers_.push_back(std::move(*condition));
  }
  return std::unique_ptr<const RouteConditions>(std::move(conditions));
}

bool RouteConditions::matches(const RequestInfo& request, std::string_view lower_host) const {
  if (!methodMatches(request.method) || !sniMatches(request) ||
      !hostMatches(lower_host, request.listener_port)) {
    return false;
  }
  return std::all_of(headers_.begin(), headers_.end(), [&](const HeaderCondition& condition) {
    return headerMatches(condition, request.headers);
  });
}

bool RouteConditions::methodMatches(std::string_view method) const {
  return methods_.empty() || std::find(methods_.begin(), methods_.end(), method) != methods_.end();
}

bool RouteConditions::hostMatches(std::string_view lower_host, uint32_t port) const {
  return hosts_.empty() || std::any_of(hosts_.begin(), hosts_.end(), [&](const HostPattern& h) {
           return h.matches(lower_host, port);
         });
}

// Kong only applies `snis` to https requests: over plain http the condition holds.
bool RouteConditions::sniMatches(const RequestInfo& request) const {
  if (snis_.empty() || request.scheme != "https") {
    return true;
  }
  return std::any_of(snis_.begin(), snis_.end(), [&](const std::string& sni) {
    return http::equalsIgnoreCase(sni, request.sni);
  });
}

// Any line of the header may satisfy any listed value.
bool RouteConditions::headerMatches(const HeaderCondition& condition,
                                    const http::HeaderMap& headers) {
  for (const auto& [name, value] : headers.entries()) {
    if (!http::equalsIgnoreCase(name, condition.name)) {
      continue;
    }
    for (const std::string& expected : condition.exact_values) {
      if (http::equalsIgnoreCase(value, expected)) {
        return true;
      }
    }
    if (!condition.regexes.empty()) {
      const std::string lower = toLowerAscii(value);
      for (const auto& regex : condition.regexes) {
        if (RE2::PartialMatch(lower, *regex)) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace portico::router
