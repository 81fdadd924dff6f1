#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "source/common/http/message_head.h"

namespace portico::upstream {
struct Upstreams;
}

namespace portico::http {

struct StreamContext;
class HttpFilter;
class LoopServices;

// What a filter returns from a phase: pass to the next filter, or pause the chain until the
// filter calls continueRequest() / continueResponse() or answers with sendLocalReply().
enum class FilterStatus { kContinue, kStop };

// What a filter can ask of the stream it belongs to. Valid until onComplete returns.
class StreamCallbacks {
 public:
  virtual ~StreamCallbacks() = default;
  virtual uv_loop_t* loop() = 0;
  // The worker's connection pools and resolver, for filters that call a service themselves.
  virtual upstream::Upstreams& upstreams() = 0;
  // The worker's long-lived objects (Redis clients), which close with its loop.
  virtual LoopServices& loopServices() = 0;
  virtual StreamContext& context() = 0;
  // Resume the request chain after a filter returned kStop.
  virtual void continueRequest() = 0;
  // Answer with Kong's templated error (kong.response.error): the body follows the client's
  // Accept header. The chain stops; later filters never see the request.
  virtual void sendLocalReply(int status, std::string_view message, HeaderMap extra_headers) = 0;
  // Answer with an error the way nginx raises it under Kong (kong/error_handlers.lua): 502, 504,
  // 400 …, formatted by Accept, then the request's Content-Type, then `error_default_type`.
  virtual void sendGatewayError(int status, std::string_view message) = 0;
  // Answer with a body of the filter's own (kong.response.exit).
  virtual void sendResponse(int status, HeaderMap headers, std::string body) = 0;
  // Terminal filters: send the response head / body downstream.
  virtual void encodeHeaders(MessageHead& head, bool end_stream) = 0;
  virtual void encodeData(const char* data, size_t length, bool end_stream) = 0;
  // Terminal filters: while corked, response bytes collect in memory and leave in one write when
  // uncorked (or when the response ends), so a head and body parsed from one upstream read go to
  // the client in one syscall.
  virtual void corkDownstream(bool corked) = 0;
  // Terminal filters: the downstream write buffer is full (or drained again); stop (or resume)
  // producing. The terminal filter learns of it through onDownstreamWatermark.
  virtual bool downstreamAboveHighWatermark() const = 0;
  // Terminal filters: pause or resume reading the request body from the client.
  virtual void requestBodyReadEnable(bool enabled) = 0;
  // For a filter that answers the request itself (it returns kStop from onRequestHeaders and
  // never continues): from the return of onRequestHeaders on, the request body goes to
  // `filter`'s onRequestBody as it arrives, ending with end_stream, and to no later filter. The
  // filter buffers what it needs; past its limit it answers (413).
  virtual void takeRequestBody(HttpFilter& filter) = 0;
};

// One filter instance per stream. Phases follow Kong's: access (request headers and body),
// header_filter (response headers), body_filter, log (onComplete).
class HttpFilter {
 public:
  virtual ~HttpFilter() = default;

  void setCallbacks(StreamCallbacks* callbacks) { callbacks_ = callbacks; }

  virtual FilterStatus onRequestHeaders(MessageHead& request, bool end_stream) {
    return FilterStatus::kContinue;
  }
  virtual FilterStatus onRequestBody(std::string& chunk, bool end_stream) {
    return FilterStatus::kContinue;
  }
  virtual void onResponseHeaders(MessageHead& response) {}
  virtual void onComplete() {}

  // Terminal filters only.
  virtual void onDownstreamWatermark(bool above_high) {}
  virtual void onDownstreamReset() {}

 protected:
  StreamCallbacks* callbacks_ = nullptr;
};

using HttpFilterPtr = std::unique_ptr<HttpFilter>;

}  // namespace portico::http
