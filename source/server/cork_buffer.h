#pragma once

#include <string>

namespace portico::server {

class ActiveStream;

// Response bytes held while a stream is corked (ActiveStream::corkDownstream). A stream stays
// corked only within one upstream read, so one buffer serves a worker, and its capacity is kept
// from request to request. `owner` is the stream whose bytes it holds, if any.
struct CorkBuffer {
  std::string bytes;
  const ActiveStream* owner = nullptr;
};

}  // namespace portico::server
