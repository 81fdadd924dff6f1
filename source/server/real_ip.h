#pragma once

#include <string>

#include "source/common/http/header_map.h"
#include "source/server/proxy_settings.h"

namespace portico::server {

// nginx's realip as Kong configures it: when the peer is in trusted_ips, the client address comes
// from real_ip_header (for X-Forwarded-For: the last entry, or with real_ip_recursive the last one
// that is not itself trusted). Otherwise it is the peer's address.
std::string realClientAddress(const std::string& peer_address, const http::HeaderMap& headers,
                              const ProxySettings& settings);

}  // namespace portico::server
