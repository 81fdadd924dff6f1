#pragma once

#include "absl/status/statusor.h"
#include "source/common/tls/server_context.h"

namespace portico::tls {

enum class KeyType { kRsa, kEcdsa };

// A self-signed certificate for "localhost" with a fresh key (RSA 2048 or ECDSA P-256), valid
// from now for ten years: the proxy's default certificate when kong.conf names none (Kong makes
// one at start the same way).
absl::StatusOr<CertificatePair> makeSelfSignedCertificate(KeyType type);

}  // namespace portico::tls
