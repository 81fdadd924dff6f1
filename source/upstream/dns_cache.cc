#include "source/upstream/dns_cache.h"

#include <algorithm>

namespace portico::upstream {
namespace {

constexpr uint64_t kMsPerS = 1000;

}  // namespace

DnsCache::Lookup DnsCache::lookup(const std::string& name, uint64_t now_ms) {
  Entry& entry = entries_[name];
  if (entry.answer && now_ms < entry.expires_ms) {
    return {&*entry.answer, false};
  }
  if (entry.answer && entry.answer->status == DnsQueryResult::Status::kOk &&
      now_ms < entry.stale_until_ms) {
    const bool refresh = !entry.querying && now_ms >= entry.retry_after_ms;
    entry.querying = entry.querying || refresh;
    return {&*entry.answer, refresh};
  }
  if (entry.querying) {
    return {nullptr, false};
  }
  entry.querying = true;
  return {nullptr, true};
}

DnsAnswer& DnsCache::store(const std::string& name, DnsQueryResult result, uint64_t now_ms) {
  Entry& entry = entries_[name];
  entry.querying = false;
  const std::optional<int> family =
      result.status == DnsQueryResult::Status::kOk ? chooseFamily(entry, result) : std::nullopt;
  if (family) {
    DnsRecords& records = *family == AF_INET ? result.ipv4 : result.ipv6;
    const size_t next = entry.answer ? entry.answer->next : 0;
    entry.answer = DnsAnswer{DnsQueryResult::Status::kOk, std::move(records.addresses), "", next};
    entry.expires_ms = now_ms + positiveTtlMs(result, records);
    entry.stale_until_ms = entry.expires_ms + settings_.stale_ttl_s * kMsPerS;
    entry.retry_after_ms = 0;
    entry.last_family = family;
    return *entry.answer;
  }
  if (result.status == DnsQueryResult::Status::kFailure && entry.answer &&
      entry.answer->status == DnsQueryResult::Status::kOk && now_ms < entry.stale_until_ms) {
    // The server is unwell, not the name gone: keep serving what it said last.
    entry.retry_after_ms = now_ms + settings_.error_ttl_s * kMsPerS;
    return *entry.answer;
  }
  if (result.status == DnsQueryResult::Status::kFailure) {
    entry.answer = DnsAnswer{DnsQueryResult::Status::kFailure, {}, std::move(result.error), 0};
    entry.expires_ms = now_ms + settings_.error_ttl_s * kMsPerS;
  } else {
    entry.answer = DnsAnswer{DnsQueryResult::Status::kNameError, {}, "name resolution failed", 0};
    entry.expires_ms = now_ms + settings_.not_found_ttl_s * kMsPerS;
  }
  entry.stale_until_ms = entry.expires_ms;
  return *entry.answer;
}

std::optional<int> DnsCache::chooseFamily(const Entry& entry, const DnsQueryResult& result) const {
  auto has = [&](int family) {
    return !(family == AF_INET ? result.ipv4 : result.ipv6).addresses.empty();
  };
  std::vector<DnsRecordType> order = settings_.order;
  if (std::none_of(order.begin(), order.end(), [](DnsRecordType type) {
        return type == DnsRecordType::kA || type == DnsRecordType::kAaaa;
      })) {
    order.push_back(DnsRecordType::kA);  // as DnsSettings::wantsIpv4 says
  }
  for (DnsRecordType type : order) {
    if (type == DnsRecordType::kLast && entry.last_family && has(*entry.last_family)) {
      return entry.last_family;
    }
    if (type == DnsRecordType::kA && has(AF_INET)) {
      return AF_INET;
    }
    if (type == DnsRecordType::kAaaa && has(AF_INET6)) {
      return AF_INET6;
    }
  }
  return std::nullopt;
}

uint64_t DnsCache::positiveTtlMs(const DnsQueryResult& result, const DnsRecords& records) const {
  if (settings_.valid_ttl_s) {
    return *settings_.valid_ttl_s * kMsPerS;
  }
  return (result.from_hosts_file ? kHostsFileTtlS : records.ttl_s) * kMsPerS;
}

}  // namespace portico::upstream
