#include "source/common/tls/server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "source/common/tls/certificate_selector.h"

namespace portico::tls {
namespace {

// One session namespace for every context a connection may switch to, so a session made under
// one certificate's context is found again whatever the SNI of the resuming handshake.
constexpr unsigned char kSessionIdContext[] = "portico";

// Kong's default `ssl_session_timeout` (1d).
constexpr long kSessionTimeoutSeconds = 24 * 60 * 60;

// Kong's default `ssl_cipher_suite = intermediate` (Mozilla's list) for TLS 1.2; TLS 1.3 keeps
// OpenSSL's suites.
constexpr char kIntermediateCiphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

constexpr unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};

std::string lastSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "unknown error";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr memoryBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

using SelectorRef = std::shared_ptr<const CertificateSelector>;

void freeSelector(void*, void* selector, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<SelectorRef*>(selector);
}

int selectorIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeSelector);
  return index;
}

// Drops the selector `ssl` holds, if any.
void releaseSelector(SSL* ssl) {
  delete static_cast<SelectorRef*>(SSL_get_ex_data(ssl, selectorIndex()));
  SSL_set_ex_data(ssl, selectorIndex(), nullptr);
}

// Renegotiation is off, so no ClientHello comes after the handshake: its end lets go of the
// selector and the snapshot behind it, which a long keep-alive connection would otherwise pin
// across reloads.
void releaseSelectorWhenDone(const SSL* ssl, int where, int) {
  if ((where & SSL_CB_HANDSHAKE_DONE) != 0) {
    releaseSelector(const_cast<SSL*>(ssl));
  }
}

// HTTP/2 is not served: a client that offers only h2 gets no ALPN answer and speaks HTTP/1.1.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
               unsigned int in_length, void*) {
  for (unsigned int at = 0; at < in_length;) {
    const unsigned int length = in[at];
    if (at + 1 + length > in_length) {
      break;
    }
    if (length == sizeof(kHttp11) && std::memcmp(in + at + 1, kHttp11, length) == 0) {
      *out = in + at + 1;
      *out_length = static_cast<unsigned char>(length);
      return SSL_TLSEXT_ERR_OK;
    }
    at += 1 + length;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// OpenSSL runs this for every ClientHello, with or without SNI.
int selectCertificate(SSL* ssl, int* alert, void*) {
  const auto* selector = static_cast<const SelectorRef*>(SSL_get_ex_data(ssl, selectorIndex()));
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  SSL_CTX* context = selector == nullptr || *selector == nullptr
                         ? nullptr
                         : (*selector)->select(name == nullptr ? "" : name);
  if (context == nullptr || SSL_set_SSL_CTX(ssl, context) == nullptr) {
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  return SSL_TLSEXT_ERR_OK;
}

absl::StatusOr<SslCtxPtr> newServerContext() {
  SslCtxPtr context(SSL_CTX_new(TLS_server_method()));
  if (context == nullptr) {
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", lastSslError()));
  }
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION);
  SSL_CTX_set_options(context.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_id_context(context.get(), kSessionIdContext, sizeof(kSessionIdContext) - 1);
  SSL_CTX_set_alpn_select_cb(context.get(), selectAlpn, nullptr);
  return context;
}

absl::Status usePair(SSL_CTX* context, const CertificatePair& pair) {
  BioPtr certs = memoryBio(pair.cert_pem);
  X509* leaf = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(context, leaf) != 1) {
    X509_free(leaf);
    return absl::InvalidArgumentError(absl::StrCat("certificate: ", lastSslError()));
  }
  X509_free(leaf);
  // The chain that follows the leaf belongs to the certificate just set.
  while (X509* intermediate = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(context, intermediate) != 1) {
      X509_free(intermediate);
      return absl::InvalidArgumentError(absl::StrCat("certificate chain: ", lastSslError()));
    }
  }
  ERR_clear_error();  // the loop ends on "no start line"
  BioPtr key_bio = memoryBio(pair.key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || SSL_CTX_use_PrivateKey(context, key) != 1) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError(absl::StrCat("private key: ", lastSslError()));
  }
  EVP_PKEY_free(key);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SslCtxPtr> makeServerContext(const std::vector<CertificatePair>& pairs) {
  if (pairs.empty()) {
    return absl::InvalidArgumentError("no certificate");
  }
  absl::StatusOr<SslCtxPtr> context = newServerContext();
  if (!context.ok()) {
    return context.status();
  }
  for (const CertificatePair& pair : pairs) {
    if (absl::Status status = usePair(context->get(), pair); !status.ok()) {
      return status;
    }
  }
  return context;
}

absl::StatusOr<SslCtxPtr> makeAcceptContext() {
  absl::StatusOr<SslCtxPtr> context = newServerContext();
  if (!context.ok()) {
    return context.status();
  }
  SSL_CTX* raw = context->get();
  if (SSL_CTX_set_cipher_list(raw, kIntermediateCiphers) != 1) {
    return absl::InternalError(absl::StrCat("cipher list: ", lastSslError()));
  }
  SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_timeout(raw, kSessionTimeoutSeconds);
  SSL_CTX_set_tlsext_servername_callback(raw, selectCertificate);
  return context;
}

void attachSelector(SSL* ssl, std::shared_ptr<const CertificateSelector> selector) {
  releaseSelector(ssl);
  SSL_set_ex_data(ssl, selectorIndex(), new SelectorRef(std::move(selector)));
  SSL_set_info_callback(ssl, releaseSelectorWhenDone);
}

}  // namespace portico::tls
