#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace portico::upstream {

// Asynchronous host name resolution for one worker (getaddrinfo on libuv's thread pool), with a
// short-lived cache so a busy upstream is not resolved per request.
class Resolver {
 public:
  enum class Outcome { kOk, kNameError, kFailure };
  struct Result {
    Outcome outcome = Outcome::kFailure;
    sockaddr_storage address{};
    std::string error;
  };
  using Callback = std::function<void(const Result&)>;

  explicit Resolver(uv_loop_t* loop, uint64_t cache_ttl_ms = 10000);
  ~Resolver();

  // Calls `callback` with an address for host:port, possibly before returning (cache hit). The
  // caller guards against its own destruction (the callback may arrive later).
  void resolve(const std::string& host, uint16_t port, Callback callback);

 private:
  struct CacheEntry {
    std::vector<sockaddr_storage> addresses;
    uint64_t expires_ms = 0;
    size_t next = 0;  // round-robin over the records
  };
  struct Lookup;

  static void onResolved(uv_getaddrinfo_t* request, int status, addrinfo* result);

  uv_loop_t* loop_;
  uint64_t cache_ttl_ms_;
  absl::flat_hash_map<std::string, CacheEntry> cache_;
  std::shared_ptr<Resolver*> self_;
};

}  // namespace portico::upstream
