#include "source/xds/server/credentials.h"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"

namespace portico::xds::server {
namespace {

absl::StatusOr<std::string> readPem(const std::string& setting, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(setting, " is required for the discovery stream's mutual TLS"));
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  if (!file || content.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(setting, ": cannot read ", path));
  }
  return content.str();
}

std::string hostOf(const std::string& listen) {
  if (absl::StartsWith(listen, "[")) {
    const size_t close = listen.find(']');
    return close == std::string::npos ? "" : listen.substr(1, close - 1);
  }
  const size_t colon = listen.rfind(':');
  return colon == std::string::npos ? listen : listen.substr(0, colon);
}

}  // namespace

bool isLoopbackAddress(const std::string& listen) {
  const std::string host = hostOf(listen);
  if (host == "localhost") {
    return true;
  }
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> serverCredentials(
    const std::string& listen, const StreamSecurity& security) {
  if (security.plaintext) {
    if (!isLoopbackAddress(listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cluster_plaintext is only allowed on a loopback cluster_listen, not ", listen));
    }
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<std::string> cert = readPem("cluster_cert", security.cert_path);
  if (!cert.ok()) {
    return cert.status();
  }
  absl::StatusOr<std::string> key = readPem("cluster_cert_key", security.key_path);
  if (!key.ok()) {
    return key.status();
  }
  // Without a CA, Kong's "shared" mode: every node holds the same self-signed certificate, which
  // is then the only trusted root.
  absl::StatusOr<std::string> ca =
      security.ca_cert_path.empty() ? cert : readPem("cluster_ca_cert", security.ca_cert_path);
  if (!ca.ok()) {
    return ca.status();
  }
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = *ca;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

}  // namespace portico::xds::server
