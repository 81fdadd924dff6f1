#include "source/config/declarative/x509.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace portico::config::declarative {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr memoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// The source path relative to OpenSSL's crypto/ or providers/ folder, as lua-resty-openssl
// prints it.
std::string shortPath(const char* file) {
  std::string path = file == nullptr ? "" : file;
  for (const char* root : {"crypto/", "providers/", "ssl/"}) {
    size_t at = path.find(root);
    if (at != std::string::npos) {
      return path.substr(at + std::string(root).size());
    }
  }
  return path;
}

// Drains OpenSSL's error queue and describes its last entry, as lua-resty-openssl's
// format_error does.
absl::Status lastError(const char* context) {
  unsigned long last = 0;
  std::string file;
  std::string function;
  int line = 0;
  for (;;) {
    const char* error_file = nullptr;
    const char* error_function = nullptr;
    int error_line = 0;
    unsigned long code =
        ERR_get_error_all(&error_file, &error_line, &error_function, nullptr, nullptr);
    if (code == 0) {
      break;
    }
    last = code;
    file = shortPath(error_file);
    line = error_line;
    function = error_function == nullptr ? "" : error_function;
  }
  if (last == 0) {
    return absl::InvalidArgumentError(absl::StrCat(context, ": unknown error"));
  }
  char code_text[32];
  std::snprintf(code_text, sizeof(code_text), "%lX", last);
  const char* library = ERR_lib_error_string(last);
  const char* reason = ERR_reason_error_string(last);
  return absl::InvalidArgumentError(
      absl::StrCat(context, ": error:", code_text, ":", library == nullptr ? "" : library, ":",
                   function, ":", reason == nullptr ? "" : reason, ":", file, ":", line, ":"));
}

}  // namespace

absl::StatusOr<X509Ptr> parseCertificate(const std::string& text) {
  ERR_clear_error();
  X509Ptr cert(PEM_read_bio_X509(memoryBio(text).get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    const auto* der = reinterpret_cast<const unsigned char*>(text.data());
    cert.reset(d2i_X509(nullptr, &der, static_cast<long>(text.size())));
  }
  if (cert == nullptr) {
    return lastError("x509.new");
  }
  return cert;
}

absl::StatusOr<PkeyPtr> parseKey(const std::string& text) {
  ERR_clear_error();
  PkeyPtr key(PEM_read_bio_PrivateKey(memoryBio(text).get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    key.reset(PEM_read_bio_PUBKEY(memoryBio(text).get(), nullptr, nullptr, nullptr));
  }
  if (key == nullptr) {
    const auto* der = reinterpret_cast<const unsigned char*>(text.data());
    key.reset(d2i_AutoPrivateKey(nullptr, &der, static_cast<long>(text.size())));
  }
  if (key == nullptr) {
    ERR_clear_error();
    const auto* der = reinterpret_cast<const unsigned char*>(text.data());
    key.reset(d2i_PUBKEY(nullptr, &der, static_cast<long>(text.size())));
  }
  if (key == nullptr) {
    return lastError("pkey.new:load_key");
  }
  ERR_clear_error();
  return key;
}

bool certificateMatchesKey(X509* cert, EVP_PKEY* key) {
  EVP_PKEY* public_key = X509_get0_pubkey(cert);
  bool match = public_key != nullptr && EVP_PKEY_eq(public_key, key) == 1;
  ERR_clear_error();
  return match;
}

int publicKeyType(X509* cert) {
  EVP_PKEY* public_key = X509_get0_pubkey(cert);
  return public_key == nullptr ? EVP_PKEY_NONE : EVP_PKEY_get_base_id(public_key);
}

bool hasCaBasicConstraint(X509* cert) {
  auto* constraints = static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr));
  bool ca = constraints != nullptr && constraints->ca != 0;
  BASIC_CONSTRAINTS_free(constraints);
  return ca;
}

bool notAfterIsBefore(X509* cert, int64_t now) {
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  ASN1_TIME* reference = ASN1_TIME_set(nullptr, static_cast<time_t>(now));
  int days = 0;
  int seconds = 0;
  bool ok = not_after != nullptr && reference != nullptr &&
            ASN1_TIME_diff(&days, &seconds, reference, not_after) == 1;
  ASN1_TIME_free(reference);
  return !ok || days < 0 || seconds < 0;
}

std::string sha256Hex(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

size_t certificateMarkerCount(const std::string& text) {
  static const std::string kMarker = "-----BEGIN CERTIFICATE-----";
  size_t count = 0;
  for (size_t at = text.find(kMarker); at != std::string::npos;
       at = text.find(kMarker, at + kMarker.size())) {
    ++count;
  }
  return count;
}

}  // namespace portico::config::declarative
