#include "source/server/active_stream.h"

#include <algorithm>

#include "source/common/http/error_body.h"
#include "source/common/http/hop_by_hop.h"
#include "source/common/http/serializer.h"
#include "source/filters/http/proxy/proxy_filter.h"
#include "source/server/access_log.h"
#include "source/server/http_connection.h"
#include "source/server/stats/stream_sample.h"
#include "source/server/stats/worker_stats.h"

namespace portico::server {
namespace {

// With `keep_upgrade` (a 101 that switches the connection) the Upgrade line stays.
void removeHopByHop(http::HeaderMap& headers, bool keep_upgrade) {
  const std::string* line = headers.get("connection");
  // A copy: the Connection line is removed along with the rest.
  const std::string connection = line != nullptr ? *line : std::string();
  const http::ConnectionListedNames listed(connection);
  auto& entries = headers.mutableEntries();
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&listed, keep_upgrade](const auto& e) {
                                 if (keep_upgrade && http::equalsIgnoreCase(e.first, "upgrade")) {
                                   return false;
                                 }
                                 return http::isHopByHopHeader(e.first) || listed.contains(e.first);
                               }),
                entries.end());
}

bool responseHasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

// A response head with Portico's headers fits without growing the buffer.
constexpr size_t kHeadReserve = 512;

}  // namespace

ActiveStream::ActiveStream(HttpConnection& connection, http::MessageHead&& request)
    : connection_(connection), request_(std::move(request)) {
  head_request_ = std::string_view(request_.method) == "HEAD";
  request_head_bytes_ = stats::requestHeadBytes(request_);
}

ActiveStream::~ActiveStream() {
  if (cork_ != nullptr) {
    // Ended mid-read: what it had collected goes with it.
    cork_->bytes.clear();
    cork_->owner = nullptr;
  }
  if (!completed_) {
    for (auto& filter : filters_) {
      filter->onComplete();
    }
  }
}

uv_loop_t* ActiveStream::loop() { return connection_.loop(); }

upstream::Upstreams& ActiveStream::upstreams() { return connection_.upstreams(); }

http::LoopServices& ActiveStream::loopServices() { return connection_.loopServices(); }

uint64_t ActiveStream::now() const { return uv_now(connection_.loop()); }

void ActiveStream::start() {
  const std::string& target = request_.target;
  const size_t question = target.find('?');
  context_.raw_path = target.substr(0, question);
  if (question != std::string::npos) {
    context_.has_query = true;
    context_.raw_query = target.substr(question + 1);
  }
  const std::string* host = request_.headers.get("host");
  if (request_.version_major == 1 && request_.version_minor == 1 && host == nullptr) {
    sendGatewayError(400, "Bad request");
    return;
  }
  if (context_.raw_path.empty() || context_.raw_path.front() != '/') {
    sendGatewayError(400, "Bad request");
    return;
  }
  const uint64_t max_body = context_.settings->client_max_body_size;
  if (max_body > 0 && request_.content_length && *request_.content_length > max_body) {
    sendGatewayError(413, "Payload too large");
    return;
  }
  route(host);
}

void ActiveStream::route(const std::string* host) {
  router::RequestInfo info(request_.headers);
  info.method = request_.method;
  if (host != nullptr) {
    info.host = *host;
  }
  info.path = context_.raw_path;
  info.listener_port = context_.listener_port;
  info.scheme = context_.scheme;
  info.sni = context_.sni;
  context_.match = context_.snapshot->router().match(info);
  if (!context_.match) {
    sendLocalReply(404, "no Route matched with those values", {});
    return;
  }
  if (context_.match->service != nullptr) {
    context_.service = context_.snapshot->service(*context_.match->service);
  }
  if (std::optional<HttpsRedirect> redirect =
          httpsRedirectFor(*context_.match->route, context_.scheme, context_.trusted_client,
                           request_.headers, request_.target)) {
    sendHttpsRedirect(*redirect);
    return;
  }
  runRequestHeaders();
}

void ActiveStream::sendHttpsRedirect(const HttpsRedirect& redirect) {
  if (redirect.location.empty()) {
    upgrade_to_tls_ = true;
    sendLocalReply(426, "Please use HTTPS protocol", {});
    return;
  }
  http::HeaderMap headers;
  headers.set("Location", redirect.location);
  sendResponse(redirect.status, std::move(headers), "");
}

void ActiveStream::runRequestHeaders() {
  const PluginIndex& plugins = context_.snapshot->plugins();
  const auto& names = plugins.namesByPriority();
  const std::string& route_id = context_.match->route->id();
  const std::string empty;
  const std::string& service_id =
      context_.match->service != nullptr ? context_.match->service->id() : empty;
  // Plugins are looked up one at a time, at their turn, so that a consumer identified by an
  // earlier (higher-priority) auth plugin selects consumer-scoped instances of later ones.
  while (next_filter_ < names.size()) {
    const std::string& name = names[next_filter_++];
    const std::string& consumer_id = context_.consumer != nullptr ? context_.consumer->id() : empty;
    const PluginEntry* entry = plugins.lookup(name, route_id, service_id, consumer_id);
    if (entry == nullptr || entry->filter_config == nullptr) {
      continue;
    }
    http::HttpFilterPtr filter = entry->filter_config->createFilter();
    filter->setCallbacks(this);
    http::HttpFilter& current = *filter;
    filters_.push_back(std::move(filter));
    const bool end_stream = !request_.hasRequestBody();
    if (current.onRequestHeaders(request_, end_stream) == http::FilterStatus::kStop ||
        response_started_) {
      if (body_taker_ == &current && !response_started_) {
        flushPendingBody();
      }
      return;
    }
  }
  if (response_started_) {
    return;
  }
  if (context_.service == nullptr) {
    sendLocalReply(503, "no Service found with those values", {});
    return;
  }
  sendContinueIfExpected();
  request_.headers.remove("expect");
  context_.proxy_start_ms = now();
  std::unique_ptr<filters::ProxyFilter> proxy = connection_.createProxyFilter();
  proxy->setCallbacks(this);
  proxy_ = proxy.get();
  http::HttpFilter& terminal = *proxy;
  filters_.push_back(std::move(proxy));
  headers_done_ = true;
  terminal.onRequestHeaders(request_, !request_.hasRequestBody() || request_complete_);
  if (!response_started_) {
    flushPendingBody();
  }
}

void ActiveStream::continueRequest() {
  if (!headers_done_ && !response_started_) {
    runRequestHeaders();
  }
}

void ActiveStream::sendContinueIfExpected() {
  if (!sent_continue_ && request_.hasRequestBody()) {
    if (const std::string* expect = request_.headers.get("expect");
        expect != nullptr && http::equalsIgnoreCase(*expect, "100-continue") &&
        !request_.isHttp10()) {
      connection_.write("HTTP/1.1 100 Continue\r\n\r\n");
      sent_continue_ = true;
    }
  }
}

void ActiveStream::takeRequestBody(http::HttpFilter& filter) {
  body_taker_ = &filter;
  sendContinueIfExpected();
}

void ActiveStream::flushPendingBody() {
  while (!pending_body_.empty() && !response_complete_) {
    std::string chunk = std::move(pending_body_.front());
    pending_body_.pop_front();
    const bool end = pending_body_.empty() && pending_body_end_;
    deliverRequestBody(std::move(chunk), end);
  }
  connection_.requestBodyReadEnable(true);
}

void ActiveStream::deliverRequestBody(std::string chunk, bool end_stream) {
  if (body_taker_ != nullptr) {
    body_taker_->onRequestBody(chunk, end_stream);
    return;
  }
  runRequestBody(std::move(chunk), end_stream);
}

void ActiveStream::runRequestBody(std::string chunk, bool end_stream) {
  for (auto& filter : filters_) {
    if (filter->onRequestBody(chunk, end_stream) == http::FilterStatus::kStop) {
      return;
    }
  }
}

void ActiveStream::onRequestBody(const char* data, size_t length) {
  if (response_complete_) {
    return;  // the answer is out; the rest of the body is read and dropped
  }
  request_body_bytes_ += length;
  const uint64_t max_body = context_.settings->client_max_body_size;
  if (max_body > 0 && request_body_bytes_ > max_body) {
    // A chunked body that outgrew the limit: whatever is in flight upstream is abandoned.
    for (auto& filter : filters_) {
      filter->onDownstreamReset();
    }
    close_connection_ = true;
    sendGatewayError(413, "Payload too large");
    return;
  }
  if (!headers_done_ && body_taker_ == nullptr) {
    pending_body_.emplace_back(data, length);
    if (pending_body_.size() > 16) {
      connection_.requestBodyReadEnable(false);
    }
    return;
  }
  deliverRequestBody(std::string(data, length), false);
}

void ActiveStream::onRequestComplete() {
  request_complete_ = true;
  if (response_complete_) {
    return;
  }
  if (!headers_done_ && body_taker_ == nullptr) {
    pending_body_end_ = true;
    if (pending_body_.empty() && request_.hasRequestBody()) {
      pending_body_.emplace_back();
    }
    return;
  }
  if (request_.hasRequestBody()) {
    deliverRequestBody(std::string(), true);
  }
}

void ActiveStream::onDownstreamReset() {
  for (auto& filter : filters_) {
    filter->onDownstreamReset();
  }
}

void ActiveStream::onDownstreamWatermark(bool above_high) {
  if (!filters_.empty() && headers_done_) {
    filters_.back()->onDownstreamWatermark(above_high);
  }
}

bool ActiveStream::downstreamAboveHighWatermark() const { return connection_.aboveHighWatermark(); }

void ActiveStream::requestBodyReadEnable(bool enabled) {
  connection_.requestBodyReadEnable(enabled);
}

void ActiveStream::addResponseHeaders(const http::MessageHead& head, bool gateway_generated,
                                      ResponseHeaderValues& values,
                                      http::HeaderOverrides& overrides) {
  const ProxySettings& settings = *context_.settings;
  const uint64_t current = now();
  if (gateway_generated) {
    if (settings.server_tokens) {
      overrides.set("Server", settings.server_token);
    }
    if (settings.latency_tokens) {
      values.response_latency =
          std::to_string(current - context_.start_ms - context_.excluded_latency_ms);
      overrides.set("X-Portico-Response-Latency", values.response_latency);
    }
  } else {
    if (settings.server_tokens) {
      const std::string* existing = head.headers.get("via");
      overrides.set("Via",
                    settings.viaWithThisHop(
                        existing != nullptr ? std::string_view(*existing) : std::string_view(),
                        head.version_major, head.version_minor, values.via));
      if (!head.headers.has("server")) {
        overrides.set("Server", settings.server_token);
      }
    }
    if (settings.latency_tokens) {
      const uint64_t upstream_done =
          context_.upstream_headers_ms != 0 ? context_.upstream_headers_ms : current;
      values.upstream_latency = std::to_string(upstream_done - context_.proxy_start_ms);
      values.proxy_latency = std::to_string(context_.proxy_start_ms - context_.start_ms);
      overrides.set("X-Portico-Upstream-Latency", values.upstream_latency);
      overrides.set("X-Portico-Proxy-Latency", values.proxy_latency);
    }
  }
  if (settings.request_id_header) {
    overrides.set("X-Portico-Request-Id", context_.request_id.view());
  }
}

void ActiveStream::encodeHeaders(http::MessageHead& head, bool end_stream) {
  if (response_started_) {
    return;
  }
  response_started_ = true;
  // Only the proxy filter sends a 101, and only for a handshake the upstream accepted.
  switched_protocols_ = head.status == 101 && proxy_ != nullptr && proxy_->switchedProtocols();
  removeHopByHop(head.headers, switched_protocols_);
  if (upgrade_to_tls_) {
    head.headers.set("Upgrade", "TLS/1.2, HTTP/1.1");
  }
  for (auto it = filters_.rbegin(); it != filters_.rend(); ++it) {
    (*it)->onResponseHeaders(head);
  }
  // The headers Portico adds are written as the head is serialized, not copied into it.
  http::HeaderOverrides overrides;
  ResponseHeaderValues values;
  addResponseHeaders(head, !context_.proxied, values, overrides);
  const bool no_body = head_request_ || responseHasNoBody(head.status);
  if (!no_body && !head.headers.has("content-length")) {
    if (end_stream) {
      overrides.set("Content-Length", "0");
    } else if (!request_.isHttp10()) {
      overrides.set("Transfer-Encoding", "chunked");
      chunked_response_ = true;
    } else {
      close_delimited_response_ = true;
    }
  }
  // A request whose body is still arriving ends the connection unless the rest can be drained.
  close_connection_ = close_connection_ || !request_.keep_alive || close_delimited_response_ ||
                      connection_.draining();
  if (switched_protocols_) {
    overrides.set("Connection", "upgrade");  // as nginx sends it with a 101
  } else if (upgrade_to_tls_) {
    overrides.set("Connection", close_connection_ ? "close, Upgrade" : "keep-alive, Upgrade");
  } else {
    overrides.set("Connection", close_connection_ ? "close" : "keep-alive");
  }
  response_status_ = head.status;
  if (cork_ != nullptr) {
    // Serialized straight into the corked bytes.
    std::string& corked = cork_->bytes;
    const size_t head_start = corked.size();
    http::serializeResponseHead(head, overrides, corked);
    response_bytes_ += corked.size() - head_start;
  } else {
    std::string out;
    out.reserve(kHeadReserve);
    http::serializeResponseHead(head, overrides, out);
    writeDownstream(out);
  }
  if (end_stream || no_body) {
    finishResponse();
  }
}

void ActiveStream::encodeData(const char* data, size_t length, bool end_stream) {
  if (response_complete_ || !response_started_) {
    return;
  }
  if (head_request_) {
    if (end_stream) {
      finishResponse();
    }
    return;
  }
  if (chunked_response_) {
    std::string out;
    if (length > 0) {
      out.reserve(length + 16);
      http::appendChunk(std::string_view(data, length), out);
    }
    if (end_stream) {
      out.append(http::kLastChunk);
    }
    writeDownstream(out);
  } else if (length > 0) {
    writeDownstream(std::string_view(data, length));
  }
  if (end_stream) {
    finishResponse();
  }
}

void ActiveStream::sendLocalReply(int status, std::string_view message,
                                  http::HeaderMap extra_headers) {
  sendError(status, message, http::formatForPdkError(request_.headers), std::move(extra_headers));
}

void ActiveStream::sendGatewayError(int status, std::string_view message) {
  sendError(status, message,
            http::formatForProxyError(request_.headers, context_.settings->error_default_format),
            {});
}

void ActiveStream::sendError(int status, std::string_view message, http::ErrorFormat format,
                             http::HeaderMap extra_headers) {
  if (response_started_) {
    // Too late for an answer: the client already has part of one. Drop the connection.
    close_connection_ = true;
    finishResponse();
    return;
  }
  http::ErrorBody body = http::renderErrorBody(format, message, context_.request_id.view());
  extra_headers.set("Content-Type", std::move(body.content_type));
  sendResponse(status, std::move(extra_headers), std::move(body.body));
}

void ActiveStream::sendResponse(int status, http::HeaderMap headers, std::string body) {
  if (response_started_) {
    close_connection_ = true;
    finishResponse();
    return;
  }
  if (!request_complete_ && request_.hasRequestBody()) {
    // Answering before the body arrived: drain small bodies to keep the connection, else close.
    const bool drainable =
        request_.content_length && *request_.content_length <= 1024 * 1024 && !request_.chunked;
    close_connection_ = !drainable;
  }
  http::MessageHead head;
  head.status = status;
  head.version_major = 1;
  head.version_minor = 1;
  head.headers = std::move(headers);
  head.headers.set("Content-Length", std::to_string(body.size()));
  encodeHeaders(head, body.empty());
  if (!body.empty()) {
    encodeData(body.data(), body.size(), true);
  }
}

void ActiveStream::finishResponse() {
  if (response_complete_) {
    return;
  }
  response_complete_ = true;
  completed_ = true;
  for (auto& filter : filters_) {
    filter->onComplete();
  }
  corkDownstream(false);  // the bytes must leave before the connection moves to the next request
  if (AccessLogWriter* log = connection_.accessLog()) {
    log->log(request_, context_, response_status_, response_bytes_, now());
  }
  if (stats::WorkerStats* stats = stats::WorkerStats::current()) {
    stats->record(stats::streamSample(context_, response_status_,
                                      request_head_bytes_ + request_body_bytes_, response_bytes_,
                                      now()));
  }
  connection_.onResponseComplete(*this);
}

filters::SwitchedUpstream ActiveStream::takeSwitched() {
  return switched_protocols_ ? proxy_->takeSwitched() : filters::SwitchedUpstream();
}

void ActiveStream::writeDownstream(std::string_view data) {
  response_bytes_ += data.size();
  if (cork_ != nullptr) {
    cork_->bytes.append(data);
    return;
  }
  connection_.write(data);
}

void ActiveStream::corkDownstream(bool corked) {
  if (corked) {
    CorkBuffer& cork = connection_.corkBuffer();
    // Were the buffer another stream's, this one would write through rather than mix bytes.
    if (cork.owner == nullptr) {
      cork.owner = this;
      cork_ = &cork;
    }
    return;
  }
  if (cork_ == nullptr) {
    return;
  }
  CorkBuffer& cork = *cork_;
  cork_ = nullptr;
  cork.owner = nullptr;
  if (!cork.bytes.empty()) {
    connection_.write(cork.bytes);
    cork.bytes.clear();
  }
}

}  // namespace portico::server
