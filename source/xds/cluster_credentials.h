#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "portico/config/v1/bootstrap.pb.h"

namespace portico::xds {

// Whether the host of "host:port" ("[v6]:port" for IPv6) is 127.0.0.0/8, ::1 or "localhost":
// plaintext discovery is only allowed between loopback ends.
bool isLoopbackAddress(const std::string& address);

// A data plane's credentials for the stream to cluster_control_plane: mutual TLS with
// cluster_cert/cluster_cert_key, trusting cluster_ca_cert; or plaintext, when cluster_plaintext
// is on and the control plane is on loopback.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> channelCredentials(
    const config::v1::Bootstrap& bootstrap);

// Reads a whole PEM file named by a cluster_* setting; the error names the setting.
absl::StatusOr<std::string> readPem(const std::string& key, const std::string& path);

}  // namespace portico::xds
