#include "source/common/tls/server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "source/common/tls/certificate_selector.h"
#include "source/common/tls/self_signed.h"

namespace portico::tls {
namespace {

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

std::shared_ptr<SSL_CTX> shared(absl::StatusOr<SslCtxPtr> context) {
  EXPECT_TRUE(context.ok()) << context.status();
  return std::shared_ptr<SSL_CTX>(context->release(), SSL_CTX_free);
}

CertificatePair selfSigned(KeyType type) {
  absl::StatusOr<CertificatePair> pair = makeSelfSignedCertificate(type);
  EXPECT_TRUE(pair.ok()) << pair.status();
  return *pair;
}

bool sameCertificate(X509* presented, const CertificatePair& expected) {
  BIO* bio = BIO_new_mem_buf(expected.cert_pem.data(), static_cast<int>(expected.cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  const bool same = presented != nullptr && cert != nullptr && X509_cmp(presented, cert) == 0;
  X509_free(cert);
  return same;
}

// One client handshake against an accept context, over an in-memory BIO pair.
struct Handshake {
  bool ok = false;
  SslPtr client;
  SslPtr server;

  X509* presented() const { return SSL_get0_peer_certificate(client.get()); }
  std::string alpn() const {
    const unsigned char* data = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(client.get(), &data, &length);
    return std::string(reinterpret_cast<const char*>(data), length);
  }
};

struct ClientOptions {
  ClientOptions() = default;
  explicit ClientOptions(std::string name) : server_name(std::move(name)) {}

  std::string server_name;
  int max_version = 0;
  int min_version = 0;
  const char* sigalgs = nullptr;
  std::string alpn;  // wire format
  SSL_SESSION* session = nullptr;
};

Handshake handshake(SSL_CTX* accept, std::shared_ptr<const CertificateSelector> selector,
                    const ClientOptions& options) {
  static SSL_CTX* client_context = SSL_CTX_new(TLS_client_method());
  Handshake result;
  result.client.reset(SSL_new(client_context));
  result.server.reset(SSL_new(accept));
  attachSelector(result.server.get(), std::move(selector));
  BIO* client_end = nullptr;
  BIO* server_end = nullptr;
  BIO_new_bio_pair(&client_end, 0, &server_end, 0);
  SSL_set_bio(result.client.get(), client_end, client_end);
  SSL_set_bio(result.server.get(), server_end, server_end);
  SSL* client = result.client.get();
  if (!options.server_name.empty()) {
    SSL_set_tlsext_host_name(client, options.server_name.c_str());
  }
  if (options.min_version != 0) {
    SSL_set_min_proto_version(client, options.min_version);
    SSL_set_security_level(client, 0);
  }
  if (options.max_version != 0) {
    SSL_set_max_proto_version(client, options.max_version);
  }
  if (options.sigalgs != nullptr) {
    SSL_set1_sigalgs_list(client, options.sigalgs);
  }
  if (!options.alpn.empty()) {
    SSL_set_alpn_protos(client, reinterpret_cast<const unsigned char*>(options.alpn.data()),
                        static_cast<unsigned int>(options.alpn.size()));
  }
  if (options.session != nullptr) {
    SSL_set_session(client, options.session);
  }
  SSL_set_connect_state(client);
  SSL_set_accept_state(result.server.get());
  for (int round = 0; round < 20; ++round) {
    const int client_done = SSL_do_handshake(client);
    const int server_done = SSL_do_handshake(result.server.get());
    if (client_done == 1 && server_done == 1) {
      result.ok = true;
      // TLS 1.3 tickets come after the handshake: let the client read them.
      char byte;
      SSL_read(client, &byte, 1);
      return result;
    }
    const int client_error = SSL_get_error(client, client_done);
    const int server_error = SSL_get_error(result.server.get(), server_done);
    const auto blocked = [](int error) {
      return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE ||
             error == SSL_ERROR_NONE;
    };
    if (!blocked(client_error) || !blocked(server_error)) {
      break;
    }
  }
  ERR_clear_error();
  return result;
}

class ServerContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    accept_ = shared(makeAcceptContext());
    default_context_ = shared(makeServerContext({default_rsa_, default_ecdsa_}));
    selector_->setDefault(default_context_);
    selector_->add("example.com", shared(makeServerContext({example_})));
    selector_->add("*.example.com", shared(makeServerContext({wildcard_})));
  }

  CertificatePair default_rsa_ = selfSigned(KeyType::kRsa);
  CertificatePair default_ecdsa_ = selfSigned(KeyType::kEcdsa);
  CertificatePair example_ = selfSigned(KeyType::kEcdsa);
  CertificatePair wildcard_ = selfSigned(KeyType::kRsa);
  std::shared_ptr<SSL_CTX> accept_;
  std::shared_ptr<SSL_CTX> default_context_;
  std::shared_ptr<CertificateSelector> selector_ = std::make_shared<CertificateSelector>();
};

TEST_F(ServerContextTest, TheClientsSniSelectsTheCertificate) {
  Handshake exact = handshake(accept_.get(), selector_, ClientOptions("example.com"));
  ASSERT_TRUE(exact.ok);
  EXPECT_TRUE(sameCertificate(exact.presented(), example_));
  Handshake wildcard = handshake(accept_.get(), selector_, ClientOptions("api.example.com"));
  ASSERT_TRUE(wildcard.ok);
  EXPECT_TRUE(sameCertificate(wildcard.presented(), wildcard_));
}

TEST_F(ServerContextTest, TheConnectionLetsGoOfTheSelectorWhenItsHandshakeEnds) {
  Handshake done = handshake(accept_.get(), selector_, ClientOptions("example.com"));
  ASSERT_TRUE(done.ok);
  // Only the fixture holds it now, so a keep-alive TLS connection does not pin an old snapshot.
  EXPECT_EQ(selector_.use_count(), 1);
}

TEST_F(ServerContextTest, AConnectionClosedMidHandshakeFreesItsSelector) {
  {
    std::unique_ptr<SSL, decltype(&SSL_free)> server(SSL_new(accept_.get()), SSL_free);
    attachSelector(server.get(), selector_);
    EXPECT_EQ(selector_.use_count(), 2);
  }
  EXPECT_EQ(selector_.use_count(), 1);
}

TEST_F(ServerContextTest, UnknownOrMissingSniGetsTheDefault) {
  ClientOptions rsa_only;
  rsa_only.sigalgs = "RSA-PSS+SHA256:RSA+SHA256";
  Handshake no_sni = handshake(accept_.get(), selector_, rsa_only);
  ASSERT_TRUE(no_sni.ok);
  EXPECT_TRUE(sameCertificate(no_sni.presented(), default_rsa_));
  rsa_only.server_name = "unknown.test";
  Handshake unknown = handshake(accept_.get(), selector_, rsa_only);
  ASSERT_TRUE(unknown.ok);
  EXPECT_TRUE(sameCertificate(unknown.presented(), default_rsa_));
}

TEST_F(ServerContextTest, ADualCertificatePresentsTheKeyTypeTheClientSupports) {
  ClientOptions ecdsa;
  ecdsa.sigalgs = "ECDSA+SHA256";
  Handshake with_ecdsa = handshake(accept_.get(), selector_, ecdsa);
  ASSERT_TRUE(with_ecdsa.ok);
  EXPECT_TRUE(sameCertificate(with_ecdsa.presented(), default_ecdsa_));
  ClientOptions rsa;
  rsa.sigalgs = "RSA-PSS+SHA256";
  Handshake with_rsa = handshake(accept_.get(), selector_, rsa);
  ASSERT_TRUE(with_rsa.ok);
  EXPECT_TRUE(sameCertificate(with_rsa.presented(), default_rsa_));
}

TEST_F(ServerContextTest, WithoutADefaultAnUnknownNameIsRefused) {
  auto only_example = std::make_shared<CertificateSelector>();
  only_example->add("example.com", shared(makeServerContext({example_})));
  EXPECT_FALSE(handshake(accept_.get(), only_example, ClientOptions("unknown.test")).ok);
  EXPECT_TRUE(handshake(accept_.get(), only_example, ClientOptions("example.com")).ok);
}

TEST_F(ServerContextTest, OnlyTls12AndTls13AreSpoken) {
  ClientOptions tls11;
  tls11.min_version = TLS1_1_VERSION;
  tls11.max_version = TLS1_1_VERSION;
  EXPECT_FALSE(handshake(accept_.get(), selector_, tls11).ok);
  ClientOptions tls12;
  tls12.max_version = TLS1_2_VERSION;
  Handshake twelve = handshake(accept_.get(), selector_, tls12);
  ASSERT_TRUE(twelve.ok);
  EXPECT_EQ(SSL_version(twelve.client.get()), TLS1_2_VERSION);
  Handshake thirteen = handshake(accept_.get(), selector_, ClientOptions());
  ASSERT_TRUE(thirteen.ok);
  EXPECT_EQ(SSL_version(thirteen.client.get()), TLS1_3_VERSION);
}

TEST_F(ServerContextTest, AlpnChoosesHttp11AndIgnoresH2) {
  ClientOptions both;
  both.alpn = std::string("\x02h2\x08http/1.1", 12);
  EXPECT_EQ(handshake(accept_.get(), selector_, both).alpn(), "http/1.1");
  ClientOptions h2_only;
  h2_only.alpn = std::string("\x02h2", 3);
  Handshake h2 = handshake(accept_.get(), selector_, h2_only);
  ASSERT_TRUE(h2.ok);
  EXPECT_EQ(h2.alpn(), "");
}

TEST_F(ServerContextTest, SessionsResumeAcrossSelectorsSoAcrossReloads) {
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    ClientOptions first;
    first.server_name = "example.com";
    first.max_version = version;
    Handshake initial = handshake(accept_.get(), selector_, first);
    ASSERT_TRUE(initial.ok);
    EXPECT_FALSE(SSL_session_reused(initial.client.get()));
    SSL_SESSION* session = SSL_get1_session(initial.client.get());
    ASSERT_NE(session, nullptr);

    auto reloaded = std::make_shared<CertificateSelector>();
    reloaded->add("example.com", shared(makeServerContext({example_})));
    ClientOptions again = first;
    again.session = session;
    Handshake resumed = handshake(accept_.get(), reloaded, again);
    SSL_SESSION_free(session);
    ASSERT_TRUE(resumed.ok);
    EXPECT_TRUE(SSL_session_reused(resumed.client.get())) << "version " << version;
  }
}

TEST(MakeServerContextTest, AMismatchedKeyIsRefused) {
  CertificatePair one = selfSigned(KeyType::kEcdsa);
  CertificatePair other = selfSigned(KeyType::kEcdsa);
  EXPECT_FALSE(makeServerContext({{one.cert_pem, other.key_pem}}).ok());
  EXPECT_FALSE(makeServerContext({{"not pem", one.key_pem}}).ok());
  EXPECT_FALSE(makeServerContext({}).ok());
}

}  // namespace
}  // namespace portico::tls
