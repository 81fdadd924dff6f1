#pragma once

#include <string>

#include "source/common/http/message_head.h"
#include "source/http/stream_context.h"
#include "source/upstream/upstream_runtime.h"

namespace portico::filters {

// The consistent-hashing input of a request (Kong's balancer get_value_to_hash).
struct BalancerKey {
  std::string value;  // empty: nothing to hash, the upstream balances round-robin
  // Set when hashing on a cookie the client did not send: Kong makes one up and sets it on the
  // response ("name=value; Path=path"), so the client sticks to its target from then on.
  std::string set_cookie;
};

BalancerKey balancerKey(const upstream::UpstreamRuntime& upstream, const http::MessageHead& request,
                        const http::StreamContext& context);

}  // namespace portico::filters
