#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "source/common/http/parser.h"
#include "source/common/network/connection.h"
#include "source/common/network/timeout_list.h"
#include "source/http/filter.h"
#include "source/server/cork_buffer.h"
#include "source/server/snapshot.h"

namespace portico::filters {
class ProxyFilter;
class Tunnel;
}  // namespace portico::filters

namespace portico::server {

class AccessLogWriter;
class ActiveStream;
class Worker;

// One downstream HTTP/1.1 connection: parses requests (keep-alive, pipelining), runs one
// ActiveStream at a time, and enforces the client timeouts. When the upstream accepts a
// WebSocket handshake (101), the connection stops speaking HTTP and becomes one end of a
// filters::Tunnel, until either side closes, the tunnel idles out, or a drain's deadline.
class HttpConnection : public network::ConnectionCallbacks,
                       public http::Parser::Callbacks,
                       public network::TimeoutEntry {
 public:
  // With `tls_context` the connection begins with a server-side TLS handshake, presenting the
  // certificate the current snapshot selects for the client's SNI. `connection` must run on a
  // worker's loop.
  HttpConnection(network::ConnectionPtr connection, uint16_t listener_port,
                 SSL_CTX* tls_context = nullptr);
  ~HttpConnection() override;

  uv_loop_t* loop();
  upstream::Upstreams& upstreams();
  http::LoopServices& loopServices();
  void write(std::string_view data);
  bool aboveHighWatermark() const { return connection_->aboveHighWatermark(); }
  void requestBodyReadEnable(bool enabled);
  void onResponseComplete(ActiveStream& stream);
  std::unique_ptr<filters::ProxyFilter> createProxyFilter();
  AccessLogWriter* accessLog();
  CorkBuffer& corkBuffer();
  bool draining() const;
  // Graceful shutdown: close now if idle, else after the response in flight.
  void drain();

  // network::ConnectionCallbacks
  void onData(const char* data, size_t length) override;
  void onClose(network::CloseReason reason, const std::string& detail) override;
  void onWriteDrained() override;

  // http::Parser::Callbacks
  void onHead(http::MessageHead& head) override;
  void onBody(const char* data, size_t length) override;
  void onMessageComplete() override;

 private:
  void feed(const char* data, size_t length);
  void dispatchPending();
  void onParseError(const http::Parser::Result& result);
  // network::TimeoutEntry: the client timeouts (header, body, keep-alive idle).
  void onTimeout() override;
  void close();
  bool inRequest() const { return parser_ != nullptr && parser_->inMessage(); }
  size_t pendingBytes() const { return pending_input_ != nullptr ? pending_input_->size() : 0; }
  void keepPending(const char* data, size_t length);
  // The stream's response was a 101: relay bytes between the client and the upstream.
  void startTunnel();
  // Looked up through the loop rather than held: one word less on every idle connection.
  Worker& worker() const;

  network::ConnectionPtr connection_;
  // Made when request bytes arrive and dropped between requests: an idle keep-alive connection
  // (most of a busy gateway's connections) carries no parser state.
  std::unique_ptr<http::Parser> parser_;
  std::unique_ptr<ActiveStream> stream_;
  // Bytes after a complete request, parsed once it is answered. Null when there are none, as on
  // almost every idle connection, which a std::string here would cost 32 bytes each.
  std::unique_ptr<std::string> pending_input_;
  // After a 101; declared after connection_, which it uses, so that it is destroyed first.
  std::unique_ptr<filters::Tunnel> tunnel_;
  uint16_t listener_port_;  // beside the flags, which pad it to one word
  bool parser_paused_ = false;
  bool dispatching_ = false;
  bool read_enabled_ = true;
  bool closed_ = false;
  bool stream_response_done_ = false;
};

}  // namespace portico::server
