#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "source/common/tls/client_context.h"

namespace portico::tls {

class CertificateSelector;

// A certificate (PEM, optionally followed by its chain) and its private key.
struct CertificatePair {
  std::string cert_pem;
  std::string key_pem;
};

// The context that presents one certificate entity to clients: its pairs (an RSA and an ECDSA
// one at most, as Kong's `cert`/`cert_alt`), OpenSSL choosing per handshake by what the client
// supports. Built per snapshot on the main thread, shared read-only by every worker.
absl::StatusOr<SslCtxPtr> makeServerContext(const std::vector<CertificatePair>& pairs);

// The context every TLS listener accepts with, made once per process: TLS 1.2 and 1.3 only,
// ALPN http/1.1. It holds no certificate: during the ClientHello it switches the connection to
// the certificate context chosen by the selector attached to the connection (attachSelector).
// Sessions belong to it, so they resume across workers and across reloads: its session cache
// and ticket keys outlive every snapshot.
absl::StatusOr<SslCtxPtr> makeAcceptContext();

// Chooses the certificate of `ssl`'s handshake from `selector`, which `ssl` keeps until the
// handshake ends (a shared_ptr aliasing the snapshot that owns it keeps that snapshot alive as
// long). A selector without a certificate for the name fails the handshake with an
// unrecognized_name alert.
void attachSelector(SSL* ssl, std::shared_ptr<const CertificateSelector> selector);

}  // namespace portico::tls
