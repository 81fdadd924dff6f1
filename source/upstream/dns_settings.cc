#include "source/upstream/dns_settings.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace portico::upstream {
namespace {

bool names(const std::vector<DnsRecordType>& order, DnsRecordType type) {
  return std::find(order.begin(), order.end(), type) != order.end();
}

}  // namespace

bool DnsSettings::wantsIpv4() const {
  return names(order, DnsRecordType::kA) || !names(order, DnsRecordType::kAaaa);
}

bool DnsSettings::wantsIpv6() const { return names(order, DnsRecordType::kAaaa); }

DnsSettings DnsSettings::fromProto(const config::v1::DnsSettings& proto) {
  DnsSettings settings;
  for (const config::v1::DnsSettings::NameServer& server : proto.resolver()) {
    settings.resolvers.push_back({server.address(), static_cast<uint16_t>(server.port())});
  }
  if (!proto.order().empty()) {
    settings.order.clear();
    for (const std::string& name : proto.order()) {
      if (std::optional<DnsRecordType> type = parseDnsRecordType(name)) {
        settings.order.push_back(*type);
      }
    }
  }
  if (proto.has_valid_ttl_s()) {
    settings.valid_ttl_s = proto.valid_ttl_s();
  }
  if (proto.has_stale_ttl_s()) {
    settings.stale_ttl_s = proto.stale_ttl_s();
  }
  if (proto.has_not_found_ttl_s()) {
    settings.not_found_ttl_s = proto.not_found_ttl_s();
  }
  if (proto.has_error_ttl_s()) {
    settings.error_ttl_s = proto.error_ttl_s();
  }
  return settings;
}

std::optional<DnsRecordType> parseDnsRecordType(const std::string& name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  if (upper == "LAST") {
    return DnsRecordType::kLast;
  }
  if (upper == "SRV") {
    return DnsRecordType::kSrv;
  }
  if (upper == "A") {
    return DnsRecordType::kA;
  }
  if (upper == "AAAA") {
    return DnsRecordType::kAaaa;
  }
  if (upper == "CNAME") {
    return DnsRecordType::kCname;
  }
  return std::nullopt;
}

}  // namespace portico::upstream
