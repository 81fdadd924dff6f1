#pragma once

#include <cstdint>
#include <tuple>

namespace portico::router {

// The rank of one matcher (kong/router/transform.lua `get_priority`), compared field by field in
// declaration order; greater wins. Kong packs these into a 64-bit integer; a tuple keeps the same
// order without Kong's overflow of negative or large `regex_priority` values.
struct MatchPriority {
  // How many of methods, hosts, headers, snis and paths the route sets.
  uint32_t dimensions = 0;
  // The route lists hosts and none is a wildcard.
  bool plain_hosts_only = false;
  // Distinct header names (Kong caps the count at 255).
  uint32_t header_count = 0;
  bool regex_path = false;
  // The route's regex_priority; 0 unless regex_path.
  int64_t regex_priority = 0;
  // Bytes of the plain prefix; 0 for regex matchers.
  uint64_t prefix_length = 0;

  auto key() const {
    return std::tie(dimensions, plain_hosts_only, header_count, regex_path, regex_priority,
                    prefix_length);
  }
  bool operator<(const MatchPriority& other) const { return key() < other.key(); }
  bool operator==(const MatchPriority& other) const { return key() == other.key(); }
};

}  // namespace portico::router
