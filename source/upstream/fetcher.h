#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace portico::upstream {

// One HTTP exchange of background work on the main thread (cloud credentials, key sets): the code
// that needs it only builds requests and reads responses; the transport is injected so it can be
// faked in tests (makeUrlFetcher is the real one).
struct FetchRequest {
  std::string method;
  std::string url;  // absolute: scheme://host[:port]/path[?query]
  // A Host header here is sent as given instead of one derived from `url`: signed requests (STS)
  // carry the exact value they signed. The fetcher adds Content-Length for a body.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Metadata endpoints answer in milliseconds or not at all (off EC2/ECS), so they get a short
  // budget; the SDKs use one second.
  uint64_t timeout_ms = 5000;
};

struct FetchResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A transport failure (no connection, timeout) is a non-OK status; any HTTP status is a response.
using FetchCallback = std::function<void(absl::StatusOr<FetchResponse>)>;

// Asynchronous; runs the callback once, on the main loop. May complete before returning.
using HttpFetcher = std::function<void(const FetchRequest&, FetchCallback)>;

}  // namespace portico::upstream
