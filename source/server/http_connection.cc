#include "source/server/http_connection.h"

#include "source/common/tls/server_context.h"
#include "source/filters/http/proxy/proxy_filter.h"
#include "source/filters/http/proxy/tunnel.h"
#include "source/server/active_stream.h"
#include "source/server/closing_error_response.h"
#include "source/server/real_ip.h"
#include "source/server/worker.h"

namespace portico::server {
namespace {

// Pipelined bytes held while a request is answered; past this the socket stops being read.
constexpr size_t kMaxPendingInput = 64 * 1024;

http::Parser::Limits parserLimits(const ProxySettings& settings) {
  http::Parser::Limits limits;
  limits.max_header_bytes = settings.max_header_bytes;
  return limits;
}

std::string_view gatewayErrorMessage(int status) {
  switch (status) {
    case 408:
      return "Request timeout";
    case 414:
      return "URI too long";
    case 431:
      return "Request header or cookie too large";
    default:
      return "Bad request";
  }
}

}  // namespace

HttpConnection::HttpConnection(network::ConnectionPtr connection, uint16_t listener_port,
                               SSL_CTX* tls_context)
    : connection_(std::move(connection)), listener_port_(listener_port) {
  // An idle keep-alive connection is this object, its network::Connection and libuv's handle:
  // the benchmark's idle-memory figure is their size classes.
  static_assert(sizeof(HttpConnection) <= 104, "an idle connection's size class grew");
  Worker& worker = this->worker();
  connection_->setCallbacks(this);
  // The header timeout covers the handshake too.
  worker.timeouts().header.schedule(*this);
  if (tls_context != nullptr) {
    if (SSL* ssl = connection_->startServerTls(tls_context)) {
      const SnapshotConstSharedPtr& snapshot = worker.snapshot();
      tls::attachSelector(ssl, std::shared_ptr<const tls::CertificateSelector>(
                                   snapshot, &snapshot->serverCertificates()));
    }
  }
}

HttpConnection::~HttpConnection() = default;

Worker& HttpConnection::worker() const { return Worker::of(connection_->loop()); }

uv_loop_t* HttpConnection::loop() { return connection_->loop(); }

upstream::Upstreams& HttpConnection::upstreams() { return worker().upstreams(); }

http::LoopServices& HttpConnection::loopServices() { return worker().loopServices(); }

bool HttpConnection::draining() const { return worker().draining(); }

void HttpConnection::write(std::string_view data) { connection_->write(data); }

std::unique_ptr<filters::ProxyFilter> HttpConnection::createProxyFilter() {
  return std::make_unique<filters::ProxyFilter>(worker().upstreams());
}

AccessLogWriter* HttpConnection::accessLog() { return worker().accessLog(); }

CorkBuffer& HttpConnection::corkBuffer() { return worker().corkBuffer(); }

void HttpConnection::requestBodyReadEnable(bool enabled) {
  read_enabled_ = enabled;
  if (!closed_) {
    connection_->readEnable(enabled);
  }
}

void HttpConnection::onData(const char* data, size_t length) {
  if (closed_) {
    return;
  }
  if (stream_ == nullptr && !inRequest() && pendingBytes() == 0) {
    worker().timeouts().header.schedule(*this);
  }
  if (parser_paused_ || dispatching_) {
    keepPending(data, length);
    if (pendingBytes() > kMaxPendingInput) {
      connection_->readEnable(false);
    }
    return;
  }
  dispatching_ = true;
  feed(data, length);
  dispatching_ = false;
  dispatchPending();
}

void HttpConnection::feed(const char* data, size_t length) {
  if (parser_ == nullptr) {
    parser_ = std::make_unique<http::Parser>(http::Parser::Type::kRequest, this,
                                             parserLimits(worker().settings()));
  }
  const http::Parser::Result result = parser_->execute(data, length);
  switch (result.outcome) {
    case http::Parser::Outcome::kNeedMore:
      return;
    case http::Parser::Outcome::kMessageDone:
      parser_paused_ = true;
      keepPending(data + result.consumed, length - result.consumed);
      return;
    case http::Parser::Outcome::kError:
      onParseError(result);
      return;
  }
}

void HttpConnection::keepPending(const char* data, size_t length) {
  if (length == 0) {
    return;
  }
  if (pending_input_ == nullptr) {
    pending_input_ = std::make_unique<std::string>();
  }
  pending_input_->append(data, length);
}

void HttpConnection::dispatchPending() {
  if (dispatching_) {
    return;
  }
  dispatching_ = true;
  while (!closed_) {
    if (parser_paused_) {
      if (stream_ != nullptr) {
        break;  // the request is read; its answer is still on the way
      }
      // The next request starts a fresh parser: the same state a resumed one would have.
      parser_.reset();
      parser_paused_ = false;
    }
    if (pending_input_ == nullptr) {
      break;
    }
    const std::unique_ptr<std::string> input = std::move(pending_input_);
    feed(input->data(), input->size());
  }
  dispatching_ = false;
  if (!closed_ && read_enabled_ && pendingBytes() <= kMaxPendingInput) {
    connection_->readEnable(true);
  }
}

void HttpConnection::onHead(http::MessageHead& head) {
  Worker& worker = this->worker();
  const ProxySettings& settings = worker.settings();
  worker.countRequest();
  stream_response_done_ = false;
  // The context is filled in place: a StreamContext is two dozen fields, mostly strings.
  stream_ = std::make_unique<ActiveStream>(*this, std::move(head));
  http::StreamContext& context = stream_->context();
  context.snapshot = worker.snapshot();
  context.settings = &settings;
  context.request_id = worker.nextRequestId();
  context.client_address =
      realClientAddress(connection_->peerAddress(), stream_->request().headers, settings);
  context.trusted_client =
      !settings.trusted_ips.empty() && settings.trusted_ips.contains(connection_->peerAddress());
  context.listener_port = listener_port_;
  if (connection_->tls()) {
    context.scheme = "https";
    context.sni = std::string(connection_->tlsServerName());
  }
  context.start_ms = uv_now(loop());
  if (stream_->request().hasRequestBody()) {
    worker.timeouts().body.schedule(*this);
  } else {
    cancelTimeout();
  }
  stream_->start();
}

void HttpConnection::onBody(const char* data, size_t length) {
  if (stream_ != nullptr) {
    worker().timeouts().body.schedule(*this);
    stream_->onRequestBody(data, length);
  }
}

void HttpConnection::onMessageComplete() {
  cancelTimeout();
  if (stream_ == nullptr) {
    return;
  }
  stream_->onRequestComplete();
  if (stream_ != nullptr && stream_response_done_) {
    onResponseComplete(*stream_);
  }
}

void HttpConnection::onResponseComplete(ActiveStream& stream) {
  stream_response_done_ = true;
  if (stream.switchedProtocols()) {
    startTunnel();
    return;
  }
  if (stream.closeConnection()) {
    close();
    return;
  }
  if (!stream.requestComplete()) {
    return;  // the rest of the request body is drained first; see onMessageComplete
  }
  worker().deferredDelete(std::move(stream_));
  stream_response_done_ = false;
  if (draining()) {
    close();
    return;
  }
  worker().timeouts().keepalive.schedule(*this);
  dispatchPending();
}

void HttpConnection::startTunnel() {
  filters::SwitchedUpstream switched = stream_->takeSwitched();
  const uint64_t idle_timeout_ms = stream_->context().service->service->read_timeout();
  // The stream has logged its 101; nothing it holds is needed by the tunnel.
  worker().deferredDelete(std::move(stream_));
  cancelTimeout();
  if (switched.connection == nullptr) {
    close();
    return;
  }
  tunnel_ = std::make_unique<filters::Tunnel>(loop(), *connection_, std::move(switched.connection),
                                              std::move(switched.attempt), idle_timeout_ms,
                                              [this] { close(); });
  // What the client sent after its handshake (a first frame, sent eagerly) is not HTTP.
  std::string to_upstream;
  if (pending_input_ != nullptr) {
    to_upstream.swap(*pending_input_);
    pending_input_.reset();
  }
  tunnel_->start(switched.early_bytes, to_upstream);
}

void HttpConnection::onParseError(const http::Parser::Result& result) {
  if (stream_ != nullptr && !stream_->responseComplete()) {
    // A broken body (bad chunk size): abort what is in flight; nothing can follow on this
    // connection.
    stream_->onDownstreamReset();
  }
  if (stream_ == nullptr || !stream_->responseStarted()) {
    const int status = result.error_status;
    Worker& worker = this->worker();
    const ProxySettings& settings = worker.settings();
    connection_->write(closingErrorResponse(status, gatewayErrorMessage(status),
                                            settings.error_default_format, settings,
                                            worker.nextRequestId()));
  }
  close();
}

void HttpConnection::onTimeout() {
  if (stream_ == nullptr && !inRequest()) {
    close();  // idle keep-alive connection: nginx closes silently
    return;
  }
  if (stream_ == nullptr || !stream_->responseComplete()) {
    http::Parser::Result timeout;
    timeout.error_status = 408;
    if (stream_ != nullptr) {
      stream_->onDownstreamReset();
    }
    onParseError(timeout);
    return;
  }
  close();
}

void HttpConnection::onClose(network::CloseReason, const std::string&) {
  if (stream_ != nullptr && !stream_->responseComplete()) {
    stream_->onDownstreamReset();
  }
  closed_ = true;
  worker().removeConnection(this);
}

void HttpConnection::onWriteDrained() {
  if (stream_ != nullptr) {
    stream_->onDownstreamWatermark(false);
  }
}

void HttpConnection::drain() {
  // A tunnel has no request boundary to stop at: it lasts until the drain's deadline.
  if (tunnel_ != nullptr) {
    return;
  }
  if (stream_ == nullptr && !inRequest()) {
    close();
  }
}

void HttpConnection::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  cancelTimeout();
  connection_->closeAfterFlush();
  worker().removeConnection(this);
}

}  // namespace portico::server
