#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/common/http/parser.h"
#include "source/common/memory/recycled.h"
#include "source/common/network/connection.h"
#include "source/common/network/timeout_list.h"
#include "source/filters/http/proxy/tunnel.h"
#include "source/http/filter.h"
#include "source/upstream/upstreams.h"

namespace portico::filters {

// The terminal filter of a route with a service: sends the request to the service over a pooled
// keep-alive connection and streams the response back, with Kong's retry and timeout rules.
//
// Flow control: request body chunks are written as they arrive; when the upstream socket's queue
// passes the high watermark the client is no longer read until it drains. Response body chunks
// go to the client the same way, pausing upstream reads while the client is slow.
//
// Protocol upgrades: a WebSocket handshake (http::isWebSocketUpgrade) is sent with Upgrade and
// Connection: upgrade. An answer other than 101 is an ordinary response. A 101 is passed to the
// stream (encodeHeaders) only once the upstream connection has stopped being read as HTTP; the
// downstream connection then takes that connection with takeSwitched() and tunnels.
class ProxyFilter : public http::HttpFilter,
                    public network::ConnectionCallbacks,
                    public http::Parser::Callbacks,
                    public network::TimeoutEntry,
                    public memory::Recycled<ProxyFilter> {
 public:
  explicit ProxyFilter(upstream::Upstreams& upstreams);
  ~ProxyFilter() override;

  // http::HttpFilter
  http::FilterStatus onRequestHeaders(http::MessageHead& request, bool end_stream) override;
  http::FilterStatus onRequestBody(std::string& chunk, bool end_stream) override;
  void onDownstreamWatermark(bool above_high) override;
  void onDownstreamReset() override;

  // The upstream switched protocols and its 101 is being sent downstream.
  bool switchedProtocols() const { return switched_; }
  // After a 101: the upstream connection, no longer the filter's, with what came after the 101
  // and the balanced attempt; empty when nothing switched.
  SwitchedUpstream takeSwitched();

  // network::ConnectionCallbacks
  void onConnected() override;
  void onData(const char* data, size_t length) override;
  void onClose(network::CloseReason reason, const std::string& detail) override;
  void onWriteDrained() override;

  // http::Parser::Callbacks
  void onHead(http::MessageHead& head) override;
  void onBody(const char* data, size_t length) override;
  void onMessageComplete() override;

 private:
  // kNameError: the name does not exist; kResolve: no answer about it (DNS servers failing).
  enum class Failure { kConnect, kTimeout, kBadResponse, kNameError, kResolve };

  void startAttempt();
  // For a service balanced over an upstream: picks the attempt's target and points the Host
  // header and pool key at it. False when no target can take the request (answered 503).
  bool pickTarget();
  void finishAttempt();
  void reportOutcome(upstream::AttemptOutcome outcome, int status = 0);
  void reuseOrConnect(const sockaddr_storage& address, bool resolved);
  void connectTo(const sockaddr* address);
  void sendRequest();
  void parseResponse(const char* data, size_t length);
  // The upstream's 101 has been parsed; `rest` is what followed it in the same read.
  void switchProtocols(const char* rest, size_t length);
  void writeBody(const std::string& chunk, bool end_stream);
  void requestFullySent();
  // The one upstream timeout, armed with the service's connect, write or read duration (each
  // replaces the last); the phase tells onTimeout which expired.
  enum class Timeout { kConnect, kWrite, kRead };
  void armTimeout(Timeout timeout);
  void onTimeout() override;
  void fail(Failure failure, const std::string& detail);
  void releaseConnection(bool reusable);
  bool canRetryOnFreshConnection() const;

  upstream::Upstreams& upstreams_;
  // The pending name lookup's callback holds a weak_ptr to it; replaced by each lookup.
  std::shared_ptr<ProxyFilter*> alive_;
  std::string request_head_bytes_;
  bool head_request_ = false;
  bool idempotent_ = false;
  bool request_chunked_ = false;
  bool request_has_body_ = false;
  bool request_end_seen_ = false;
  bool request_sent_ = false;
  // The body so far, kept while it is small so a failed connect can be retried with it.
  std::string replay_body_;
  bool replay_complete_ = true;

  network::ConnectionPtr connection_;
  bool connection_reused_ = false;
  bool force_fresh_connection_ = false;
  bool connected_ = false;
  std::optional<http::Parser> parser_;
  // kSwitching: a 101 head was parsed; the parser is left before anything else happens.
  enum class Phase {
    kIdle,
    kResolving,
    kConnecting,
    kWaitingResponse,
    kStreamingResponse,
    kSwitching,
    kDone
  };
  Phase phase_ = Phase::kIdle;
  uint32_t retries_left_ = 0;
  bool response_keep_alive_ = false;
  bool downstream_paused_ = false;
  bool websocket_ = false;  // the request asked to switch to WebSocket
  bool switched_ = false;
  // Made only for a 101 to a WebSocket handshake.
  struct Switch {
    http::MessageHead head;   // to send downstream
    std::string early_bytes;  // what the upstream sent right after its 101
  };
  std::unique_ptr<Switch> switch_;

  // The attempt's endpoint: the service's, or the picked target's. A host name's connections are
  // pooled by the address they reached (resolved_pool_key_), so that when DNS moves the name new
  // requests follow at once while the old connections age out.
  const std::string* pool_key_ = nullptr;
  std::string resolved_pool_key_;
  const std::string* host_ = nullptr;
  uint16_t port_ = 0;
  // Balanced services only; held so the attempt can be closed out even after the stream let go.
  upstream::UpstreamRuntimeConstSharedPtr balanced_;
  std::string hash_key_;
  std::string set_cookie_;
  std::vector<size_t> tried_targets_;
  std::optional<size_t> target_;  // the current attempt's target, counted as in flight
  size_t host_value_offset_ = std::string::npos;  // of the Host header's value in the head
  size_t host_value_length_ = 0;
};

}  // namespace portico::filters
