#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace portico::network {

// `host` as a socket address with `port` when it is an IPv4 or IPv6 literal (brackets around an
// IPv6 one allowed, as in URLs), else nullopt: a name to resolve.
std::optional<sockaddr_storage> parseIpLiteral(const std::string& host, uint16_t port);

}  // namespace portico::network
