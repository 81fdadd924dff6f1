#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "portico/config/v1/bootstrap.pb.h"

namespace portico::upstream {

// Kong's dns_order entries. SRV and CNAME are accepted and skipped: A/AAAA lookups already follow
// CNAME chains, and SRV records are not resolved.
enum class DnsRecordType { kLast, kSrv, kA, kAaaa, kCname };

struct NameServer {
  std::string address;  // an IPv4 or IPv6 literal, without brackets
  uint16_t port = 53;
};

// Kong's dns_* settings (kong.conf) as one worker's resolver applies them; defaults are Kong's.
struct DnsSettings {
  std::vector<NameServer> resolvers;  // empty: the nameservers of /etc/resolv.conf
  std::vector<DnsRecordType> order = {DnsRecordType::kLast, DnsRecordType::kSrv, DnsRecordType::kA,
                                      DnsRecordType::kCname};
  std::optional<uint32_t> valid_ttl_s;  // unset: the records' own TTL
  uint32_t stale_ttl_s = 3600;
  uint32_t not_found_ttl_s = 30;
  uint32_t error_ttl_s = 1;

  // Whether a lookup asks for A and/or AAAA records: those dns_order names, or A alone when it
  // names neither.
  bool wantsIpv4() const;
  bool wantsIpv6() const;

  static DnsSettings fromProto(const config::v1::DnsSettings& proto);
};

// dns_order's spelling of a record type (case-insensitive), or nullopt.
std::optional<DnsRecordType> parseDnsRecordType(const std::string& name);

}  // namespace portico::upstream
