#include "source/upstream/http_client.h"

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "test/common/network/tls_tunnel_peer.h"
#include "test/test_common/loop_runner.h"
#include "test/test_common/scripted_http_server.h"

namespace portico::upstream {
namespace {

using test::ScriptedHttpServer;

constexpr char kRequest[] = "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";

ScriptedHttpServer::Reply ok(std::string body) {
  return {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body};
}

class HttpClientTest : public testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    upstreams_ = std::make_unique<Upstreams>(&loop_, 8, 60000);
  }

  void TearDown() override {
    request_.reset();
    server_.reset();
    upstreams_.reset();
    test::runUntil(
        &loop_, [] { return false; }, 20);
    uv_loop_close(&loop_);
  }

  void serve(ScriptedHttpServer::Handler handler) {
    server_ = std::make_unique<ScriptedHttpServer>(&loop_, std::move(handler));
  }

  absl::StatusOr<HttpResponse> call(std::string bytes, uint64_t timeout_ms = 2000,
                                    size_t max_response_bytes = 1 << 20) {
    HttpTarget target;
    target.host = "127.0.0.1";
    target.port = static_cast<uint16_t>(server_->port());
    target.pool_key = "http://127.0.0.1:" + std::to_string(server_->port());
    std::optional<absl::StatusOr<HttpResponse>> result;
    request_ = std::make_unique<HttpClientRequest>(
        *upstreams_, target, std::move(bytes),
        HttpClientRequest::Options{timeout_ms, max_response_bytes},
        [&](absl::StatusOr<HttpResponse> response) { result = std::move(response); });
    request_->start();
    EXPECT_FALSE(result.has_value()) << "called back inside start()";
    EXPECT_TRUE(test::runUntil(&loop_, [&] { return result.has_value(); }));
    if (!result.has_value()) {
      return absl::UnknownError("no answer");
    }
    return std::move(*result);
  }

  uv_loop_t loop_;
  std::unique_ptr<Upstreams> upstreams_;
  std::unique_ptr<ScriptedHttpServer> server_;
  std::unique_ptr<HttpClientRequest> request_;
};

TEST_F(HttpClientTest, ReturnsTheWholeResponseAndSendsTheRequestAsGiven) {
  serve([](const std::string&) { return ok(R"({"a":1})"); });
  absl::StatusOr<HttpResponse> response = call(kRequest);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(*response->headers.get("content-type"), "application/json");
  EXPECT_EQ(response->body, R"({"a":1})");
  ASSERT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(server_->requests()[0], kRequest);
}

TEST_F(HttpClientTest, KeepAliveConnectionsAreReused) {
  serve([](const std::string&) { return ok("x"); });
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(call(kRequest).ok());
  }
  EXPECT_EQ(server_->connectionsAccepted(), 1);
}

TEST_F(HttpClientTest, ReadsChunkedAndCloseDelimitedBodies) {
  serve([](const std::string&) {
    return ScriptedHttpServer::Reply{
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"};
  });
  absl::StatusOr<HttpResponse> chunked = call(kRequest);
  ASSERT_TRUE(chunked.ok()) << chunked.status();
  EXPECT_EQ(chunked->body, "abcde");

  serve([](const std::string&) {
    return ScriptedHttpServer::Reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-eof", true};
  });
  absl::StatusOr<HttpResponse> close_delimited = call(kRequest);
  ASSERT_TRUE(close_delimited.ok()) << close_delimited.status();
  EXPECT_EQ(close_delimited->body, "until-eof");
}

TEST_F(HttpClientTest, ErrorStatusesAreResponsesNotFailures) {
  serve([](const std::string&) {
    return ScriptedHttpServer::Reply{
        "HTTP/1.1 403 Forbidden\r\nx-amzn-ErrorType: InvalidSignatureException\r\n"
        "Content-Length: 2\r\n\r\n{}"};
  });
  absl::StatusOr<HttpResponse> response = call(kRequest);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(*response->headers.get("x-amzn-errortype"), "InvalidSignatureException");
}

TEST_F(HttpClientTest, SlowPeerTimesOut) {
  serve([](const std::string&) {
    ScriptedHttpServer::Reply reply = ok("late");
    reply.delay_ms = 1000;
    return reply;
  });
  absl::StatusOr<HttpResponse> response = call(kRequest, 100);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(HttpClientTest, ClosedPortIsUnavailable) {
  serve([](const std::string&) { return ok(""); });
  const int port = server_->port();
  server_.reset();
  test::runUntil(
      &loop_, [] { return false; }, 10);
  HttpTarget target{"127.0.0.1", static_cast<uint16_t>(port), nullptr, "closed", std::nullopt};
  std::optional<absl::StatusOr<HttpResponse>> result;
  request_ = std::make_unique<HttpClientRequest>(
      *upstreams_, target, kRequest, HttpClientRequest::Options{},
      [&](absl::StatusOr<HttpResponse> response) { result = std::move(response); });
  request_->start();
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return result.has_value(); }));
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HttpClientTest, GarbageIsDataLoss) {
  serve([](const std::string&) { return ScriptedHttpServer::Reply{"SSH-2.0-nope\r\n\r\n"}; });
  EXPECT_EQ(call(kRequest).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(HttpClientTest, OversizedBodyIsRefusedAndTheConnectionNotReused) {
  serve([](const std::string&) { return ok(std::string(4096, 'x')); });
  EXPECT_EQ(call(kRequest, 2000, 1024).status().code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(call(kRequest).ok());
  EXPECT_EQ(server_->connectionsAccepted(), 2);
}

TEST_F(HttpClientTest, DestroyingTheRequestCancelsTheCallback) {
  serve([](const std::string&) {
    ScriptedHttpServer::Reply reply = ok("late");
    reply.delay_ms = 50;
    return reply;
  });
  HttpTarget target{"127.0.0.1", static_cast<uint16_t>(server_->port()), nullptr, "k",
                    std::nullopt};
  bool called = false;
  request_ = std::make_unique<HttpClientRequest>(
      *upstreams_, target, kRequest, HttpClientRequest::Options{},
      [&](absl::StatusOr<HttpResponse>) { called = true; });
  request_->start();
  test::runUntil(
      &loop_, [&] { return server_->requests().size() == 1; }, 1000);
  request_.reset();
  test::runUntil(
      &loop_, [] { return false; }, 100);
  EXPECT_FALSE(called);
}

class HttpClientProxyTest : public HttpClientTest {
 protected:
  void SetUp() override {
    HttpClientTest::SetUp();
    tls_context_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(tls_context_, SSL_VERIFY_PEER, nullptr);
  }
  void TearDown() override {
    HttpClientTest::TearDown();
    SSL_CTX_free(tls_context_);
  }

  // A call to `host`:`port` through the proxy listening on `proxy_port`.
  absl::StatusOr<HttpResponse> callThroughProxy(const std::string& host, uint16_t port, bool tls,
                                                int proxy_port,
                                                const std::string& authorization = "") {
    HttpTarget target;
    target.host = host;
    target.port = port;
    target.tls_context = tls ? tls_context_ : nullptr;
    target.pool_key = (tls ? "https://" : "http://") + host + ":" + std::to_string(port);
    target.proxy = ForwardProxy{"127.0.0.1", static_cast<uint16_t>(proxy_port), authorization};
    std::optional<absl::StatusOr<HttpResponse>> result;
    request_ = std::make_unique<HttpClientRequest>(
        *upstreams_, target, kRequest, HttpClientRequest::Options{2000, 1 << 20},
        [&](absl::StatusOr<HttpResponse> response) { result = std::move(response); });
    request_->start();
    EXPECT_TRUE(test::runUntil(&loop_, [&] { return result.has_value(); }));
    if (!result.has_value()) {
      return absl::UnknownError("no answer");
    }
    return std::move(*result);
  }

  SSL_CTX* tls_context_ = nullptr;
};

TEST_F(HttpClientProxyTest, PlainTargetIsRequestedInAbsoluteFormFromTheProxy) {
  serve([](const std::string&) { return ok("via proxy"); });
  absl::StatusOr<HttpResponse> response =
      callThroughProxy("lambda.invalid", 8080, false, server_->port(), "Basic dTpw");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "via proxy");
  ASSERT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(server_->requests()[0],
            "POST http://lambda.invalid:8080/f HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n"
            "Host: x\r\nContent-Length: 2\r\n\r\n{}");
}

TEST_F(HttpClientProxyTest, ConnectionsThroughTheProxyAreReusedButNotForDirectCalls) {
  serve([](const std::string&) { return ok("x"); });
  const uint16_t port = static_cast<uint16_t>(server_->port());
  ASSERT_TRUE(callThroughProxy("127.0.0.1", port, false, port).ok());
  ASSERT_TRUE(callThroughProxy("127.0.0.1", port, false, port).ok());
  EXPECT_EQ(server_->connectionsAccepted(), 1);
  ASSERT_TRUE(call(kRequest).ok());  // same pool_key, no proxy
  EXPECT_EQ(server_->connectionsAccepted(), 2);
  ASSERT_TRUE(callThroughProxy("127.0.0.1", port, false, port, "Basic other").ok());
  EXPECT_EQ(server_->connectionsAccepted(), 3);
}

TEST_F(HttpClientProxyTest, TlsTargetGoesThroughAConnectTunnel) {
  test::TlsTunnelPeer peer("HTTP/1.1 200 Connection established\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
  X509_STORE_add_cert(SSL_CTX_get_cert_store(tls_context_), peer.certificate());
  absl::StatusOr<HttpResponse> response =
      callThroughProxy("localhost", 443, true, peer.port(), "Basic dTpw");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "secret");
  EXPECT_EQ(peer.plaintextHead(),
            "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n"
            "Proxy-Authorization: Basic dTpw\r\n\r\n");
  EXPECT_EQ(peer.serverName(), "localhost");
  EXPECT_EQ(peer.tlsHead(), "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n");
}

TEST_F(HttpClientProxyTest, UntrustedCertificateInTheTunnelIsUnavailable) {
  test::TlsTunnelPeer peer("HTTP/1.1 200 Connection established\r\n\r\n", "");
  absl::StatusOr<HttpResponse> response = callThroughProxy("localhost", 443, true, peer.port());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(response.status().message().find("certificate verify failed"), std::string::npos)
      << response.status();
}

TEST_F(HttpClientProxyTest, RefusedConnectIsUnavailableAndNamesTheProxy) {
  serve([](const std::string&) {
    return ScriptedHttpServer::Reply{
        "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nnope"};
  });
  absl::StatusOr<HttpResponse> response =
      callThroughProxy("lambda.invalid", 443, true, server_->port(), "Basic c2VjcmV0");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  const std::string message(response.status().message());
  EXPECT_NE(message.find("proxy 127.0.0.1:" + std::to_string(server_->port()) +
                         " refused CONNECT to lambda.invalid:443 with status 407"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("c2VjcmV0"), std::string::npos);
  ASSERT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(server_->requests()[0].rfind("CONNECT lambda.invalid:443 HTTP/1.1\r\n", 0), 0u);
}

TEST_F(HttpClientProxyTest, UnreachableProxyIsUnavailableAndNamesTheProxy) {
  serve([](const std::string&) { return ok(""); });
  const int port = server_->port();
  server_.reset();
  test::runUntil(
      &loop_, [] { return false; }, 10);
  absl::StatusOr<HttpResponse> response =
      callThroughProxy("lambda.invalid", 80, false, port, "Basic c2VjcmV0");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  const std::string message(response.status().message());
  EXPECT_NE(message.find("could not connect to proxy 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace portico::upstream
