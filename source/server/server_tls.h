#pragma once

#include <openssl/ssl.h>

#include <memory>

#include "absl/status/statusor.h"
#include "portico/config/v1/bootstrap.pb.h"

namespace portico::server {

// The TLS side of the proxy listeners, made once at start: the context they accept with (it
// outlives every snapshot, so sessions resume across reloads) and the default certificate's
// context. Both null when no proxy_listen entry has `ssl`.
struct ServerTls {
  std::shared_ptr<SSL_CTX> accept_context;
  std::shared_ptr<SSL_CTX> default_certificate;
};

// The default certificate is kong.conf's ssl_cert/ssl_cert_key pairs when set, else a fresh
// self-signed RSA and ECDSA pair for "localhost" (as Kong makes its default at start).
absl::StatusOr<ServerTls> makeServerTls(const config::v1::Bootstrap& bootstrap);

}  // namespace portico::server
