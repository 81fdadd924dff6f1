#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "source/common/http/header_map.h"
#include "source/common/http/message_head.h"

namespace portico::http {

// Headers that describe one hop and are never forwarded (RFC 9110 §7.6.1, plus the
// Proxy-Connection that old clients send).
bool isHopByHopHeader(std::string_view name);

// The header names a Connection header's value lists: hop-by-hop for its message too. Split
// once, so that each of the message's header lines is checked without re-parsing the value; the
// names are views into `connection`, which must outlive this.
class ConnectionListedNames {
 public:
  explicit ConnectionListedNames(std::string_view connection);
  // Case-insensitive.
  bool contains(std::string_view name) const;

 private:
  absl::InlinedVector<std::string_view, 4> names_;
};

// Whether `request` opens a WebSocket that is tunnelled to the upstream once it answers 101: an
// HTTP/1.1 GET without a body whose Connection lists "upgrade" (the parser's `upgrade`) and whose
// Upgrade is exactly "websocket", the one protocol Kong passes on (its $upstream_upgrade). Any
// other upgrade (h2c, TLS/1.2, …) is sent as an ordinary request, its Upgrade dropped.
bool isWebSocketUpgrade(const MessageHead& request);

}  // namespace portico::http
