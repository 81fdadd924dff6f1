#pragma once

#include <cstdint>
#include <string_view>

namespace portico::filters::http::rate_limiting {

inline constexpr uint16_t kClusterSlots = 16384;

// The Redis Cluster slot of `key` (CLUSTER KEYSLOT): CRC16/XMODEM of the key's hash tag (the text
// between its first `{` and the next `}`, when not empty) or of the whole key, modulo 16384.
uint16_t clusterSlot(std::string_view key);

}  // namespace portico::filters::http::rate_limiting
