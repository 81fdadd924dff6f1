#pragma once

#include <openssl/ssl.h>

#include <memory>

#include "absl/status/statusor.h"
#include "portico/config/v1/bootstrap.pb.h"

namespace portico::server::admin {

// The context `ssl` admin listeners accept with (TLS 1.2/1.3): kong.conf's admin_ssl_cert /
// admin_ssl_cert_key pairs, else a self-signed pair made at start (as Kong does). With
// admin_ssl_client_ca every client must present a certificate that CA bundle verifies.
// Null when no admin_listen entry has `ssl`.
absl::StatusOr<std::shared_ptr<SSL_CTX>> makeAdminTlsContext(
    const config::v1::Bootstrap& bootstrap);

}  // namespace portico::server::admin
