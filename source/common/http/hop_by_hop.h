#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source/common/http/header_map.h"
#include "source/common/http/message_head.h"

namespace portico::http {

// Headers that describe one hop and are never forwarded (RFC 9110 §7.6.1, plus the
// Proxy-Connection that old clients send).
bool isHopByHopHeader(std::string_view name);

// The header names a message's Connection header lists: hop-by-hop for this message too.
std::vector<std::string> connectionListedHeaders(const HeaderMap& headers);

// Whether `connection`, a Connection header's value, lists `name` (case-insensitive): the same
// test as looking `name` up in connectionListedHeaders, without building the list.
bool connectionListsHeader(std::string_view connection, std::string_view name);

// Whether `request` opens a WebSocket that is tunnelled to the upstream once it answers 101: an
// HTTP/1.1 GET without a body whose Connection lists "upgrade" (the parser's `upgrade`) and whose
// Upgrade is exactly "websocket", the one protocol Kong passes on (its $upstream_upgrade). Any
// other upgrade (h2c, TLS/1.2, …) is sent as an ordinary request, its Upgrade dropped.
bool isWebSocketUpgrade(const MessageHead& request);

}  // namespace portico::http
