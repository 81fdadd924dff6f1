#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace portico::tls {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;

// How to talk TLS to one upstream service. Built once per config snapshot on the main thread and
// shared read-only by every worker (SSL_CTX is safe to share once configured).
struct ClientOptions {
  bool verify = false;
  int verify_depth = -1;  // -1: OpenSSL's default
  // PEM bundles trusted in addition to the system store (service ca_certificates, trusted CAs).
  std::string extra_ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
};

absl::StatusOr<SslCtxPtr> makeClientContext(const ClientOptions& options);

}  // namespace portico::tls
