#include "source/xds/server/credentials.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"

namespace portico::xds::server {

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
