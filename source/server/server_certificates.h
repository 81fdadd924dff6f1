#pragma once

#include <openssl/ssl.h>

#include <memory>

#include "absl/status/statusor.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/common/tls/certificate_selector.h"

namespace portico::server {

// The certificates the proxy's TLS listeners present, compiled from the config's `snis` and
// `certificates`: one SSL_CTX per certificate some sni names (a certificate no sni names is
// never presented, as in Kong), and `default_context` for everything else (may be null).
// Fails when a certificate does not load or an sni names a certificate that is not there.
absl::StatusOr<std::unique_ptr<const tls::CertificateSelector>> compileServerCertificates(
    const config::v1::DeclarativeConfig& config, std::shared_ptr<SSL_CTX> default_context);

}  // namespace portico::server
