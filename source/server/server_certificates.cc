#include "source/server/server_certificates.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "source/common/tls/server_context.h"

namespace portico::server {
namespace {

std::vector<tls::CertificatePair> pairsOf(const config::v1::Certificate& certificate) {
  std::vector<tls::CertificatePair> pairs = {{certificate.cert(), certificate.key()}};
  if (certificate.has_cert_alt() && certificate.has_key_alt()) {
    pairs.push_back({certificate.cert_alt(), certificate.key_alt()});
  }
  return pairs;
}

}  // namespace

absl::StatusOr<std::unique_ptr<const tls::CertificateSelector>> compileServerCertificates(
    const config::v1::DeclarativeConfig& config, std::shared_ptr<SSL_CTX> default_context) {
  absl::flat_hash_map<std::string, const config::v1::Certificate*> certificates;
  for (const config::v1::Certificate& certificate : config.certificates()) {
    certificates.emplace(certificate.id(), &certificate);
  }
  auto selector = std::make_unique<tls::CertificateSelector>();
  absl::flat_hash_map<std::string, std::shared_ptr<SSL_CTX>> contexts;
  for (const config::v1::Sni& sni : config.snis()) {
    auto certificate = certificates.find(sni.certificate_id());
    if (certificate == certificates.end()) {
      return absl::InvalidArgumentError(absl::StrCat("sni ", sni.name(), ": certificate '",
                                                     sni.certificate_id(), "' does not exist"));
    }
    std::shared_ptr<SSL_CTX>& context = contexts[sni.certificate_id()];
    if (context == nullptr) {
      absl::StatusOr<tls::SslCtxPtr> made = tls::makeServerContext(pairsOf(*certificate->second));
      if (!made.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("certificate ", sni.certificate_id(), ": ", made.status().message()));
      }
      context = std::shared_ptr<SSL_CTX>(made->release(), SSL_CTX_free);
    }
    selector->add(sni.name(), context);
  }
  selector->setDefault(std::move(default_context));
  return selector;
}

}  // namespace portico::server
