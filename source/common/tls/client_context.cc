#include "source/common/tls/client_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"

namespace portico::tls {
namespace {

std::string lastSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) {
    return "unknown error";
  }
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr memoryBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

absl::Status addCertificates(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio = memoryBio(pem);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++added;
  }
  ERR_clear_error();  // the loop always ends on a "no start line" error
  if (added == 0) {
    return absl::InvalidArgumentError("no PEM certificate found in the CA bundle");
  }
  return absl::OkStatus();
}

absl::Status useClientCertificate(SSL_CTX* ctx, const ClientOptions& options) {
  BioPtr cert_bio = memoryBio(options.client_cert_pem);
  X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr || SSL_CTX_use_certificate(ctx, cert) != 1) {
    X509_free(cert);
    return absl::InvalidArgumentError(absl::StrCat("client certificate: ", lastSslError()));
  }
  X509_free(cert);
  BioPtr key_bio = memoryBio(options.client_key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError(absl::StrCat("client key: ", lastSslError()));
  }
  EVP_PKEY_free(key);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SslCtxPtr> makeClientContext(const ClientOptions& options) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", lastSslError()));
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_CLIENT);
  if (options.verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
      return absl::InternalError(absl::StrCat("system CA store: ", lastSslError()));
    }
    if (options.verify_depth >= 0) {
      SSL_CTX_set_verify_depth(ctx.get(), options.verify_depth);
    }
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  if (!options.extra_ca_pem.empty()) {
    if (absl::Status status = addCertificates(ctx.get(), options.extra_ca_pem); !status.ok()) {
      return status;
    }
  }
  if (!options.client_cert_pem.empty()) {
    if (absl::Status status = useClientCertificate(ctx.get(), options); !status.ok()) {
      return status;
    }
  }
  return ctx;
}

}  // namespace portico::tls
