#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "source/common/tls/server_context.h"

namespace portico::tls {

// The file a kong.conf setting names; errors read "<setting>: cannot read <path>: <reason>".
absl::StatusOr<std::string> readSettingFile(std::string_view setting, const std::string& path);

// The certificate/key pairs two list settings name (ssl_cert/ssl_cert_key, admin_ssl_cert/…),
// read from their PEM files in order; with none, a fresh self-signed RSA and ECDSA pair for
// "localhost", as Kong makes its default certificates at start.
absl::StatusOr<std::vector<CertificatePair>> configuredOrSelfSigned(
    const std::vector<std::string>& certificate_paths, const std::vector<std::string>& key_paths,
    std::string_view certificate_setting, std::string_view key_setting);

}  // namespace portico::tls
