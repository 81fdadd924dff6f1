#include "tools/demo/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "tools/demo/request_reader.h"

namespace portico::demo {

HttpServer::HttpServer(Handler handler, SSL_CTX* tls) : handler_(std::move(handler)), tls_(tls) {}

HttpServer::~HttpServer() {
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
  }
}

bool HttpServer::listen(const std::string& address, uint16_t port, std::string& error) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    error = "not an IPv4 address: " + address;
    return false;
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  if (listen_fd_ < 0 ||
      ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, SOMAXCONN) != 0) {
    error = std::strerror(errno);
    return false;
  }
  return true;
}

void HttpServer::serve() {
  while (true) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::thread([this, fd] { handleConnection(fd); }).detach();
  }
}

void HttpServer::handleConnection(int fd) const {
  StreamPtr stream = tls_ != nullptr ? makeTlsStream(fd, tls_) : makePlainStream(fd);
  if (stream == nullptr) {
    return;
  }
  RequestReader reader(*stream);
  Request request;
  while (true) {
    switch (reader.next(request)) {
      case RequestReader::Result::kClosed:
        return;
      case RequestReader::Result::kBadRequest:
        stream->writeAll(serialize({400, "text/plain; charset=utf-8", "Bad Request\n"}, false));
        return;
      case RequestReader::Result::kHeadersTooLarge:
        stream->writeAll(serialize({431, "text/plain; charset=utf-8", "Too Large\n"}, false));
        return;
      case RequestReader::Result::kBodyTooLarge:
        stream->writeAll(serialize({413, "text/plain; charset=utf-8", "Too Large\n"}, false));
        return;
      case RequestReader::Result::kRequest:
        break;
    }
    if (!stream->writeAll(serialize(handler_(request), request.keep_alive)) ||
        !request.keep_alive) {
      return;
    }
  }
}

}  // namespace portico::demo
