#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "source/upstream/dns_settings.h"

namespace portico::upstream {

// The records of one address family in an answer, with the smallest TTL among them (and the
// CNAMEs that led to them).
struct DnsRecords {
  std::vector<sockaddr_storage> addresses;
  uint32_t ttl_s = 0;
};

// What one query for a name came back with, before the cache policy applies.
struct DnsQueryResult {
  enum class Status { kOk, kNameError, kFailure };
  Status status = Status::kFailure;
  DnsRecords ipv4;
  DnsRecords ipv6;
  bool from_hosts_file = false;  // hosts-file answers carry no TTL
  std::string error;
};

// What the cache serves for a name: addresses of one family, taken in turn, or why there are none.
struct DnsAnswer {
  DnsQueryResult::Status status = DnsQueryResult::Status::kFailure;
  std::vector<sockaddr_storage> addresses;
  std::string error;
  size_t next = 0;

  // Round-robin over the addresses; only for kOk answers.
  const sockaddr_storage& pick() { return addresses[next++ % addresses.size()]; }
};

// Kong's resolver cache policy, with the clock passed in (milliseconds) so it runs without a
// network or a loop:
// - a positive answer lives for its records' smallest TTL (dns_valid_ttl instead, when set;
//   hosts-file answers for kHostsFileTtlS), then is served stale for dns_stale_ttl more while ONE
//   background query refreshes it; a refresh that fails keeps the stale answer and is retried
//   after dns_error_ttl;
// - name errors and empty answers live for dns_not_found_ttl, other failures for dns_error_ttl;
// - lookups of a name share its query: only the first miss starts one;
// - of the families in an answer, the first in dns_order wins; LAST stands for the family the name
//   last resolved to.
class DnsCache {
 public:
  // Kong caches hosts-file entries for ten years: the file is read once.
  static constexpr uint32_t kHostsFileTtlS = 10u * 365 * 24 * 3600;

  struct Lookup {
    DnsAnswer* answer = nullptr;  // serve this now; null: wait for the name's query
    bool query = false;           // the caller must start a query and report it to store()
  };

  explicit DnsCache(DnsSettings settings) : settings_(std::move(settings)) {}

  Lookup lookup(const std::string& name, uint64_t now_ms);
  // Records the outcome of the query lookup() asked for; returns what the name's waiters get.
  DnsAnswer& store(const std::string& name, DnsQueryResult result, uint64_t now_ms);

 private:
  struct Entry {
    std::optional<DnsAnswer> answer;
    uint64_t expires_ms = 0;      // fresh until then
    uint64_t stale_until_ms = 0;  // a positive answer may be served until then, while refreshing
    uint64_t retry_after_ms = 0;  // no refresh before then (the last one failed)
    bool querying = false;
    std::optional<int> last_family;  // AF_INET / AF_INET6: dns_order's LAST
  };

  // The family dns_order picks among those the result has records of; nullopt: none.
  std::optional<int> chooseFamily(const Entry& entry, const DnsQueryResult& result) const;
  uint64_t positiveTtlMs(const DnsQueryResult& result, const DnsRecords& records) const;

  DnsSettings settings_;
  // Node-based: lookup() hands out pointers into entries that later stores must not move.
  absl::node_hash_map<std::string, Entry> entries_;
};

}  // namespace portico::upstream
