#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "source/common/http/header_map.h"
#include "source/common/http/parser.h"
#include "source/common/network/connection.h"
#include "source/common/network/timer.h"
#include "source/upstream/forward_proxy.h"
#include "source/upstream/upstreams.h"

namespace portico::upstream {

// Where a request goes. Connections are pooled by `pool_key`, so it must name everything that
// makes two connections differ (scheme, host, port, TLS settings); the client itself keeps
// connections through a proxy apart. The key names the target in error messages.
struct HttpTarget {
  std::string host;  // a name or an IP literal; also the TLS server name
  uint16_t port = 0;
  SSL_CTX* tls_context = nullptr;  // nullptr: plain HTTP; owned by the caller, outlives requests
  std::string pool_key;
  // Reached through this proxy: TLS in a CONNECT tunnel, plain HTTP in absolute form.
  std::optional<ForwardProxy> proxy;
};

struct HttpResponse {
  int status = 0;
  http::HeaderMap headers;
  std::string body;
};

// One HTTP/1.1 exchange whose response is wanted whole (an API call, not proxied traffic): the
// Lambda Invoke call on a worker, credential and JWKS fetches on the main thread. Keep-alive
// connections come from and go back to the loop's pool.
//
// Failures arrive as statuses: kNotFound (the name does not resolve), kUnavailable (connect or
// TLS failed, the proxy refused the tunnel, or the peer closed early), kDeadlineExceeded (no
// progress within the timeout), kDataLoss (not an HTTP response), kResourceExhausted (body larger
// than allowed).
class HttpClientRequest : public network::ConnectionCallbacks, public http::Parser::Callbacks {
 public:
  using Callback = std::function<void(absl::StatusOr<HttpResponse>)>;
  struct Options {
    // Each phase (resolve+connect, send, wait for bytes) must progress within this.
    uint64_t timeout_ms = 60000;
    size_t max_response_bytes = 16 * 1024 * 1024;
  };

  // `request_bytes` is the whole message, head and body, as it goes on the wire. `on_done` runs
  // once, on the loop, never from inside start(); destroying the request first cancels it.
  HttpClientRequest(Upstreams& upstreams, HttpTarget target, std::string request_bytes,
                    Options options, Callback on_done);
  ~HttpClientRequest() override;

  void start();

  // network::ConnectionCallbacks
  void onConnected() override;
  void onData(const char* data, size_t length) override;
  void onClose(network::CloseReason reason, const std::string& detail) override;

  // http::Parser::Callbacks
  void onHead(http::MessageHead& head) override;
  void onBody(const char* data, size_t length) override;
  void onMessageComplete() override;

 private:
  // Through a proxy, a TLS target goes kConnecting (to the proxy), kTunneling (CONNECT sent),
  // kHandshaking (TLS in the tunnel), kWaiting.
  enum class Phase { kIdle, kResolving, kConnecting, kTunneling, kHandshaking, kWaiting, kDone };

  void onTimer();
  void resolveAndConnect();
  void connectTo(const sockaddr* address);
  void openTunnel();
  void onTunnelData(const char* data, size_t length);
  // The target, and the proxy it is reached through, for messages (never the credentials).
  std::string describeTarget() const;
  void send();
  void finishParsed();
  void finish(absl::StatusOr<HttpResponse> result);

  Upstreams& upstreams_;
  HttpTarget target_;
  std::string pool_key_;
  std::string proxy_name_;  // host:port of the proxy, empty without one
  int tunnel_status_ = 0;
  std::string request_bytes_;
  Options options_;
  Callback on_done_;
  std::shared_ptr<HttpClientRequest*> alive_;  // resolver callbacks hold a weak_ptr to it
  network::ConnectionPtr connection_;
  std::unique_ptr<http::Parser> parser_;
  network::Timer timer_;
  Phase phase_ = Phase::kIdle;
  bool response_started_ = false;
  bool keep_alive_ = false;
  HttpResponse response_;
  bool starting_ = false;
  // A result reached inside start() (delivered on the next loop turn) or inside the parser.
  std::optional<absl::StatusOr<HttpResponse>> deferred_result_;
  std::optional<absl::StatusOr<HttpResponse>> parsed_result_;
};

}  // namespace portico::upstream
