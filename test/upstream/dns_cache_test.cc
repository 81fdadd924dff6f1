#include "source/upstream/dns_cache.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "gtest/gtest.h"

namespace portico::upstream {
namespace {

using Status = DnsQueryResult::Status;

sockaddr_storage address(const std::string& ip) {
  sockaddr_storage storage{};
  if (ip.find(':') != std::string::npos) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr);
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    inet_pton(AF_INET, ip.c_str(), &v4->sin_addr);
  }
  return storage;
}

std::string ip(const sockaddr_storage& storage) {
  char text[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, text,
              sizeof(text));
  } else {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text,
              sizeof(text));
  }
  return text;
}

DnsQueryResult records(std::vector<std::string> ipv4, uint32_t ttl_s,
                       std::vector<std::string> ipv6 = {}) {
  DnsQueryResult result;
  result.status = Status::kOk;
  for (const std::string& a : ipv4) {
    result.ipv4.addresses.push_back(address(a));
  }
  for (const std::string& aaaa : ipv6) {
    result.ipv6.addresses.push_back(address(aaaa));
  }
  result.ipv4.ttl_s = ttl_s;
  result.ipv6.ttl_s = ttl_s;
  return result;
}

DnsQueryResult failed(Status status) {
  DnsQueryResult result;
  result.status = status;
  result.error = "Timeout while contacting DNS servers";
  return result;
}

DnsSettings kongDefaults() { return DnsSettings{}; }

// Resolves `name` through the cache at `now_ms`, answering a query it asks for with `answer`.
std::string resolveAt(DnsCache& cache, uint64_t now_ms, const DnsQueryResult& answer,
                      const std::string& name = "api.test") {
  DnsCache::Lookup lookup = cache.lookup(name, now_ms);
  if (lookup.answer == nullptr) {
    EXPECT_TRUE(lookup.query);
    DnsAnswer& stored = cache.store(name, answer, now_ms);
    return stored.status == Status::kOk ? ip(stored.pick()) : stored.error;
  }
  return lookup.answer->status == Status::kOk ? ip(lookup.answer->pick()) : lookup.answer->error;
}

TEST(DnsCacheTest, FirstLookupOfANameAsksForAQueryAndWaits) {
  DnsCache cache(kongDefaults());
  DnsCache::Lookup lookup = cache.lookup("api.test", 0);
  EXPECT_EQ(lookup.answer, nullptr);
  EXPECT_TRUE(lookup.query);
}

TEST(DnsCacheTest, ConcurrentLookupsOfANameShareOneQuery) {
  DnsCache cache(kongDefaults());
  ASSERT_TRUE(cache.lookup("api.test", 0).query);
  DnsCache::Lookup second = cache.lookup("api.test", 5);
  EXPECT_EQ(second.answer, nullptr);
  EXPECT_FALSE(second.query);
  EXPECT_TRUE(cache.lookup("other.test", 5).query);
}

TEST(DnsCacheTest, AnswerIsServedFromCacheForTheRecordsSmallestTtl) {
  DnsCache cache(kongDefaults());
  ASSERT_TRUE(cache.lookup("api.test", 0).query);
  DnsQueryResult answer = records({"10.0.0.1"}, 30);
  cache.store("api.test", answer, 0);
  DnsCache::Lookup fresh = cache.lookup("api.test", 29999);
  ASSERT_NE(fresh.answer, nullptr);
  EXPECT_FALSE(fresh.query);
  DnsCache::Lookup expired = cache.lookup("api.test", 30000);
  EXPECT_TRUE(expired.query);
}

TEST(DnsCacheTest, AddressesAreTakenInTurn) {
  DnsCache cache(kongDefaults());
  const DnsQueryResult answer = records({"10.0.0.1", "10.0.0.2"}, 60);
  EXPECT_EQ(resolveAt(cache, 0, answer), "10.0.0.1");
  EXPECT_EQ(resolveAt(cache, 1, answer), "10.0.0.2");
  EXPECT_EQ(resolveAt(cache, 2, answer), "10.0.0.1");
}

TEST(DnsCacheTest, ExpiredAnswerIsServedStaleWhileOneBackgroundQueryRefreshesIt) {
  DnsCache cache(kongDefaults());
  resolveAt(cache, 0, records({"10.0.0.1"}, 10));

  DnsCache::Lookup first = cache.lookup("api.test", 10000);
  ASSERT_NE(first.answer, nullptr);
  EXPECT_EQ(ip(first.answer->pick()), "10.0.0.1");
  EXPECT_TRUE(first.query);
  DnsCache::Lookup second = cache.lookup("api.test", 10001);
  ASSERT_NE(second.answer, nullptr);
  EXPECT_FALSE(second.query);

  cache.store("api.test", records({"10.0.0.9"}, 10), 10050);
  DnsCache::Lookup refreshed = cache.lookup("api.test", 10051);
  ASSERT_NE(refreshed.answer, nullptr);
  EXPECT_EQ(ip(refreshed.answer->pick()), "10.0.0.9");
  EXPECT_FALSE(refreshed.query);
}

TEST(DnsCacheTest, StaleAnswerIsNotServedPastDnsStaleTtl) {
  DnsSettings settings;
  settings.stale_ttl_s = 5;
  DnsCache cache(settings);
  resolveAt(cache, 0, records({"10.0.0.1"}, 10));
  EXPECT_NE(cache.lookup("api.test", 14999).answer, nullptr);
  cache.store("api.test", failed(Status::kFailure), 14999);
  DnsCache::Lookup lookup = cache.lookup("api.test", 15000);
  EXPECT_EQ(lookup.answer, nullptr);
  EXPECT_TRUE(lookup.query);
}

TEST(DnsCacheTest, FailedRefreshKeepsTheStaleAnswerAndRetriesAfterDnsErrorTtl) {
  DnsCache cache(kongDefaults());
  resolveAt(cache, 0, records({"10.0.0.1"}, 10));
  ASSERT_TRUE(cache.lookup("api.test", 10000).query);
  DnsAnswer& kept = cache.store("api.test", failed(Status::kFailure), 10100);
  EXPECT_EQ(kept.status, Status::kOk);

  DnsCache::Lookup soon = cache.lookup("api.test", 10500);
  ASSERT_NE(soon.answer, nullptr);
  EXPECT_EQ(ip(soon.answer->pick()), "10.0.0.1");
  EXPECT_FALSE(soon.query);
  DnsCache::Lookup later = cache.lookup("api.test", 11100);
  ASSERT_NE(later.answer, nullptr);
  EXPECT_TRUE(later.query);
}

TEST(DnsCacheTest, NameErrorReplacesAStaleAnswer) {
  DnsCache cache(kongDefaults());
  resolveAt(cache, 0, records({"10.0.0.1"}, 10));
  ASSERT_TRUE(cache.lookup("api.test", 10000).query);
  DnsAnswer& answer = cache.store("api.test", failed(Status::kNameError), 10100);
  EXPECT_EQ(answer.status, Status::kNameError);
  EXPECT_EQ(answer.error, "name resolution failed");
}

TEST(DnsCacheTest, NameErrorIsCachedForDnsNotFoundTtl) {
  DnsCache cache(kongDefaults());
  EXPECT_EQ(resolveAt(cache, 0, failed(Status::kNameError)), "name resolution failed");
  DnsCache::Lookup cached = cache.lookup("api.test", 29999);
  ASSERT_NE(cached.answer, nullptr);
  EXPECT_EQ(cached.answer->status, Status::kNameError);
  EXPECT_FALSE(cached.query);
  DnsCache::Lookup expired = cache.lookup("api.test", 30000);
  EXPECT_EQ(expired.answer, nullptr);
  EXPECT_TRUE(expired.query);
}

TEST(DnsCacheTest, AnswerWithoutRecordsOfAWantedFamilyIsANameError) {
  DnsCache cache(kongDefaults());  // dns_order LAST,SRV,A,CNAME: AAAA is not used
  EXPECT_EQ(resolveAt(cache, 0, records({}, 60, {"::1"})), "name resolution failed");
}

TEST(DnsCacheTest, ServerFailureIsCachedForDnsErrorTtl) {
  DnsSettings settings;
  settings.error_ttl_s = 2;
  DnsCache cache(settings);
  EXPECT_EQ(resolveAt(cache, 0, failed(Status::kFailure)), "Timeout while contacting DNS servers");
  DnsCache::Lookup cached = cache.lookup("api.test", 1999);
  ASSERT_NE(cached.answer, nullptr);
  EXPECT_EQ(cached.answer->status, Status::kFailure);
  EXPECT_TRUE(cache.lookup("api.test", 2000).query);
}

TEST(DnsCacheTest, DnsValidTtlOverridesTheRecordsTtl) {
  DnsSettings settings;
  settings.valid_ttl_s = 2;
  DnsCache cache(settings);
  resolveAt(cache, 0, records({"10.0.0.1"}, 300));
  EXPECT_FALSE(cache.lookup("api.test", 1999).query);
  EXPECT_TRUE(cache.lookup("api.test", 2000).query);
}

TEST(DnsCacheTest, HostsFileAnswersLastTenYearsUnlessDnsValidTtlIsSet) {
  DnsQueryResult hosts = records({"10.0.0.1"}, 0);
  hosts.from_hosts_file = true;
  DnsCache cache(kongDefaults());
  resolveAt(cache, 0, hosts);
  EXPECT_FALSE(cache.lookup("api.test", 9ull * 365 * 24 * 3600 * 1000).query);

  DnsSettings settings;
  settings.valid_ttl_s = 5;
  DnsCache bounded(settings);
  resolveAt(bounded, 0, hosts);
  EXPECT_TRUE(bounded.lookup("api.test", 5000).query);
}

TEST(DnsCacheTest, ZeroTtlAnswerIsServedStaleAndRefreshedWithoutWaiting) {
  DnsCache cache(kongDefaults());
  resolveAt(cache, 0, records({"10.0.0.1"}, 0));
  DnsCache::Lookup lookup = cache.lookup("api.test", 0);
  ASSERT_NE(lookup.answer, nullptr);
  EXPECT_TRUE(lookup.query);
}

TEST(DnsCacheTest, IPv4IsPreferredUnlessAaaaComesFirstInDnsOrder) {
  const DnsQueryResult both = records({"10.0.0.1"}, 60, {"2001:db8::1"});
  DnsSettings a_first;
  a_first.order = {DnsRecordType::kA, DnsRecordType::kAaaa};
  DnsCache v4(a_first);
  EXPECT_EQ(resolveAt(v4, 0, both), "10.0.0.1");

  DnsSettings aaaa_first;
  aaaa_first.order = {DnsRecordType::kAaaa, DnsRecordType::kA};
  DnsCache v6(aaaa_first);
  EXPECT_EQ(resolveAt(v6, 0, both), "2001:db8::1");
}

TEST(DnsCacheTest, FallsBackToTheNextFamilyInDnsOrder) {
  DnsSettings settings;
  settings.order = {DnsRecordType::kA, DnsRecordType::kAaaa};
  DnsCache cache(settings);
  EXPECT_EQ(resolveAt(cache, 0, records({}, 60, {"::1"})), "::1");
}

TEST(DnsCacheTest, LastPrefersTheFamilyTheNameLastResolvedTo) {
  DnsSettings settings;
  settings.order = {DnsRecordType::kLast, DnsRecordType::kA, DnsRecordType::kAaaa};
  DnsCache cache(settings);
  EXPECT_EQ(resolveAt(cache, 0, records({}, 1, {"::1"})), "::1");
  // Now both families answer: LAST keeps the name on IPv6 although A comes first.
  EXPECT_EQ(resolveAt(cache, 1000, records({"10.0.0.1"}, 1, {"::1"})), "::1");
  EXPECT_EQ(resolveAt(cache, 2000, records({"10.0.0.1"}, 1, {"::1"}), "fresh.test"), "10.0.0.1");
}

TEST(DnsSettingsTest, QueriesTheFamiliesDnsOrderNames) {
  DnsSettings kong;
  EXPECT_TRUE(kong.wantsIpv4());
  EXPECT_FALSE(kong.wantsIpv6());
  DnsSettings v6_only;
  v6_only.order = {DnsRecordType::kAaaa};
  EXPECT_FALSE(v6_only.wantsIpv4());
  EXPECT_TRUE(v6_only.wantsIpv6());
  DnsSettings neither;
  neither.order = {DnsRecordType::kSrv, DnsRecordType::kCname};
  EXPECT_TRUE(neither.wantsIpv4());
}

TEST(DnsSettingsTest, UnsetProtoFieldsKeepKongDefaults) {
  config::v1::DnsSettings proto;
  proto.set_not_found_ttl_s(7);
  proto.add_order("aaaa");
  proto.add_order("A");
  const DnsSettings settings = DnsSettings::fromProto(proto);
  EXPECT_EQ(settings.stale_ttl_s, 3600u);
  EXPECT_EQ(settings.error_ttl_s, 1u);
  EXPECT_EQ(settings.not_found_ttl_s, 7u);
  EXPECT_FALSE(settings.valid_ttl_s.has_value());
  EXPECT_EQ(settings.order, (std::vector<DnsRecordType>{DnsRecordType::kAaaa, DnsRecordType::kA}));
}

}  // namespace
}  // namespace portico::upstream
