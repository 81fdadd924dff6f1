#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portico::config::declarative {

// The result of Kong's `normalize_ip` (kong/tools/ip.lua): what kind of host `address` is and its
// optional port, or the reason it is not a host ("invalid hostname: x", "invalid ipv4 address: x",
// "invalid ipv6 address: x", "invalid port number").
struct HostCheck {
  std::string error;
  std::string type;  // "ipv4", "ipv6" or "name"
  std::optional<int64_t> port;
};

HostCheck checkHost(std::string_view address);

// Field rules built on it, with the messages of kong/db/schema/typedefs.lua. Each returns the
// error message, or an empty string when the value is valid.
std::string serviceHostError(const std::string& host);   // typedefs.host
std::string routeHostError(const std::string& host);     // typedefs.hosts element (wildcards)
std::string sniError(const std::string& host);           // typedefs.sni
std::string wildcardHostError(const std::string& host);  // typedefs.wildcard_host (snis' name)

}  // namespace portico::config::declarative
