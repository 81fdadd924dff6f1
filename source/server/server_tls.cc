#include "source/server/server_tls.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "source/common/tls/configured_certificates.h"
#include "source/common/tls/server_context.h"

namespace portico::server {
namespace {

std::shared_ptr<SSL_CTX> shared(tls::SslCtxPtr context) {
  return std::shared_ptr<SSL_CTX>(context.release(), SSL_CTX_free);
}

}  // namespace

absl::StatusOr<ServerTls> makeServerTls(const config::v1::Bootstrap& bootstrap) {
  ServerTls result;
  bool any_ssl = false;
  for (const config::v1::Listener& listener : bootstrap.proxy_listen()) {
    any_ssl = any_ssl || listener.ssl();
  }
  if (!any_ssl) {
    return result;
  }
  absl::StatusOr<std::vector<tls::CertificatePair>> pairs = tls::configuredOrSelfSigned(
      {bootstrap.ssl_cert().begin(), bootstrap.ssl_cert().end()},
      {bootstrap.ssl_cert_key().begin(), bootstrap.ssl_cert_key().end()}, "ssl_cert",
      "ssl_cert_key");
  if (!pairs.ok()) {
    return pairs.status();
  }
  absl::StatusOr<tls::SslCtxPtr> certificate = tls::makeServerContext(*pairs);
  if (!certificate.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("ssl_cert: ", certificate.status().message()));
  }
  absl::StatusOr<tls::SslCtxPtr> accept = tls::makeAcceptContext();
  if (!accept.ok()) {
    return accept.status();
  }
  result.accept_context = shared(std::move(*accept));
  result.default_certificate = shared(std::move(*certificate));
  return result;
}

}  // namespace portico::server
