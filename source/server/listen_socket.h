#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace portico::server {

inline constexpr int kListenBacklog = 16384;

// A bound, listening TCP socket. With `reuse_port` every worker gets a socket of its own on the
// same address (SO_REUSEPORT), and the kernel spreads new connections across them. Debian's
// libuv 1.44 has no UV_TCP_REUSEPORT, so the socket is made here and handed to uv_tcp_open.
absl::StatusOr<int> openListenSocket(const std::string& address, uint16_t port, bool reuse_port);

}  // namespace portico::server
