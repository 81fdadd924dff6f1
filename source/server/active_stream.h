#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "source/common/http/error_body.h"
#include "source/common/http/message_head.h"
#include "source/common/http/serializer.h"
#include "source/common/memory/recycled.h"
#include "source/common/network/connection.h"
#include "source/filters/http/proxy/tunnel.h"
#include "source/http/filter.h"
#include "source/http/stream_context.h"
#include "source/server/cork_buffer.h"
#include "source/server/https_redirect.h"

namespace portico::filters {
class ProxyFilter;
}

namespace portico::server {

class HttpConnection;

// One request/response exchange on a downstream connection: runs the filter chain over the
// request, and frames the response the terminal filter (or a local reply) produces.
class ActiveStream : public http::StreamCallbacks, public memory::Recycled<ActiveStream> {
 public:
  // The owner fills context() before start().
  ActiveStream(HttpConnection& connection, http::MessageHead&& request);
  ~ActiveStream() override;

  // Driven by the connection's parser.
  void start();
  void onRequestBody(const char* data, size_t length);
  void onRequestComplete();
  // The client went away: abort whatever is in flight.
  void onDownstreamReset();
  void onDownstreamWatermark(bool above_high);

  bool responseComplete() const { return response_complete_; }
  bool requestComplete() const { return request_complete_; }
  bool responseStarted() const { return response_started_; }
  // The response asked for the connection to close afterwards.
  bool closeConnection() const { return close_connection_; }
  const http::MessageHead& request() const { return request_; }
  // The response was the upstream's 101 to a WebSocket handshake: the connection becomes a
  // tunnel instead of reading the next request.
  bool switchedProtocols() const { return switched_protocols_; }
  // After a 101: what the tunnel takes over (see filters::ProxyFilter::takeSwitched).
  filters::SwitchedUpstream takeSwitched();

  // http::StreamCallbacks
  uv_loop_t* loop() override;
  upstream::Upstreams& upstreams() override;
  http::LoopServices& loopServices() override;
  http::StreamContext& context() override { return context_; }
  void continueRequest() override;
  void sendLocalReply(int status, std::string_view message, http::HeaderMap extra_headers) override;
  void sendGatewayError(int status, std::string_view message) override;
  void sendResponse(int status, http::HeaderMap headers, std::string body) override;
  void encodeHeaders(http::MessageHead& head, bool end_stream) override;
  void encodeData(const char* data, size_t length, bool end_stream) override;
  void corkDownstream(bool corked) override;
  bool downstreamAboveHighWatermark() const override;
  void requestBodyReadEnable(bool enabled) override;
  void takeRequestBody(http::HttpFilter& filter) override;

 private:
  // `host`: the request's Host value, or nullptr.
  void route(const std::string* host);
  // Kong's answer to an https-only route reached over plain HTTP (426, or a redirect).
  void sendHttpsRedirect(const HttpsRedirect& redirect);
  void buildFilterChain();
  void runRequestHeaders();
  void runRequestBody(std::string chunk, bool end_stream);
  void flushPendingBody();
  void deliverRequestBody(std::string chunk, bool end_stream);
  void sendContinueIfExpected();
  // The values of the headers Portico adds to a response, kept while the head is serialized.
  struct ResponseHeaderValues {
    std::string via;
    std::string upstream_latency;
    std::string proxy_latency;
    std::string response_latency;
  };
  void addResponseHeaders(const http::MessageHead& head, bool gateway_generated,
                          ResponseHeaderValues& values, http::HeaderOverrides& overrides);
  void sendError(int status, std::string_view message, http::ErrorFormat format,
                 http::HeaderMap extra_headers);
  void finishResponse();
  void writeDownstream(std::string_view data);
  uint64_t now() const;

  HttpConnection& connection_;
  http::MessageHead request_;
  http::StreamContext context_;
  // Room for a few plugins and the proxy without a separate allocation per request.
  absl::InlinedVector<http::HttpFilterPtr, 4> filters_;
  filters::ProxyFilter* proxy_ = nullptr;  // the terminal filter, once the request is proxied
  size_t next_filter_ = 0;                 // the filter whose request-headers phase runs next
  bool headers_done_ = false;              // every filter passed the request-headers phase
  // A list, not a deque: empty, it allocates nothing, and most requests have no early body.
  std::list<std::string> pending_body_;
  bool pending_body_end_ = false;
  http::HttpFilter* body_taker_ = nullptr;  // see takeRequestBody
  uint64_t request_body_bytes_ = 0;
  uint64_t request_head_bytes_ = 0;  // as received, before filters edit the headers
  uint64_t response_bytes_ = 0;
  int response_status_ = 0;
  // The worker's cork buffer while this stream holds it (corkDownstream).
  CorkBuffer* cork_ = nullptr;
  bool request_complete_ = false;
  bool response_started_ = false;
  bool response_complete_ = false;
  bool chunked_response_ = false;
  bool close_delimited_response_ = false;
  bool close_connection_ = false;
  // The 426 asks the client to upgrade: `Connection: …, Upgrade` and `Upgrade: TLS/1.2, HTTP/1.1`.
  bool upgrade_to_tls_ = false;
  bool switched_protocols_ = false;
  bool head_request_ = false;
  bool sent_continue_ = false;
  bool completed_ = false;
};

}  // namespace portico::server
