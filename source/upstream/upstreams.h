#pragma once

#include <uv.h>

#include "portico/config/v1/bootstrap.pb.h"
#include "source/common/network/timeout_list.h"
#include "source/upstream/connection_pool.h"
#include "source/upstream/dns_settings.h"
#include "source/upstream/load_balancer.h"
#include "source/upstream/resolver.h"

namespace portico::upstream {

// A worker's means of reaching upstreams: its connection pool, its resolver and its balancing
// state. Owned by the worker; state in here outlives config reloads.
struct Upstreams {
  Upstreams(uv_loop_t* event_loop, size_t max_idle_per_key, uint32_t idle_timeout_ms,
            const config::v1::DnsSettings& dns = config::v1::DnsSettings::default_instance())
      : loop(event_loop),
        timeouts(event_loop),
        pool(event_loop, max_idle_per_key, idle_timeout_ms),
        resolver(event_loop, DnsSettings::fromProto(dns)) {}

  uv_loop_t* loop;
  // The proxied requests' connect, write and read timeouts.
  network::TimeoutLists timeouts;
  ConnectionPool pool;
  Resolver resolver;
  LoadBalancer balancer;
};

}  // namespace portico::upstream
