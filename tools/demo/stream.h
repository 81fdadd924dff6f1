#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>

namespace portico::demo {

// A blocking byte stream over one accepted socket, plain or TLS. It owns the socket.
class Stream {
 public:
  virtual ~Stream() = default;

  // Returns the number of bytes read, 0 at end of stream, or -1 on error.
  virtual long read(char* buffer, size_t size) = 0;
  virtual bool writeAll(const std::string& data) = 0;
};

using StreamPtr = std::unique_ptr<Stream>;

StreamPtr makePlainStream(int fd);

// Runs the server side of the TLS handshake; returns nullptr (and closes fd) when it fails.
StreamPtr makeTlsStream(int fd, SSL_CTX* context);

}  // namespace portico::demo
