#include "source/upstream/upstream_runtime.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "source/common/network/ip_literal.h"

namespace portico::upstream {
namespace {

Algorithm algorithmOf(const std::string& name) {
  if (name == "least-connections") {
    return Algorithm::kLeastConnections;
  }
  // `latency` (EWMA of response times) is balanced round-robin.
  return name == "consistent-hashing" ? Algorithm::kConsistentHashing : Algorithm::kRoundRobin;
}

HashSource hashSource(const std::string& on, const std::string& header, const std::string& cookie,
                      const std::string& query_arg, const std::string& uri_capture) {
  if (on == "consumer") {
    return {HashOn::kConsumer, ""};
  }
  if (on == "ip") {
    return {HashOn::kIp, ""};
  }
  if (on == "header") {
    return {HashOn::kHeader, header};
  }
  if (on == "cookie") {
    return {HashOn::kCookie, cookie};
  }
  if (on == "path") {
    return {HashOn::kPath, ""};
  }
  if (on == "query_arg") {
    return {HashOn::kQueryArg, query_arg};
  }
  if (on == "uri_capture") {
    return {HashOn::kUriCapture, uri_capture};
  }
  return {HashOn::kNone, ""};
}

std::vector<uint32_t> statuses(const google::protobuf::RepeatedField<uint32_t>& list) {
  return std::vector<uint32_t>(list.begin(), list.end());
}

}  // namespace

HostPort splitTarget(const std::string& target) {
  HostPort result;
  std::string port_text;
  if (!target.empty() && target.front() == '[') {
    const size_t close = target.find(']');
    result.host = target.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < target.size() && target[close + 1] == ':') {
      port_text = target.substr(close + 2);
    }
  } else if (std::count(target.begin(), target.end(), ':') == 1) {
    const size_t colon = target.find(':');
    result.host = target.substr(0, colon);
    port_text = target.substr(colon + 1);
  } else {
    result.host = target;  // a name, an IPv4 address or a bare IPv6 address
  }
  uint32_t port = 0;
  if (!port_text.empty() && absl::SimpleAtoi(port_text, &port) && port <= 65535) {
    result.port = static_cast<uint16_t>(port);
  }
  return result;
}

std::string healthKey(const config::v1::Upstream& upstream, const std::string& host_port) {
  return absl::StrCat(upstream.id(), "|", host_port);
}

bool containsStatus(const std::vector<uint32_t>& statuses, int status) {
  return std::find(statuses.begin(), statuses.end(), static_cast<uint32_t>(status)) !=
         statuses.end();
}

UpstreamRuntimeConstSharedPtr compileUpstream(const config::v1::Upstream& upstream,
                                              const std::vector<const config::v1::Target*>& targets,
                                              const config::v1::Certificate* client_certificate,
                                              HealthRegistry* registry) {
  auto runtime = std::make_shared<UpstreamRuntime>();
  runtime->upstream = &upstream;
  runtime->client_certificate = client_certificate;
  runtime->algorithm = algorithmOf(upstream.algorithm());
  runtime->hash_on =
      hashSource(upstream.hash_on(), upstream.hash_on_header(), upstream.hash_on_cookie(),
                 upstream.hash_on_query_arg(), upstream.hash_on_uri_capture());
  runtime->hash_fallback = hashSource(upstream.hash_fallback(), upstream.hash_fallback_header(),
                                      upstream.hash_on_cookie(), upstream.hash_fallback_query_arg(),
                                      upstream.hash_fallback_uri_capture());
  runtime->cookie_path =
      upstream.hash_on_cookie_path().empty() ? "/" : upstream.hash_on_cookie_path();
  runtime->state_key = upstream.id();
  std::vector<HashRing::Member> members;
  for (const config::v1::Target* target : targets) {
    TargetRuntime compiled;
    compiled.target = target;
    HostPort host_port = splitTarget(target->target());
    compiled.host = std::move(host_port.host);
    compiled.port = host_port.port;
    compiled.host_port = compiled.host.find(':') != std::string::npos
                             ? absl::StrCat("[", compiled.host, "]:", compiled.port)
                             : absl::StrCat(compiled.host, ":", compiled.port);
    compiled.weight = target->weight();
    compiled.address = network::parseIpLiteral(compiled.host, compiled.port);
    compiled.health = registry != nullptr ? registry->get(healthKey(upstream, compiled.host_port))
                                          : std::make_shared<TargetHealth>();
    absl::StrAppend(&runtime->state_key, "|", compiled.host_port, "=", compiled.weight);
    members.push_back({compiled.host_port, compiled.weight});
    runtime->targets.push_back(std::move(compiled));
  }
  runtime->ring = HashRing(members, upstream.slots() == 0 ? 10000 : upstream.slots());
  const config::v1::Healthchecks& checks = upstream.healthchecks();
  const config::v1::PassiveHealthcheck& passive = checks.passive();
  runtime->passive.successes = passive.healthy().successes();
  runtime->passive.tcp_failures = passive.unhealthy().tcp_failures();
  runtime->passive.timeouts = passive.unhealthy().timeouts();
  runtime->passive.http_failures = passive.unhealthy().http_failures();
  runtime->passive.healthy_statuses = statuses(passive.healthy().http_statuses());
  runtime->passive.unhealthy_statuses = statuses(passive.unhealthy().http_statuses());
  runtime->healthchecks_enabled =
      checks.active().healthy().interval() != 0 || checks.active().unhealthy().interval() != 0 ||
      runtime->passive.tcp_failures != 0 || runtime->passive.timeouts != 0 ||
      runtime->passive.http_failures != 0;
  return runtime;
}

}  // namespace portico::upstream
