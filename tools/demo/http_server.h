#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <functional>
#include <string>

#include "tools/demo/http_message.h"

namespace portico::demo {

using Handler = std::function<Response(const Request&)>;

// A blocking HTTP/1.1 server: one thread per connection, keep-alive, optional TLS.
class HttpServer {
 public:
  // `tls` may be null (plain HTTP); the server does not own it.
  HttpServer(Handler handler, SSL_CTX* tls);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on an IPv4 address; on failure returns false and sets `error`.
  bool listen(const std::string& address, uint16_t port, std::string& error);

  // Accepts connections until the process ends.
  void serve();

 private:
  void handleConnection(int fd) const;

  const Handler handler_;
  SSL_CTX* const tls_;
  int listen_fd_ = -1;
};

}  // namespace portico::demo
