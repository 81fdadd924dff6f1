#pragma once

#include <string>

#include "source/upstream/fetcher.h"
#include "source/upstream/upstreams.h"

namespace portico::upstream {

// The real HttpFetcher: HTTP/1.1 over the pools of `upstreams` (the main loop's), HTTPS verified
// against the system store and `trusted_ca_pem` (lua_ssl_trusted_certificate). `upstreams` must
// outlive every fetch the returned function starts.
HttpFetcher makeUrlFetcher(Upstreams& upstreams, const std::string& trusted_ca_pem);

}  // namespace portico::upstream
