#include "source/server/admin/admin_tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "source/common/tls/configured_certificates.h"
#include "source/common/tls/server_context.h"

namespace portico::server::admin {
namespace {

absl::Status requireClientCertificates(SSL_CTX* context, const std::string& ca_path) {
  // Read first so a missing file is reported as such rather than as an OpenSSL error code.
  if (absl::StatusOr<std::string> pem = tls::readSettingFile("admin_ssl_client_ca", ca_path);
      !pem.ok()) {
    return pem.status();
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_path.c_str());
  if (names == nullptr || SSL_CTX_load_verify_locations(context, ca_path.c_str(), nullptr) != 1) {
    sk_X509_NAME_pop_free(names, X509_NAME_free);
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("admin_ssl_client_ca: no CA certificate could be read from ", ca_path));
  }
  SSL_CTX_set_client_CA_list(context, names);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<SSL_CTX>> makeAdminTlsContext(
    const config::v1::Bootstrap& bootstrap) {
  bool any_ssl = false;
  for (const config::v1::Listener& listener : bootstrap.admin_listen()) {
    any_ssl = any_ssl || listener.ssl();
  }
  if (!any_ssl) {
    return std::shared_ptr<SSL_CTX>();
  }
  absl::StatusOr<std::vector<tls::CertificatePair>> pairs = tls::configuredOrSelfSigned(
      {bootstrap.admin_ssl_cert().begin(), bootstrap.admin_ssl_cert().end()},
      {bootstrap.admin_ssl_cert_key().begin(), bootstrap.admin_ssl_cert_key().end()},
      "admin_ssl_cert", "admin_ssl_cert_key");
  if (!pairs.ok()) {
    return pairs.status();
  }
  absl::StatusOr<tls::SslCtxPtr> context = tls::makeServerContext(*pairs);
  if (!context.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("admin_ssl_cert: ", context.status().message()));
  }
  if (!bootstrap.admin_ssl_client_ca().empty()) {
    if (absl::Status status =
            requireClientCertificates(context->get(), bootstrap.admin_ssl_client_ca());
        !status.ok()) {
      return status;
    }
  }
  return std::shared_ptr<SSL_CTX>(context->release(), SSL_CTX_free);
}

}  // namespace portico::server::admin
