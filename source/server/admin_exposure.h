#pragma once

#include "absl/status/status.h"
#include "portico/config/v1/bootstrap.pb.h"

namespace portico::server {

// The Admin API can rewrite the whole configuration, so it listens beyond loopback only over
// TLS (`ssl` on every such admin_listen entry) and with authentication (admin_auth_token or
// admin_ssl_client_ca). Anything else is refused with an error naming the listener and the fix.
absl::Status checkAdminExposure(const config::v1::Bootstrap& bootstrap);

}  // namespace portico::server
