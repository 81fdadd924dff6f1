#pragma once

#include <cstdint>

#include "source/common/http/message_head.h"
#include "source/http/stream_context.h"
#include "source/server/stats/request_sample.h"

namespace portico::server::stats {

// Bytes of a request head as framed on the wire: request line, header lines, blank line. Taken
// before filters edit the headers.
uint64_t requestHeadBytes(const http::MessageHead& request);

// What a finished stream adds to its worker's stats, with Kong's labels and latencies. The
// sample points into `context`.
RequestSample streamSample(const http::StreamContext& context, int status, uint64_t ingress_bytes,
                           uint64_t egress_bytes, uint64_t now_ms);

}  // namespace portico::server::stats
