#include "source/common/network/connection.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "source/common/network/handle.h"

namespace portico::network {
namespace {

// One read buffer per worker thread: reads are consumed synchronously inside the read callback,
// so an idle connection holds no buffer of its own.
constexpr size_t kReadBufferSize = 64 * 1024;
thread_local char read_buffer[kReadBufferSize];
thread_local char tls_plaintext_buffer[kReadBufferSize];

struct WriteRequest {
  uv_write_t request;
  char data[1];  // the bytes follow the struct in the same allocation

  static WriteRequest* create(const char* bytes, size_t length) {
    void* memory = ::operator new(offsetof(WriteRequest, data) + length);
    auto* request = static_cast<WriteRequest*>(memory);
    std::memcpy(request->data, bytes, length);
    return request;
  }
  static void destroy(WriteRequest* request) { ::operator delete(request); }
};

std::string formatAddress(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&address), text, sizeof(text));
  } else if (address.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&address), text, sizeof(text));
  }
  return text;
}

std::string sslErrorText() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "TLS handshake failed";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

bool isIpAddress(const std::string& host) {
  unsigned char scratch[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), scratch) == 1 ||
         inet_pton(AF_INET6, host.c_str(), scratch) == 1;
}

}  // namespace

Connection::Connection(ConnectionCallbacks* callbacks)
    : handle_(new uv_tcp_t),
      callbacks_(callbacks),
      handshaking_(false),
      connected_(false),
      read_wanted_(true),
      reading_(false),
      closing_after_flush_(false),
      failed_(false),
      drain_notify_pending_(false),
      close_reported_(false),
      reset_on_close_(false) {
  handle_->data = this;
  static_assert(sizeof(Connection) <= 72, "an idle connection's size class grew");
}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  if (closing_after_flush_ && pendingWriteBytes() > 0 && !failed_ &&
      !uv_is_closing(reinterpret_cast<uv_handle_t*>(handle_))) {
    // Let the queued response reach the client: close once libuv has written it.
    handle_->data = nullptr;
    auto* shutdown = new uv_shutdown_t;
    if (uv_shutdown(shutdown, stream, [](uv_shutdown_t* request, int) {
          closeAndDelete(reinterpret_cast<uv_tcp_t*>(request->handle));
          delete request;
        }) == 0) {
      return;
    }
    delete shutdown;
  }
  if (reset_on_close_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(handle_))) {
    handle_->data = nullptr;
    uv_tcp_close_reset(handle_, [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    return;
  }
  closeAndDelete(handle_);
}

std::unique_ptr<Connection> Connection::accept(uv_stream_t* server,
                                               ConnectionCallbacks* callbacks) {
  std::unique_ptr<Connection> connection(new Connection(callbacks));
  uv_tcp_init(server->loop, connection->handle_);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(connection->handle_)) != 0) {
    return nullptr;
  }
  uv_tcp_nodelay(connection->handle_, 1);
  sockaddr_storage peer{};
  int length = sizeof(peer);
  if (uv_tcp_getpeername(connection->handle_, reinterpret_cast<sockaddr*>(&peer), &length) == 0) {
    connection->peer_address_ = formatAddress(peer);
  }
  connection->connected_ = true;
  connection->updateReading();
  return connection;
}

std::unique_ptr<Connection> Connection::connect(uv_loop_t* loop, const sockaddr* address,
                                                SSL_CTX* tls_context,
                                                const std::string& server_name,
                                                ConnectionCallbacks* callbacks) {
  std::unique_ptr<Connection> connection(new Connection(callbacks));
  uv_tcp_init(loop, connection->handle_);
  uv_tcp_nodelay(connection->handle_, 1);
  if (tls_context != nullptr) {
    connection->setUpTls(tls_context, server_name);
  }
  auto* request = new uv_connect_t;
  if (const int status = uv_tcp_connect(request, connection->handle_, address, &onConnect);
      status != 0) {
    delete request;
    connection->failLater(CloseReason::kConnectFailed, uv_strerror(status));
  }
  return connection;
}

void Connection::setUpTls(SSL_CTX* tls_context, const std::string& server_name) {
  ssl_ = SSL_new(tls_context);
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_connect_state(ssl_);
  if (server_name.empty()) {
    return;
  }
  if (isIpAddress(server_name)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), server_name.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, server_name.c_str());
    SSL_set1_host(ssl_, server_name.c_str());
  }
}

void Connection::startTls(SSL_CTX* tls_context, const std::string& server_name) {
  if (failed_) {
    return;
  }
  if (!connected_ || ssl_ != nullptr) {
    failLater(CloseReason::kTlsFailed, "TLS can only start on a connected plain connection");
    return;
  }
  setUpTls(tls_context, server_name);
  connected_ = false;
  handshaking_ = true;
  updateReading();
  continueHandshake(true);
}

SSL* Connection::startServerTls(SSL_CTX* tls_context) {
  ssl_ = SSL_new(tls_context);
  if (ssl_ == nullptr) {
    failLater(CloseReason::kTlsFailed, sslErrorText());
    return nullptr;
  }
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_accept_state(ssl_);
  connected_ = false;
  handshaking_ = true;
  updateReading();
  return ssl_;
}

std::string_view Connection::tlsServerName() const {
  const char* name =
      ssl_ == nullptr ? nullptr : SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
  return name == nullptr ? std::string_view() : std::string_view(name);
}

void Connection::onConnect(uv_connect_t* request, int status) {
  auto* self = static_cast<Connection*>(request->handle->data);
  delete request;
  if (self == nullptr) {
    return;
  }
  if (status != 0) {
    self->fail(CloseReason::kConnectFailed, uv_strerror(status));
    return;
  }
  if (self->ssl_ != nullptr) {
    self->handshaking_ = true;
    self->updateReading();
    self->continueHandshake();
    return;
  }
  self->connected_ = true;
  self->updateReading();
  self->callbacks_->onConnected();
}

void Connection::continueHandshake(bool owner_call) {
  const int result = SSL_do_handshake(ssl_);
  flushTlsOutput();
  if (failed_) {
    return;
  }
  if (result == 1) {
    handshaking_ = false;
    connected_ = true;
    callbacks_->onConnected();
    return;
  }
  const int error = SSL_get_error(ssl_, result);
  if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
    std::string detail = sslErrorText();
    const long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      detail = absl::StrCat("certificate verify failed: ", X509_verify_cert_error_string(verify));
    }
    if (owner_call) {
      failLater(CloseReason::kTlsFailed, std::move(detail));
    } else {
      fail(CloseReason::kTlsFailed, detail);
    }
  }
}

void Connection::onAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  buf->base = read_buffer;
  buf->len = kReadBufferSize;
}

void Connection::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  if (self == nullptr || nread == 0) {
    return;
  }
  if (nread < 0) {
    self->fail(nread == UV_EOF ? CloseReason::kRemoteClosed : CloseReason::kIoError,
               uv_strerror(static_cast<int>(nread)));
    return;
  }
  self->handleRead(buf->base, static_cast<size_t>(nread));
}

void Connection::handleRead(const char* data, size_t length) {
  if (ssl_ == nullptr) {
    callbacks_->onData(data, length);
    return;
  }
  BIO_write(SSL_get_rbio(ssl_), data, static_cast<int>(length));
  if (handshaking_) {
    // onConnected or onClose may destroy this connection; stop if it is detached.
    uv_tcp_t* handle = handle_;
    continueHandshake();
    if (handle->data != this || handshaking_ || failed_) {
      return;
    }
  }
  readTlsPlaintext();
}

void Connection::readTlsPlaintext() {
  // The callback may destroy this connection; stop as soon as it is detached.
  uv_tcp_t* handle = handle_;
  while (handle->data == this && !failed_) {
    const int n = SSL_read(ssl_, tls_plaintext_buffer, sizeof(tls_plaintext_buffer));
    if (n > 0) {
      callbacks_->onData(tls_plaintext_buffer, static_cast<size_t>(n));
      continue;
    }
    const int error = SSL_get_error(ssl_, n);
    // Reading may have produced records for the peer (a TLS 1.3 key update answer).
    flushTlsOutput();
    if (error == SSL_ERROR_ZERO_RETURN) {
      fail(CloseReason::kRemoteClosed, "TLS close_notify");
    } else if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      fail(CloseReason::kIoError, sslErrorText());
    }
    return;
  }
}

void Connection::write(std::string_view data) {
  if (failed_ || data.empty()) {
    return;
  }
  if (ssl_ == nullptr) {
    writeToSocket(data.data(), data.size());
    return;
  }
  SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
  flushTlsOutput();
}

void Connection::flushTlsOutput() {
  BIO* output = SSL_get_wbio(ssl_);
  char* bytes = nullptr;
  const long pending = BIO_get_mem_data(output, &bytes);
  if (pending > 0) {
    writeToSocket(bytes, static_cast<size_t>(pending));
    (void)BIO_reset(output);
  }
}

void Connection::writeToSocket(const char* data, size_t length) {
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  if (pendingWriteBytes() == 0) {
    uv_buf_t buf = uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(length));
    const int written = uv_try_write(stream, &buf, 1);
    if (written > 0) {
      data += written;
      length -= static_cast<size_t>(written);
    } else if (written != UV_EAGAIN && written != UV_ENOSYS) {
      failLater(CloseReason::kIoError, uv_strerror(written));
      return;
    }
    if (length == 0) {
      return;
    }
  }
  WriteRequest* request = WriteRequest::create(data, length);
  uv_buf_t buf = uv_buf_init(request->data, static_cast<unsigned>(length));
  if (uv_write(&request->request, stream, &buf, 1, &onWriteDone) != 0) {
    WriteRequest::destroy(request);
    failLater(CloseReason::kIoError, "write failed");
    return;
  }
  if (aboveHighWatermark()) {
    drain_notify_pending_ = true;
  }
}

void Connection::onWriteDone(uv_write_t* uv_request, int status) {
  auto* request = reinterpret_cast<WriteRequest*>(uv_request);
  auto* self = static_cast<Connection*>(uv_request->handle->data);
  WriteRequest::destroy(request);
  if (self == nullptr) {
    return;
  }
  if (status != 0) {
    self->fail(CloseReason::kIoError, uv_strerror(status));
    return;
  }
  self->noteWriteCompleted();
}

size_t Connection::pendingWriteBytes() const {
  return uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(handle_));
}

void Connection::noteWriteCompleted() {
  if (pendingWriteBytes() == 0 && drain_notify_pending_) {
    drain_notify_pending_ = false;
    callbacks_->onWriteDrained();
  }
}

void Connection::readEnable(bool enabled) {
  read_wanted_ = enabled;
  updateReading();
}

void Connection::updateReading() {
  if (failed_ || (!connected_ && !handshaking_)) {
    return;
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  if (read_wanted_ && !reading_) {
    reading_ = uv_read_start(stream, &onAlloc, &onRead) == 0;
  } else if (!read_wanted_ && reading_) {
    uv_read_stop(stream);
    reading_ = false;
  }
}

void Connection::closeAfterFlush() {
  if (ssl_ != nullptr && connected_ && !failed_) {
    SSL_shutdown(ssl_);  // close_notify, so the peer can tell the end from a truncation
    flushTlsOutput();
  }
  closing_after_flush_ = true;
  readEnable(false);
}

void Connection::resetOnClose() { reset_on_close_ = true; }

void Connection::fail(CloseReason reason, const std::string& detail) {
  failed_ = true;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(handle_));
  reading_ = false;
  if (!close_reported_) {
    close_reported_ = true;
    callbacks_->onClose(reason, detail);
  }
}

void Connection::failLater(CloseReason reason, std::string detail) {
  failed_ = true;
  if (deferred_failure_ != nullptr) {
    return;
  }
  deferred_failure_ = std::make_unique<Timer>(
      handle_->loop, [this, reason, detail = std::move(detail)] { fail(reason, detail); });
  deferred_failure_->arm(0);
}

}  // namespace portico::network
