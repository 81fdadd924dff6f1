#include "source/upstream/resolver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "source/common/network/ip_literal.h"

namespace portico::upstream {
namespace {

Resolver::Result okResult(sockaddr_storage address, uint16_t port) {
  Resolver::Result result;
  result.outcome = Resolver::Outcome::kOk;
  result.address = address;
  // sin_port and sin6_port sit at the same offset.
  reinterpret_cast<sockaddr_in*>(&result.address)->sin_port = htons(port);
  return result;
}

Resolver::Result resultFor(DnsAnswer& answer, uint16_t port) {
  switch (answer.status) {
    case DnsQueryResult::Status::kOk:
      return okResult(answer.pick(), port);
    case DnsQueryResult::Status::kNameError:
      return {Resolver::Outcome::kNameError, {}, answer.error};
    case DnsQueryResult::Status::kFailure:
      break;
  }
  return {Resolver::Outcome::kFailure, {}, answer.error};
}

uint32_t smallerTtl(uint32_t current, bool first, int ttl) {
  const uint32_t value = static_cast<uint32_t>(std::max(ttl, 0));
  return first ? value : std::min(current, value);
}

DnsQueryResult toQueryResult(int status, const ares_addrinfo* info, bool from_hosts_file) {
  DnsQueryResult result;
  result.from_hosts_file = from_hosts_file;
  if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
    result.status = DnsQueryResult::Status::kNameError;
    return result;
  }
  if (status != ARES_SUCCESS) {
    result.error = ares_strerror(status);
    return result;
  }
  result.status = DnsQueryResult::Status::kOk;
  for (const ares_addrinfo_node* node = info->nodes; node != nullptr; node = node->ai_next) {
    if (node->ai_family != AF_INET && node->ai_family != AF_INET6) {
      continue;
    }
    DnsRecords& records = node->ai_family == AF_INET ? result.ipv4 : result.ipv6;
    records.ttl_s = smallerTtl(records.ttl_s, records.addresses.empty(), node->ai_ttl);
    sockaddr_storage address{};
    std::memcpy(&address, node->ai_addr, std::min<size_t>(node->ai_addrlen, sizeof(address)));
    records.addresses.push_back(address);
  }
  // A CNAME's TTL bounds how long the records it led to may be used.
  for (const ares_addrinfo_cname* cname = info->cnames; cname != nullptr; cname = cname->next) {
    for (DnsRecords* records : {&result.ipv4, &result.ipv6}) {
      records->ttl_s = smallerTtl(records->ttl_s, false, cname->ttl);
    }
  }
  return result;
}

// RFC 6761 §6.3.3: "localhost" is the loopback whatever the hosts file says. (Kong defines it only
// when the hosts file does not; c-ares 1.18 would too, but leaks on that path, so it is not asked.)
DnsQueryResult localhost() {
  DnsQueryResult result;
  result.status = DnsQueryResult::Status::kOk;
  result.from_hosts_file = true;
  sockaddr_storage v4{};
  reinterpret_cast<sockaddr_in*>(&v4)->sin_family = AF_INET;
  reinterpret_cast<sockaddr_in*>(&v4)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  result.ipv4.addresses.push_back(v4);
  sockaddr_storage v6{};
  reinterpret_cast<sockaddr_in6*>(&v6)->sin6_family = AF_INET6;
  reinterpret_cast<sockaddr_in6*>(&v6)->sin6_addr = in6addr_loopback;
  result.ipv6.addresses.push_back(v6);
  return result;
}

}  // namespace

Resolver::Resolver(uv_loop_t* loop, DnsSettings settings)
    : loop_(loop),
      family_(settings.wantsIpv4() && settings.wantsIpv6() ? AF_UNSPEC
              : settings.wantsIpv6()                       ? AF_INET6
                                                           : AF_INET),
      cache_(settings),
      hosts_file_(loop, "f", {}),
      dns_(loop, "b", settings.resolvers) {}

Resolver::~Resolver() = default;

void Resolver::resolve(const std::string& host, uint16_t port, Callback callback) {
  if (std::optional<sockaddr_storage> literal = network::parseIpLiteral(host, port)) {
    callback(okResult(*literal, port));
    return;
  }
  const std::string name = absl::AsciiStrToLower(host);
  DnsCache::Lookup lookup = cache_.lookup(name, uv_now(loop_));
  std::optional<Result> result;
  if (lookup.answer != nullptr) {
    result = resultFor(*lookup.answer, port);
  } else {
    waiters_[name].push_back({port, std::move(callback)});
  }
  if (lookup.query) {
    query(name);
  }
  if (result) {
    callback(*result);
  }
}

void Resolver::query(const std::string& name) {
  if (name == "localhost") {
    finish(name, localhost());
    return;
  }
  hosts_file_.getAddrInfo(name, family_, ARES_AI_ENVHOSTS | ARES_AI_NOSORT,
                          [this, name](int status, const ares_addrinfo* info) {
                            onHostsFileAnswer(name, status, info);
                          });
}

void Resolver::onHostsFileAnswer(const std::string& name, int status, const ares_addrinfo* info) {
  if (status == ARES_EDESTRUCTION) {
    return;
  }
  if (status == ARES_SUCCESS) {
    finish(name, toQueryResult(status, info, true));
    return;
  }
  dns_.getAddrInfo(name, family_, ARES_AI_NOSORT,
                   [this, name](int dns_status, const ares_addrinfo* answer) {
                     if (dns_status != ARES_EDESTRUCTION) {
                       finish(name, toQueryResult(dns_status, answer, false));
                     }
                   });
}

void Resolver::finish(const std::string& name, DnsQueryResult result) {
  DnsAnswer& answer = cache_.store(name, std::move(result), uv_now(loop_));
  auto it = waiters_.find(name);
  if (it == waiters_.end()) {
    return;
  }
  std::vector<Waiter> waiters = std::move(it->second);
  waiters_.erase(it);
  // Results first: a callback may resolve again and change the cache.
  std::vector<Result> results;
  results.reserve(waiters.size());
  for (const Waiter& waiter : waiters) {
    results.push_back(resultFor(answer, waiter.port));
  }
  for (size_t i = 0; i < waiters.size(); ++i) {
    waiters[i].callback(results[i]);
  }
}

void setProcessHostsFile(const std::string& path) { setenv("CARES_HOSTS", path.c_str(), 1); }

}  // namespace portico::upstream
