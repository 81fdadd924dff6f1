#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "source/xds/cluster_credentials.h"

namespace portico::xds::server {

// How the discovery stream is secured (Kong's hybrid-mode settings).
struct StreamSecurity {
  std::string cert_path;  // cluster_cert: the control plane's certificate (PEM)
  std::string key_path;   // cluster_cert_key
  // cluster_ca_cert: the CA that signs data planes' certificates; empty: trust cert_path itself.
  std::string ca_cert_path;
  bool plaintext = false;  // cluster_plaintext: loopback listen addresses only
};

// Mutual TLS that refuses a data plane without a certificate signed by the CA, or plaintext when
// asked for and `listen` ("host:port") is on loopback, where every peer is local too.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> serverCredentials(
    const std::string& listen, const StreamSecurity& security);

}  // namespace portico::xds::server
