#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "source/upstream/ares_channel.h"
#include "source/upstream/dns_cache.h"
#include "source/upstream/dns_settings.h"

namespace portico::upstream {

// Asynchronous host name resolution for one worker, as Kong's resolver does it: the hosts file
// first, then DNS through c-ares on the worker's own loop, answers cached by DnsCache's policy
// (records' TTL, stale-while-refresh, negative caching). IP literals are answered at once.
class Resolver {
 public:
  enum class Outcome { kOk, kNameError, kFailure };
  struct Result {
    Outcome outcome = Outcome::kFailure;
    sockaddr_storage address{};
    std::string error;
  };
  using Callback = std::function<void(const Result&)>;

  explicit Resolver(uv_loop_t* loop, DnsSettings settings = {});
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Calls `callback` with an address for host:port, possibly before returning (cache hit). The
  // caller guards against its own destruction (the callback may arrive later); callbacks still
  // waiting when the resolver is destroyed are dropped.
  void resolve(const std::string& host, uint16_t port, Callback callback);

 private:
  struct Waiter {
    uint16_t port;
    Callback callback;
  };

  void query(const std::string& name);
  void onHostsFileAnswer(const std::string& name, int status, const ares_addrinfo* info);
  void finish(const std::string& name, DnsQueryResult result);

  uv_loop_t* loop_;
  int family_;  // what dns_order asks for: AF_INET, AF_INET6 or AF_UNSPEC
  DnsCache cache_;
  absl::flat_hash_map<std::string, std::vector<Waiter>> waiters_;
  // Last, so they go first: their destruction ends queries whose callbacks touch the above.
  AresChannel hosts_file_;
  AresChannel dns_;
};

// c-ares 1.18 takes another hosts file only from the CARES_HOSTS variable (ARES_OPT_HOSTS_FILE
// came later), which the process shares: set it once on the main thread before workers start.
void setProcessHostsFile(const std::string& path);

}  // namespace portico::upstream
