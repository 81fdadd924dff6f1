#include "source/server/admin_exposure.h"

#include "absl/strings/str_cat.h"
#include "source/common/network/cidr.h"

namespace portico::server {

absl::Status checkAdminExposure(const config::v1::Bootstrap& bootstrap) {
  const bool authenticated =
      !bootstrap.admin_auth_token().empty() || !bootstrap.admin_ssl_client_ca().empty();
  for (const config::v1::Listener& listener : bootstrap.admin_listen()) {
    if (network::isLoopbackAddress(listener.address())) {
      continue;
    }
    const std::string where = absl::StrCat("admin_listen ", listener.address(), ":",
                                           listener.port(), " is not a loopback address");
    if (!listener.ssl()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where,
          ": the Admin API listens beyond loopback only over TLS with authentication; add "
          "`ssl` to the entry (certificate from admin_ssl_cert/admin_ssl_cert_key) and set "
          "admin_auth_token or admin_ssl_client_ca, or listen on 127.0.0.1"));
    }
    if (!authenticated) {
      return absl::InvalidArgumentError(absl::StrCat(
          where,
          ": the Admin API listens beyond loopback only with authentication; set "
          "admin_auth_token (bearer token) or admin_ssl_client_ca (mutual TLS), or listen on "
          "127.0.0.1"));
    }
  }
  return absl::OkStatus();
}

}  // namespace portico::server
