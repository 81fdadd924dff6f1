#include "source/filters/http/proxy/proxy_filter.h"

#include <netinet/in.h>

#include "absl/strings/str_cat.h"
#include "source/common/http/hop_by_hop.h"
#include "source/common/http/serializer.h"
#include "source/common/log/logger.h"
#include "source/filters/http/proxy/balancer_key.h"
#include "source/filters/http/proxy/upstream_request.h"
#include "source/http/stream_context.h"

namespace portico::filters {
namespace {

// Request bytes kept for replaying on a new connection; a longer body cannot be retried.
constexpr size_t kMaxReplayBytes = 64 * 1024;

constexpr char kBadResponse[] = "An invalid response was received from the upstream server";
constexpr char kTimedOut[] = "The upstream server is timing out";
constexpr char kNoPeer[] = "failure to get a peer from the ring-balancer";

bool isIdempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
         method == "DELETE" || method == "TRACE";
}

// The address bytes: a key part, never shown.
void appendAddressKey(const sockaddr_storage& address, std::string& key) {
  key.push_back('@');
  if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    key.append(reinterpret_cast<const char*>(&in6.sin6_addr), sizeof in6.sin6_addr);
  } else {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    key.append(reinterpret_cast<const char*>(&in.sin_addr), sizeof in.sin_addr);
  }
}

}  // namespace

ProxyFilter::ProxyFilter(upstream::Upstreams& upstreams) : upstreams_(upstreams) {}

ProxyFilter::~ProxyFilter() { finishAttempt(); }

http::FilterStatus ProxyFilter::onRequestHeaders(http::MessageHead& request, bool end_stream) {
  http::StreamContext& context = callbacks_->context();
  // Built in a buffer that keeps its capacity, then copied at its exact size: one small
  // allocation per request.
  thread_local std::string head_buffer;
  head_buffer.clear();
  websocket_ = http::isWebSocketUpgrade(request);
  serializeUpstreamRequest(request, context, websocket_, head_buffer);
  request_head_bytes_ = head_buffer;
  head_request_ = std::string_view(request.method) == "HEAD";
  idempotent_ = isIdempotent(request.method);
  request_chunked_ = request.chunked;
  request_has_body_ = request.hasRequestBody();
  request_end_seen_ = end_stream || !request_has_body_;
  retries_left_ = context.service->service->retries();
  context.proxied = true;
  const server::ServiceRuntime& service = *context.service;
  host_ = &service.service->host();
  port_ = static_cast<uint16_t>(service.service->port());
  if (service.upstream != nullptr) {
    balanced_ = service.upstream;
    BalancerKey key = balancerKey(*balanced_, request, context);
    hash_key_ = std::move(key.value);
    set_cookie_ = std::move(key.set_cookie);
    if (!context.match->route->preserve_host()) {
      // Ours is the only Host line: the client's are dropped.
      const size_t line = request_head_bytes_.find("\r\nHost: ");
      if (line != std::string::npos) {
        host_value_offset_ = line + 8;
        host_value_length_ =
            request_head_bytes_.find("\r\n", host_value_offset_) - host_value_offset_;
      }
    }
  }
  startAttempt();
  return http::FilterStatus::kStop;
}

bool ProxyFilter::pickTarget() {
  const server::ServiceRuntime& service = *callbacks_->context().service;
  const upstream::UpstreamRuntime& balanced = *balanced_;
  finishAttempt();
  std::optional<size_t> picked = upstreams_.balancer.pick(balanced, hash_key_, tried_targets_);
  if (!picked) {
    phase_ = Phase::kDone;
    cancelTimeout();
    callbacks_->sendLocalReply(503, kNoPeer, {});
    return false;
  }
  target_ = picked;
  tried_targets_.push_back(*picked);
  upstreams_.balancer.attemptStarted(balanced, *picked);
  const upstream::TargetRuntime& target = balanced.targets[*picked];
  host_ = &target.host;
  port_ = target.port;
  if (host_value_offset_ != std::string::npos) {
    const std::string& host_header = service.target_host_headers[*picked];
    request_head_bytes_.replace(host_value_offset_, host_value_length_, host_header);
    host_value_length_ = host_header.size();
  }
  return true;
}

void ProxyFilter::finishAttempt() {
  if (target_) {
    upstreams_.balancer.attemptFinished(*balanced_, *target_);
    target_.reset();
  }
}

void ProxyFilter::reportOutcome(upstream::AttemptOutcome outcome, int status) {
  if (target_) {
    upstreams_.balancer.report(*balanced_, *target_, outcome, status);
  }
}

void ProxyFilter::armTimeout(Timeout timeout) {
  const config::v1::Service& service = *callbacks_->context().service->service;
  const uint64_t duration_ms = timeout == Timeout::kConnect ? service.connect_timeout()
                               : timeout == Timeout::kWrite ? service.write_timeout()
                                                            : service.read_timeout();
  upstreams_.timeouts.schedule(*this, duration_ms);
}

void ProxyFilter::startAttempt() {
  const server::ServiceRuntime& service = *callbacks_->context().service;
  connected_ = false;
  connection_reused_ = false;
  if (balanced_ != nullptr && !pickTarget()) {
    return;
  }
  pool_key_ = target_ ? &service.target_pool_keys[*target_] : &service.pool_key;
  const std::optional<sockaddr_storage>& address =
      target_ ? balanced_->targets[*target_].address : service.address;
  if (address) {
    reuseOrConnect(*address, false);
    return;
  }
  phase_ = Phase::kResolving;
  armTimeout(Timeout::kConnect);
  // A fresh token per lookup: the answer to an earlier attempt's (a timed-out target's, on a
  // balanced retry) finds its token gone instead of taking this attempt's place.
  alive_ = std::make_shared<ProxyFilter*>(this);
  std::weak_ptr<ProxyFilter*> alive = alive_;
  upstreams_.resolver.resolve(*host_, port_, [alive](const upstream::Resolver::Result& result) {
    std::shared_ptr<ProxyFilter*> self = alive.lock();
    if (self == nullptr || (*self)->phase_ != Phase::kResolving) {
      return;
    }
    ProxyFilter& filter = **self;
    if (result.outcome == upstream::Resolver::Outcome::kOk) {
      filter.reuseOrConnect(result.address, true);
    } else if (result.outcome == upstream::Resolver::Outcome::kNameError) {
      filter.fail(Failure::kNameError, result.error);
    } else {
      filter.fail(Failure::kResolve, result.error);
    }
  });
}

void ProxyFilter::reuseOrConnect(const sockaddr_storage& address, bool resolved) {
  if (resolved) {
    resolved_pool_key_.assign(*pool_key_);
    appendAddressKey(address, resolved_pool_key_);
    pool_key_ = &resolved_pool_key_;
  }
  connection_ = force_fresh_connection_ ? nullptr : upstreams_.pool.take(*pool_key_);
  if (connection_ != nullptr) {
    connection_->setCallbacks(this);
    connection_reused_ = true;
    connected_ = true;
    sendRequest();
    return;
  }
  connectTo(reinterpret_cast<const sockaddr*>(&address));
}

void ProxyFilter::connectTo(const sockaddr* address) {
  const server::ServiceRuntime& service = *callbacks_->context().service;
  phase_ = Phase::kConnecting;
  armTimeout(Timeout::kConnect);
  connection_ = network::Connection::connect(upstreams_.loop, address, service.tls_context.get(),
                                             *host_, this);
}

void ProxyFilter::onConnected() {
  connected_ = true;
  sendRequest();
}

void ProxyFilter::sendRequest() {
  phase_ = Phase::kWaitingResponse;
  parser_.emplace(http::Parser::Type::kResponse, this);
  parser_->expectNoBody(head_request_);
  connection_->write(request_head_bytes_);
  connection_->write(replay_body_);
  if (!replay_complete_) {
    // Only possible on a first attempt: later attempts are not made without the whole body.
    replay_body_.clear();
  }
  if (request_end_seen_) {
    requestFullySent();
  } else {
    armTimeout(Timeout::kWrite);
    callbacks_->requestBodyReadEnable(!connection_->aboveHighWatermark());
  }
}

http::FilterStatus ProxyFilter::onRequestBody(std::string& chunk, bool end_stream) {
  if (phase_ == Phase::kDone) {
    return http::FilterStatus::kStop;
  }
  std::string encoded;
  if (request_chunked_) {
    http::appendChunk(chunk, encoded);
    if (end_stream) {
      encoded.append(http::kLastChunk);
    }
  } else {
    encoded.swap(chunk);
  }
  const bool sending = connected_ && phase_ != Phase::kConnecting;
  if (!sending || (replay_complete_ && replay_body_.size() + encoded.size() <= kMaxReplayBytes)) {
    replay_body_.append(encoded);
  } else {
    replay_complete_ = false;
    replay_body_.clear();
  }
  if (end_stream) {
    request_end_seen_ = true;
  }
  if (!sending) {
    if (replay_body_.size() > kMaxReplayBytes) {
      callbacks_->requestBodyReadEnable(false);  // resumed once connected
    }
    return http::FilterStatus::kStop;
  }
  connection_->write(encoded);
  if (end_stream) {
    requestFullySent();
  } else {
    armTimeout(Timeout::kWrite);
    if (connection_->aboveHighWatermark()) {
      callbacks_->requestBodyReadEnable(false);
    }
  }
  return http::FilterStatus::kStop;
}

void ProxyFilter::requestFullySent() {
  request_sent_ = true;
  if (phase_ == Phase::kWaitingResponse || phase_ == Phase::kStreamingResponse) {
    armTimeout(Timeout::kRead);
  }
}

void ProxyFilter::onWriteDrained() { callbacks_->requestBodyReadEnable(true); }

void ProxyFilter::onData(const char* data, size_t length) {
  if (request_sent_) {
    armTimeout(Timeout::kRead);
  }
  // Whatever this read produces (head, body, end) leaves in one downstream write.
  http::StreamCallbacks* stream = callbacks_;
  stream->corkDownstream(true);
  parseResponse(data, length);
  stream->corkDownstream(false);
}

void ProxyFilter::parseResponse(const char* data, size_t length) {
  while (length > 0 && parser_.has_value()) {
    const http::Parser::Result result = parser_->execute(data, length);
    if (result.outcome == http::Parser::Outcome::kError) {
      fail(Failure::kBadResponse, result.error_reason);
      return;
    }
    if (result.outcome != http::Parser::Outcome::kMessageDone || phase_ == Phase::kDone) {
      return;
    }
    if (phase_ == Phase::kSwitching) {
      switchProtocols(data + result.consumed, length - result.consumed);
      return;
    }
    // An interim (1xx) response ended; the real one follows.
    parser_->resume();
    data += result.consumed;
    length -= result.consumed;
  }
}

void ProxyFilter::onHead(http::MessageHead& head) {
  if (head.status >= 100 && head.status < 200 && head.status != 101) {
    return;  // 100 Continue and friends are consumed here
  }
  if (head.status == 101 && !websocket_) {
    // A switch nobody asked for: answered as a bad response once the parser has returned.
    phase_ = Phase::kSwitching;
    return;
  }
  http::StreamContext& context = callbacks_->context();
  context.upstream_headers_ms = uv_now(upstreams_.loop);
  context.upstream_status = head.status;
  reportOutcome(upstream::AttemptOutcome::kHttpStatus, head.status);
  phase_ = Phase::kStreamingResponse;
  response_keep_alive_ = head.keep_alive && head.status != 101;
  http::MessageHead response;
  response.status = head.status;
  response.reason = std::move(head.reason);
  response.version_major = head.version_major;
  response.version_minor = head.version_minor;
  response.headers = std::move(head.headers);
  if (!set_cookie_.empty()) {
    response.headers.add("Set-Cookie", std::move(set_cookie_));
  }
  if (head.status == 101) {
    // Sent from switchProtocols, once the parser no longer runs on the connection's bytes.
    phase_ = Phase::kSwitching;
    switch_ = std::make_unique<Switch>();
    switch_->head = std::move(response);
    return;
  }
  callbacks_->encodeHeaders(response, false);
}

void ProxyFilter::switchProtocols(const char* rest, size_t length) {
  if (switch_ == nullptr) {
    fail(Failure::kBadResponse, "101 Switching Protocols to a request that asked for no upgrade");
    return;
  }
  phase_ = Phase::kDone;
  cancelTimeout();
  parser_.reset();
  switched_ = true;
  switch_->early_bytes.assign(rest, length);
  // The stream writes the 101, then the downstream connection takes the upstream one.
  callbacks_->encodeHeaders(switch_->head, true);
}

SwitchedUpstream ProxyFilter::takeSwitched() {
  SwitchedUpstream switched;
  if (!switched_) {
    return switched;
  }
  switched.connection = std::move(connection_);
  switched.early_bytes = std::move(switch_->early_bytes);
  if (target_) {
    switched.attempt =
        std::make_unique<upstream::InFlightAttempt>(upstreams_.balancer, balanced_, *target_);
    target_.reset();
  }
  return switched;
}

void ProxyFilter::onBody(const char* data, size_t length) {
  callbacks_->encodeData(data, length, false);
  if (!downstream_paused_ && callbacks_->downstreamAboveHighWatermark()) {
    downstream_paused_ = true;
    connection_->readEnable(false);
  }
}

void ProxyFilter::onMessageComplete() {
  if (phase_ != Phase::kStreamingResponse) {
    return;  // an interim response; see onData
  }
  phase_ = Phase::kDone;
  cancelTimeout();
  finishAttempt();
  releaseConnection(response_keep_alive_ && request_sent_);
  callbacks_->encodeData(nullptr, 0, true);
}

void ProxyFilter::releaseConnection(bool reusable) {
  if (connection_ == nullptr) {
    return;
  }
  if (reusable) {
    upstreams_.pool.release(*pool_key_, std::move(connection_));
  }
  connection_.reset();
}

void ProxyFilter::onClose(network::CloseReason reason, const std::string& detail) {
  switch (phase_) {
    case Phase::kConnecting:
      fail(Failure::kConnect, detail);
      return;
    case Phase::kWaitingResponse:
      if (connection_reused_ && !parser_->inMessage() && canRetryOnFreshConnection()) {
        // The upstream closed a keep-alive connection just as it was reused: not its fault,
        // and not a retry in Kong's sense.
        connection_.reset();
        parser_.reset();
        force_fresh_connection_ = true;
        startAttempt();
        return;
      }
      fail(Failure::kBadResponse, detail);
      return;
    case Phase::kStreamingResponse: {
      if (reason == network::CloseReason::kRemoteClosed && parser_.has_value()) {
        parser_->finish();  // completes a response delimited by the connection's close
      }
      if (phase_ != Phase::kDone) {
        phase_ = Phase::kDone;
        connection_.reset();
        reportOutcome(upstream::AttemptOutcome::kTcpFailure);
        finishAttempt();
        callbacks_->sendGatewayError(502, kBadResponse);
      }
      return;
    }
    case Phase::kIdle:
    case Phase::kResolving:
    case Phase::kSwitching:
    case Phase::kDone:
      return;
  }
}

bool ProxyFilter::canRetryOnFreshConnection() const { return idempotent_ && replay_complete_; }

void ProxyFilter::onTimeout() {
  switch (phase_) {
    case Phase::kResolving:
    case Phase::kConnecting:
    case Phase::kWaitingResponse:
      fail(Failure::kTimeout, "timeout");
      return;
    case Phase::kStreamingResponse:
      phase_ = Phase::kDone;
      connection_.reset();
      reportOutcome(upstream::AttemptOutcome::kTimeout);
      finishAttempt();
      callbacks_->sendGatewayError(504, kTimedOut);
      return;
    case Phase::kIdle:
    case Phase::kSwitching:
    case Phase::kDone:
      return;
  }
}

void ProxyFilter::fail(Failure failure, const std::string& detail) {
  const bool before_request_sent = phase_ == Phase::kResolving || phase_ == Phase::kConnecting;
  cancelTimeout();
  connection_.reset();
  parser_.reset();
  // Kong resolves before it balances: a name that cannot be resolved is no target's failure, and
  // another attempt would ask the same cache.
  const bool resolving = failure == Failure::kNameError || failure == Failure::kResolve;
  if (!resolving) {
    reportOutcome(failure == Failure::kTimeout ? upstream::AttemptOutcome::kTimeout
                                               : upstream::AttemptOutcome::kTcpFailure);
  }
  // Only failures to reach the upstream are retried: a request it may have seen is not sent twice.
  // Over an upstream, an idempotent request whose response had not begun also moves on to the
  // next target (nginx's proxy_next_upstream), so a target dying under load costs no client error.
  const bool balanced_replay = target_ && idempotent_ && replay_complete_ && request_end_seen_ &&
                               phase_ == Phase::kWaitingResponse;
  const bool retryable = !resolving && (before_request_sent || balanced_replay);
  if (retryable && retries_left_ > 0) {
    --retries_left_;
    startAttempt();
    return;
  }
  phase_ = Phase::kDone;
  finishAttempt();
  const http::StreamContext& context = callbacks_->context();
  log::error(absl::StrCat(failure == Failure::kTimeout ? "upstream timed out" : "upstream failed",
                          " (", detail, ") while talking to ", *host_, ":", port_,
                          ", request_id: ", context.request_id.str()));
  switch (failure) {
    case Failure::kNameError:
      callbacks_->sendLocalReply(503, "name resolution failed", {});
      return;
    case Failure::kResolve:
      callbacks_->sendLocalReply(
          500,
          absl::StrCat("failed the initial dns/balancer resolve for '", *host_, "' with: ", detail),
          {});
      return;
    case Failure::kTimeout:
      callbacks_->sendGatewayError(504, kTimedOut);
      return;
    case Failure::kConnect:
    case Failure::kBadResponse:
      callbacks_->sendGatewayError(502, kBadResponse);
      return;
  }
}

void ProxyFilter::onDownstreamWatermark(bool above_high) {
  if (!above_high && downstream_paused_ && connection_ != nullptr) {
    downstream_paused_ = false;
    connection_->readEnable(true);
  }
}

void ProxyFilter::onDownstreamReset() {
  phase_ = Phase::kDone;
  cancelTimeout();
  connection_.reset();
  finishAttempt();
}

}  // namespace portico::filters
