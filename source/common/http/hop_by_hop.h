#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source/common/http/header_map.h"

namespace portico::http {

// Headers that describe one hop and are never forwarded (RFC 9110 §7.6.1, plus the
// Proxy-Connection that old clients send).
bool isHopByHopHeader(std::string_view name);

// The header names a message's Connection header lists: hop-by-hop for this message too.
std::vector<std::string> connectionListedHeaders(const HeaderMap& headers);

}  // namespace portico::http
