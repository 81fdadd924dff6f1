#include "source/server/server_tls.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "source/common/tls/self_signed.h"
#include "source/common/tls/server_context.h"

namespace portico::server {
namespace {

absl::StatusOr<std::string> readFile(const std::string& key, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(key, ": cannot read ", path, ": ", std::strerror(errno)));
  }
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

absl::StatusOr<std::vector<tls::CertificatePair>> defaultPairs(
    const config::v1::Bootstrap& bootstrap) {
  std::vector<tls::CertificatePair> pairs;
  for (int i = 0; i < bootstrap.ssl_cert_size(); ++i) {
    absl::StatusOr<std::string> cert = readFile("ssl_cert", bootstrap.ssl_cert(i));
    if (!cert.ok()) {
      return cert.status();
    }
    absl::StatusOr<std::string> key = readFile("ssl_cert_key", bootstrap.ssl_cert_key(i));
    if (!key.ok()) {
      return key.status();
    }
    pairs.push_back({std::move(*cert), std::move(*key)});
  }
  if (!pairs.empty()) {
    return pairs;
  }
  for (tls::KeyType type : {tls::KeyType::kRsa, tls::KeyType::kEcdsa}) {
    absl::StatusOr<tls::CertificatePair> pair = tls::makeSelfSignedCertificate(type);
    if (!pair.ok()) {
      return pair.status();
    }
    pairs.push_back(std::move(*pair));
  }
  return pairs;
}

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
  absl::StatusOr<std::vector<tls::CertificatePair>> pairs = defaultPairs(bootstrap);
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
