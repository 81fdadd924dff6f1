#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "source/common/network/connection.h"
#include "test/common/network/tls_tunnel_peer.h"
#include "test/test_common/loop_runner.h"

namespace portico::network {
namespace {

constexpr char kConnect[] = "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n";
constexpr char kTunnelUp[] = "HTTP/1.1 200 Connection established\r\n\r\n";
constexpr char kRequest[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
constexpr char kResponse[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

// Sends the CONNECT once TCP is up, starts TLS on the proxy's answer, then sends the request.
class TunnelClient : public ConnectionCallbacks {
 public:
  void onConnected() override {
    ++connected_calls;
    if (connected_calls == 1) {
      connection->write(kConnect);
    } else {
      connection->write(kRequest);
    }
  }
  void onData(const char* data, size_t length) override {
    received.append(data, length);
    if (!tls_started && received == kTunnelUp) {
      tls_started = true;
      received.clear();
      connection->startTls(context, server_name);
      returned_from_start_tls = true;
    }
  }
  void onClose(CloseReason reason, const std::string& detail) override {
    EXPECT_TRUE(!tls_started || returned_from_start_tls) << "onClose inside startTls";
    close_reason = reason;
    close_detail = detail;
    if (destroy_on_close) {
      connection.reset();
    }
  }

  SSL_CTX* context = nullptr;
  std::string server_name = "localhost";
  ConnectionPtr connection;
  bool destroy_on_close = false;
  int connected_calls = 0;
  bool tls_started = false;
  bool returned_from_start_tls = false;
  std::string received;
  std::optional<CloseReason> close_reason;
  std::string close_detail;
};

class StartTlsTest : public testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    context_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  }
  void TearDown() override {
    client_.connection.reset();
    test::runUntil(
        &loop_, [] { return false; }, 20);
    uv_loop_close(&loop_);
    SSL_CTX_free(context_);
  }

  void connectTo(const test::TlsTunnelPeer& peer) {
    sockaddr_in address{};
    uv_ip4_addr("127.0.0.1", peer.port(), &address);
    client_.context = context_;
    client_.connection =
        Connection::connect(&loop_, reinterpret_cast<sockaddr*>(&address), nullptr, "", &client_);
  }

  uv_loop_t loop_;
  SSL_CTX* context_ = nullptr;
  TunnelClient client_;
};

TEST_F(StartTlsTest, TlsRunsOverAnAlreadyConnectedPlainConnection) {
  test::TlsTunnelPeer peer(kTunnelUp, kResponse);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(context_), peer.certificate());
  connectTo(peer);
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return client_.received == kResponse; }));
  EXPECT_EQ(client_.connected_calls, 2);
  EXPECT_TRUE(client_.connection->connected());
  EXPECT_EQ(peer.plaintextHead(), kConnect);
  EXPECT_EQ(peer.tlsHead(), kRequest);
  EXPECT_EQ(peer.serverName(), "localhost");
}

TEST_F(StartTlsTest, UntrustedCertificateIsReportedLaterAsTlsFailure) {
  test::TlsTunnelPeer peer(kTunnelUp, kResponse);
  client_.destroy_on_close = true;  // as owners do: the connection must not be touched after
  connectTo(peer);
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return client_.close_reason.has_value(); }));
  EXPECT_EQ(*client_.close_reason, CloseReason::kTlsFailed);
  EXPECT_NE(client_.close_detail.find("certificate verify failed"), std::string::npos)
      << client_.close_detail;
  EXPECT_EQ(client_.connected_calls, 1);
}

TEST_F(StartTlsTest, NameMismatchFailsVerification) {
  test::TlsTunnelPeer peer(kTunnelUp, kResponse);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(context_), peer.certificate());
  client_.server_name = "lambda.example.com";
  connectTo(peer);
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return client_.close_reason.has_value(); }));
  EXPECT_EQ(*client_.close_reason, CloseReason::kTlsFailed);
}

}  // namespace
}  // namespace portico::network
