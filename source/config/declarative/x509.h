#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace portico::config::declarative {

// Certificate and key handling for the certificate entities, with lua-resty-openssl's semantics
// (what Kong's schemas call): errors read "<context>: error:<code>:<lib>:<func>:<reason>:<file>:
// <line>:" for the last OpenSSL error, the file and line being this build's OpenSSL's.

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// x509.new: the first PEM certificate of `text`, else `text` as DER. Error context "x509.new".
absl::StatusOr<X509Ptr> parseCertificate(const std::string& text);

// pkey.new: a PEM private or public key, else DER. Error context "pkey.new:load_key".
absl::StatusOr<PkeyPtr> parseKey(const std::string& text);

// True when `key` (private or public) is the certificate's public key.
bool certificateMatchesKey(X509* cert, EVP_PKEY* key);

// The key type of the certificate's public key (EVP_PKEY_RSA, EVP_PKEY_EC, ...).
int publicKeyType(X509* cert);

// True when the basicConstraints extension is present with CA:TRUE.
bool hasCaBasicConstraint(X509* cert);

// True when "Not After" is before `now` (seconds since the epoch).
bool notAfterIsBefore(X509* cert, int64_t now);

// Lower-case hex sha256 of the DER encoding (Kong's ca_certificates `cert_digest`).
std::string sha256Hex(X509* cert);

// How many "-----BEGIN CERTIFICATE-----" markers `text` holds.
size_t certificateMarkerCount(const std::string& text);

}  // namespace portico::config::declarative
