#include "source/upstream/http_client.h"

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace portico::upstream {

HttpClientRequest::HttpClientRequest(Upstreams& upstreams, HttpTarget target,
                                     std::string request_bytes, Options options, Callback on_done)
    : upstreams_(upstreams),
      target_(std::move(target)),
      request_bytes_(std::move(request_bytes)),
      options_(options),
      on_done_(std::move(on_done)),
      alive_(std::make_shared<HttpClientRequest*>(this)),
      timer_(upstreams.loop, [this] { onTimer(); }) {
  pool_key_ = target_.pool_key;
  if (target_.proxy) {
    proxy_name_ = hostAndPort(target_.proxy->host, target_.proxy->port);
    // Tunnels opened with different credentials are different connections; the key shows a hash
    // of them only, as keys may be logged.
    absl::StrAppend(&pool_key_, " via ", proxy_name_, "#",
                    std::hash<std::string>()(target_.proxy->authorization));
    if (target_.tls_context == nullptr) {
      request_bytes_ =
          toAbsoluteForm(std::move(request_bytes_), *target_.proxy, target_.host, target_.port);
    }
  }
}

HttpClientRequest::~HttpClientRequest() = default;

void HttpClientRequest::start() {
  starting_ = true;
  timer_.arm(options_.timeout_ms);
  connection_ = upstreams_.pool.take(pool_key_);
  if (connection_ != nullptr) {
    connection_->setCallbacks(this);
    send();
  } else {
    resolveAndConnect();
  }
  starting_ = false;
}

void HttpClientRequest::resolveAndConnect() {
  phase_ = Phase::kResolving;
  std::weak_ptr<HttpClientRequest*> alive = alive_;
  const std::string& host = target_.proxy ? target_.proxy->host : target_.host;
  const uint16_t port = target_.proxy ? target_.proxy->port : target_.port;
  upstreams_.resolver.resolve(host, port, [alive](const Resolver::Result& result) {
    std::shared_ptr<HttpClientRequest*> self = alive.lock();
    if (self == nullptr || (*self)->phase_ != Phase::kResolving) {
      return;
    }
    HttpClientRequest& request = **self;
    const std::string& name =
        request.target_.proxy ? request.target_.proxy->host : request.target_.host;
    const char* role = request.target_.proxy ? "proxy " : "";
    if (result.outcome == Resolver::Outcome::kOk) {
      request.connectTo(reinterpret_cast<const sockaddr*>(&result.address));
    } else if (result.outcome == Resolver::Outcome::kNameError) {
      request.finish(
          absl::NotFoundError(absl::StrCat("could not resolve ", role, name, ": ", result.error)));
    } else {
      request.finish(absl::UnavailableError(
          absl::StrCat("could not resolve ", role, name, ": ", result.error)));
    }
  });
  starting_ = false;
}

void HttpClientRequest::onTimer() {
  if (deferred_result_) {
    absl::StatusOr<HttpResponse> result = std::move(*deferred_result_);
    deferred_result_.reset();
    finish(std::move(result));
    return;
  }
  finish(absl::DeadlineExceededError(absl::StrCat("no progress within ", options_.timeout_ms,
                                                  " ms talking to ", describeTarget())));
}

void HttpClientRequest::connectTo(const sockaddr* address) {
  phase_ = Phase::kConnecting;
  // Connection reports failures on a later loop turn, never inside connect().
  // Through a proxy, TLS starts only once the tunnel is open.
  connection_ = network::Connection::connect(
      upstreams_.loop, address, target_.proxy ? nullptr : target_.tls_context, target_.host, this);
}

void HttpClientRequest::onConnected() {
  if (phase_ == Phase::kConnecting && target_.proxy && target_.tls_context != nullptr) {
    openTunnel();
    return;
  }
  send();
}

void HttpClientRequest::openTunnel() {
  phase_ = Phase::kTunneling;
  timer_.arm(options_.timeout_ms);
  parser_ = std::make_unique<http::Parser>(http::Parser::Type::kResponse, this);
  // A CONNECT's 2xx has no body; whatever follows it belongs to the tunnel.
  parser_->expectNoBody(true);
  connection_->write(connectRequest(*target_.proxy, target_.host, target_.port));
}

void HttpClientRequest::onTunnelData(const char* data, size_t length) {
  const http::Parser::Result result = parser_->execute(data, length);
  if (result.outcome == http::Parser::Outcome::kNeedMore) {
    return;
  }
  if (result.outcome == http::Parser::Outcome::kError) {
    finish(absl::UnavailableError(absl::StrCat("invalid response from proxy ", proxy_name_,
                                               " to CONNECT: ", result.error_reason)));
    return;
  }
  if (tunnel_status_ < 200 || tunnel_status_ > 299) {
    finish(absl::UnavailableError(absl::StrCat("proxy ", proxy_name_, " refused CONNECT to ",
                                               hostAndPort(target_.host, target_.port),
                                               " with status ", tunnel_status_)));
    return;
  }
  if (result.consumed != length) {
    finish(absl::UnavailableError(
        absl::StrCat("proxy ", proxy_name_, " sent data before the TLS handshake")));
    return;
  }
  parser_.reset();
  phase_ = Phase::kHandshaking;
  timer_.arm(options_.timeout_ms);
  connection_->startTls(target_.tls_context, target_.host);
}

std::string HttpClientRequest::describeTarget() const {
  if (proxy_name_.empty()) {
    return target_.pool_key;
  }
  return absl::StrCat(target_.pool_key, " via proxy ", proxy_name_);
}

void HttpClientRequest::send() {
  phase_ = Phase::kWaiting;
  timer_.arm(options_.timeout_ms);
  parser_ = std::make_unique<http::Parser>(http::Parser::Type::kResponse, this);
  connection_->write(request_bytes_);
  request_bytes_.clear();
  request_bytes_.shrink_to_fit();
}

void HttpClientRequest::onData(const char* data, size_t length) {
  timer_.arm(options_.timeout_ms);
  if (phase_ == Phase::kTunneling) {
    onTunnelData(data, length);
    return;
  }
  while (length > 0 && parser_ != nullptr && phase_ == Phase::kWaiting) {
    const http::Parser::Result result = parser_->execute(data, length);
    if (parsed_result_) {
      finishParsed();
      return;
    }
    if (result.outcome == http::Parser::Outcome::kError) {
      finish(absl::DataLossError(
          absl::StrCat("invalid response from ", describeTarget(), ": ", result.error_reason)));
      return;
    }
    if (result.outcome != http::Parser::Outcome::kMessageDone || phase_ != Phase::kWaiting) {
      return;
    }
    parser_->resume();  // an interim (1xx) response ended; the real one follows
    data += result.consumed;
    length -= result.consumed;
  }
}

void HttpClientRequest::onHead(http::MessageHead& head) {
  if (phase_ == Phase::kTunneling) {
    tunnel_status_ = head.status;
    return;
  }
  if (head.status >= 100 && head.status < 200) {
    return;
  }
  response_started_ = true;
  keep_alive_ = head.keep_alive;
  response_.status = head.status;
  response_.headers = std::move(head.headers);
}

void HttpClientRequest::onBody(const char* data, size_t length) {
  if (parsed_result_) {
    return;
  }
  if (response_.body.size() + length > options_.max_response_bytes) {
    keep_alive_ = false;
    parsed_result_ = absl::ResourceExhaustedError(
        absl::StrCat("response from ", describeTarget(), " is larger than ",
                     options_.max_response_bytes, " bytes"));
    return;
  }
  response_.body.append(data, length);
}

// Runs inside Parser::execute: the result is taken once execute has returned (finishParsed), as
// finishing destroys the parser.
void HttpClientRequest::onMessageComplete() {
  if (phase_ == Phase::kTunneling || !response_started_ || parsed_result_) {
    return;
  }
  parsed_result_ = std::move(response_);
}

void HttpClientRequest::finishParsed() {
  if (parsed_result_->ok() && keep_alive_ && connection_ != nullptr) {
    upstreams_.pool.release(pool_key_, std::move(connection_));
  }
  absl::StatusOr<HttpResponse> result = std::move(*parsed_result_);
  parsed_result_.reset();
  finish(std::move(result));
}

void HttpClientRequest::onClose(network::CloseReason reason, const std::string& detail) {
  if (phase_ == Phase::kWaiting && response_started_ &&
      reason == network::CloseReason::kRemoteClosed && parser_ != nullptr) {
    keep_alive_ = false;
    parser_->finish();  // completes a response delimited by the connection's close
    if (parsed_result_) {
      finishParsed();
      return;
    }
  }
  if (phase_ == Phase::kIdle || phase_ == Phase::kDone) {
    return;
  }
  if (phase_ == Phase::kConnecting && target_.proxy) {
    finish(absl::UnavailableError(absl::StrCat("could not connect to proxy ", proxy_name_, " for ",
                                               target_.pool_key, ": ", detail)));
    return;
  }
  if (phase_ == Phase::kTunneling) {
    finish(absl::UnavailableError(absl::StrCat(
        "proxy ", proxy_name_, " closed the connection before answering CONNECT: ", detail)));
    return;
  }
  if (phase_ == Phase::kHandshaking) {
    finish(
        absl::UnavailableError(absl::StrCat("TLS with ", describeTarget(), " failed: ", detail)));
    return;
  }
  const char* what = phase_ == Phase::kConnecting ? "could not connect to " : "connection to ";
  finish(absl::UnavailableError(absl::StrCat(
      what, describeTarget(), phase_ == Phase::kConnecting ? ": " : " closed early: ", detail)));
}

void HttpClientRequest::finish(absl::StatusOr<HttpResponse> result) {
  if (phase_ == Phase::kDone) {
    return;
  }
  if (starting_) {
    deferred_result_ = std::move(result);
    timer_.arm(0);
    return;
  }
  phase_ = Phase::kDone;
  timer_.disarm();
  parser_.reset();
  // Connections are closed here, or released to the pool on success before this call; the
  // callback may destroy this object, so nothing is touched after it.
  connection_.reset();
  Callback on_done = std::move(on_done_);
  on_done(std::move(result));
}

}  // namespace portico::upstream
