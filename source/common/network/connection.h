#pragma once

#include <openssl/ssl.h>
#include <uv.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "source/common/network/timer.h"

namespace portico::network {

enum class CloseReason {
  kRemoteClosed,   // the peer closed (EOF) or reset the connection
  kConnectFailed,  // TCP connect refused or unreachable
  kTlsFailed,      // handshake or certificate verification failed
  kIoError,        // any other read/write error
};

class ConnectionCallbacks {
 public:
  virtual ~ConnectionCallbacks() = default;
  // Client connections only: TCP (and TLS, when configured) is up; called again when the
  // handshake begun by startTls has completed.
  virtual void onConnected() {}
  // Plaintext bytes from the peer; valid only during the call.
  virtual void onData(const char* data, size_t length) = 0;
  // The connection is no longer usable; the owner should destroy it. Never called from inside a
  // method the owner called, so the owner may always destroy the connection from here.
  virtual void onClose(CloseReason reason, const std::string& detail) = 0;
  // Everything queued by write() reached the kernel after the queue had grown past the high
  // watermark: the side that feeds this connection may resume reading.
  virtual void onWriteDrained() {}
};

// A TCP connection on one worker's loop, optionally wrapped in TLS (client side for upstreams,
// server side for the proxy's TLS listeners).
// The owner keeps it in a unique_ptr; destroying it closes the socket at once.
class Connection {
 public:
  // Bytes queued beyond which writers should stop producing until onWriteDrained.
  static constexpr size_t kHighWatermark = 256 * 1024;

  // Accepts a pending connection from `server`; nullptr if accept failed.
  static std::unique_ptr<Connection> accept(uv_stream_t* server, ConnectionCallbacks* callbacks);
  // Starts connecting; the result arrives as onConnected or onClose(kConnectFailed/kTlsFailed).
  // With `tls_context` the connection speaks TLS, sending `server_name` as SNI (unless it is an
  // IP address) and checking the certificate against it when the context verifies peers.
  static std::unique_ptr<Connection> connect(uv_loop_t* loop, const sockaddr* address,
                                             SSL_CTX* tls_context, const std::string& server_name,
                                             ConnectionCallbacks* callbacks);

  // Starts TLS over this connected plain connection (a tunnel through a proxy, for one), with
  // `server_name` as for connect(). The outcome arrives as onConnected, or onClose(kTlsFailed);
  // nothing may be written until then.
  void startTls(SSL_CTX* tls_context, const std::string& server_name);
  // Server side: speaks TLS over this accepted connection. The handshake runs as the client's
  // bytes arrive; onConnected reports its end, and only then does plaintext reach onData (a
  // failed handshake is onClose(kTlsFailed)). Returns the SSL, for the owner to attach what the
  // handshake's callbacks need before the first byte; nullptr when it could not be made (the
  // failure is reported as onClose).
  SSL* startServerTls(SSL_CTX* tls_context);
  bool tls() const { return ssl_ != nullptr; }
  // The SNI the client sent; empty without TLS or SNI.
  std::string_view tlsServerName() const;

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void setCallbacks(ConnectionCallbacks* callbacks) { callbacks_ = callbacks; }
  void write(std::string_view data);
  // Bytes handed to write() that are not yet in the kernel.
  size_t pendingWriteBytes() const;
  bool aboveHighWatermark() const { return pendingWriteBytes() > kHighWatermark; }
  void readEnable(bool enabled);
  // Flushes what is queued, then closes; onClose is not called for this close.
  void closeAfterFlush();
  // Drops whatever is buffered in the kernel: a reset instead of a FIN (for protocol errors).
  void resetOnClose();

  bool connected() const { return connected_; }
  uv_loop_t* loop() const { return handle_->loop; }
  const std::string& peerAddress() const { return peer_address_; }

 private:
  explicit Connection(ConnectionCallbacks* callbacks);

  static void onAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onConnect(uv_connect_t* request, int status);
  static void onWriteDone(uv_write_t* request, int status);

  void handleRead(const char* data, size_t length);
  void writeToSocket(const char* data, size_t length);
  void flushTlsOutput();
  void setUpTls(SSL_CTX* tls_context, const std::string& server_name);
  // `owner_call`: running inside a method of the owner, so a failure is reported later.
  void continueHandshake(bool owner_call = false);
  void readTlsPlaintext();
  void fail(CloseReason reason, const std::string& detail);
  // Reports a failure that happened inside a call from the owner on the next loop turn, keeping
  // the promise that onClose never runs inside the owner's own call.
  void failLater(CloseReason reason, std::string detail);
  void noteWriteCompleted();
  void updateReading();

  uv_tcp_t* handle_;
  ConnectionCallbacks* callbacks_;
  SSL* ssl_ = nullptr;
  // Bit-fields and libuv's own count of queued bytes keep an idle connection at 72 bytes, one
  // malloc size class below the plain layout; every idle keep-alive connection carries one.
  bool handshaking_ : 1;
  bool connected_ : 1;
  bool read_wanted_ : 1;
  bool reading_ : 1;
  bool closing_after_flush_ : 1;
  bool failed_ : 1;
  bool drain_notify_pending_ : 1;
  bool close_reported_ : 1;
  bool reset_on_close_ : 1;
  std::unique_ptr<Timer> deferred_failure_;
  std::string peer_address_;
};

using ConnectionPtr = std::unique_ptr<Connection>;

}  // namespace portico::network
