#pragma once

#include "source/common/aws/http_fetcher.h"
#include "source/upstream/upstreams.h"

namespace portico::filters::http::aws_lambda {

// The transport of the credential sources (IMDS, the container agent, STS): HTTP/1.1 over the
// main loop's pools, HTTPS verified against the system store. `upstreams` must outlive every
// fetch the returned function starts.
aws::HttpFetcher makeMainThreadFetcher(upstream::Upstreams& upstreams);

// For validation-only compiles (no loop runs): every fetch fails as unavailable.
aws::HttpFetcher unavailableFetcher();

}  // namespace portico::filters::http::aws_lambda
