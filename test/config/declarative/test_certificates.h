#pragma once

#include <string>
#include <utility>

namespace portico::config::declarative::testing {

// A certificate and its private key, in PEM.
struct TestCertificate {
  std::string cert;
  std::string key;
};

enum class KeyKind { kEcP256, kEd25519 };

struct CertificateSpec {
  std::string common_name = "test";
  KeyKind key_kind = KeyKind::kEcP256;
  // basicConstraints CA:TRUE (else CA:FALSE).
  bool ca = false;
  // Validity, in seconds relative to now.
  long not_before = -3600;
  long not_after = 365L * 24 * 3600;
  // Signed by this certificate's key; self-signed when null.
  const TestCertificate* issuer = nullptr;
  // DNS and IP subjectAltName entries, e.g. "DNS:localhost,IP:127.0.0.1"; none when empty.
  std::string subject_alt_names;
};

inline CertificateSpec certificateSpec(std::string common_name, KeyKind key_kind = KeyKind::kEcP256,
                                       bool ca = false) {
  CertificateSpec spec;
  spec.common_name = std::move(common_name);
  spec.key_kind = key_kind;
  spec.ca = ca;
  return spec;
}

// Generates a fresh key pair and certificate with OpenSSL; aborts the test binary on failure.
TestCertificate makeCertificate(const CertificateSpec& spec);

}  // namespace portico::config::declarative::testing
