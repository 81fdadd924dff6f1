#include "source/xds/cluster_credentials.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/common/file/read_file.h"
#include "source/common/network/cidr.h"

namespace portico::xds {

namespace {

std::string hostOf(const std::string& address) {
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    return close == std::string::npos ? "" : address.substr(1, close - 1);
  }
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

bool isLoopbackAddress(const std::string& address) {
  const std::string host = hostOf(address);
  return host == "localhost" || network::isLoopbackAddress(host);
}

absl::StatusOr<std::string> readPem(const std::string& setting, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(setting, " is required for the discovery stream's mutual TLS"));
  }
  absl::StatusOr<std::string> content = file::readFile(path);
  if (!content.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(setting, ": cannot read ", path, ": ", content.status().message()));
  }
  if (content->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(setting, ": ", path, " is empty"));
  }
  return content;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> channelCredentials(
    const config::v1::Bootstrap& bootstrap) {
  if (bootstrap.cluster_plaintext()) {
    if (!isLoopbackAddress(bootstrap.cluster_control_plane())) {
      return absl::InvalidArgumentError(
          absl::StrCat("cluster_plaintext is only allowed with a control plane on loopback "
                       "(cluster_control_plane = ",
                       bootstrap.cluster_control_plane(), ")"));
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  for (auto [key, path, out] :
       {std::tuple{"cluster_cert", &bootstrap.cluster_cert(), &options.pem_cert_chain},
        std::tuple{"cluster_cert_key", &bootstrap.cluster_cert_key(), &options.pem_private_key},
        std::tuple{"cluster_ca_cert", &bootstrap.cluster_ca_cert(), &options.pem_root_certs}}) {
    absl::StatusOr<std::string> pem = readPem(key, *path);
    if (!pem.ok()) {
      return pem.status();
    }
    *out = std::move(*pem);
  }
  return grpc::SslCredentials(options);
}

}  // namespace portico::xds
