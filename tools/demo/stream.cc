#include "tools/demo/stream.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace portico::demo {
namespace {

class PlainStream : public Stream {
 public:
  explicit PlainStream(int fd) : fd_(fd) {}
  ~PlainStream() override { ::close(fd_); }

  long read(char* buffer, size_t size) override {
    while (true) {
      const ssize_t n = ::recv(fd_, buffer, size, 0);
      if (n >= 0 || errno != EINTR) {
        return n;
      }
    }
  }

  bool writeAll(const std::string& data) override {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return false;
      }
      sent += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  const int fd_;
};

class TlsStream : public Stream {
 public:
  TlsStream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~TlsStream() override {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
    ::close(fd_);
  }

  long read(char* buffer, size_t size) override {
    const int n = SSL_read(ssl_, buffer, static_cast<int>(size > INT_MAX ? INT_MAX : size));
    if (n > 0) {
      return n;
    }
    return SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
  }

  bool writeAll(const std::string& data) override {
    size_t sent = 0;
    while (sent < data.size()) {
      const size_t chunk = data.size() - sent > INT_MAX ? INT_MAX : data.size() - sent;
      const int n = SSL_write(ssl_, data.data() + sent, static_cast<int>(chunk));
      if (n <= 0) {
        return false;
      }
      sent += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  const int fd_;
  SSL* const ssl_;
};

}  // namespace

StreamPtr makePlainStream(int fd) { return std::make_unique<PlainStream>(fd); }

StreamPtr makeTlsStream(int fd, SSL_CTX* context) {
  SSL* ssl = SSL_new(context);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1) {
    SSL_free(ssl);
    ::close(fd);
    return nullptr;
  }
  return std::make_unique<TlsStream>(fd, ssl);
}

}  // namespace portico::demo
