#include "source/upstream/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cstring>

namespace portico::upstream {

struct Resolver::Lookup {
  uv_getaddrinfo_t request;
  std::weak_ptr<Resolver*> resolver;
  std::string host;
  uint16_t port;
  Callback callback;
};

Resolver::Resolver(uv_loop_t* loop, uint64_t cache_ttl_ms)
    : loop_(loop), cache_ttl_ms_(cache_ttl_ms), self_(std::make_shared<Resolver*>(this)) {}

Resolver::~Resolver() = default;

void Resolver::resolve(const std::string& host, uint16_t port, Callback callback) {
  auto cached = cache_.find(host);
  if (cached != cache_.end() && cached->second.expires_ms > uv_now(loop_) &&
      !cached->second.addresses.empty()) {
    CacheEntry& entry = cached->second;
    Result result;
    result.outcome = Outcome::kOk;
    result.address = entry.addresses[entry.next++ % entry.addresses.size()];
    reinterpret_cast<sockaddr_in*>(&result.address)->sin_port = htons(port);
    callback(result);
    return;
  }
  auto* lookup = new Lookup{{}, self_, host, port, std::move(callback)};
  lookup->request.data = lookup;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (const int status =
          uv_getaddrinfo(loop_, &lookup->request, &onResolved, host.c_str(), nullptr, &hints);
      status != 0) {
    Result result;
    result.error = uv_strerror(status);
    Callback failed = std::move(lookup->callback);
    delete lookup;
    failed(result);
  }
}

void Resolver::onResolved(uv_getaddrinfo_t* request, int status, addrinfo* addresses) {
  std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(request->data));
  Result result;
  CacheEntry entry;
  if (status == 0) {
    for (addrinfo* info = addresses; info != nullptr; info = info->ai_next) {
      if (info->ai_family != AF_INET && info->ai_family != AF_INET6) {
        continue;
      }
      sockaddr_storage address{};
      std::memcpy(&address, info->ai_addr, info->ai_addrlen);
      entry.addresses.push_back(address);
    }
  }
  uv_freeaddrinfo(addresses);
  // IPv4 first, as Kong's resolver asks for A records before AAAA: "localhost" must not land on
  // ::1 where the upstream only listens on 127.0.0.1.
  std::stable_partition(entry.addresses.begin(), entry.addresses.end(),
                        [](const sockaddr_storage& a) { return a.ss_family == AF_INET; });
  if (status == UV_EAI_NONAME || status == UV_EAI_NODATA ||
      (status == 0 && entry.addresses.empty())) {
    result.outcome = Outcome::kNameError;
    result.error = "name resolution failed";
  } else if (status != 0) {
    result.error = uv_strerror(status);
  } else {
    result.outcome = Outcome::kOk;
    result.address = entry.addresses.front();
    // sin_port and sin6_port sit at the same offset.
    reinterpret_cast<sockaddr_in*>(&result.address)->sin_port = htons(lookup->port);
  }
  std::shared_ptr<Resolver*> resolver = lookup->resolver.lock();
  if (resolver != nullptr && result.outcome == Outcome::kOk) {
    Resolver& self = **resolver;
    entry.expires_ms = uv_now(self.loop_) + self.cache_ttl_ms_;
    entry.next = 1;
    self.cache_[lookup->host] = std::move(entry);
  }
  if (resolver != nullptr) {
    lookup->callback(result);
  }
}

}  // namespace portico::upstream
