#include "source/upstream/url_fetcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "test/test_common/loop_runner.h"
#include "test/test_common/scripted_http_server.h"

namespace portico::upstream {
namespace {

using test::ScriptedHttpServer;

ScriptedHttpServer::Reply reply(const std::string& status_line, const std::string& body) {
  return {absl::StrCat("HTTP/1.1 ", status_line, "\r\nContent-Type: application/json\r\n",
                       "Content-Length: ", body.size(), "\r\n\r\n", body)};
}

// A TCP socket bound on loopback that never listens: connecting to it is refused.
class ClosedPort {
 public:
  ClosedPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~ClosedPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// Accepts one connection on [::1] in a thread, keeps the request head and answers 200 with
// `Connection: close` (ScriptedHttpServer listens on 127.0.0.1 only).
class Ipv6OneShotServer {
 public:
  Ipv6OneShotServer() : fd_(socket(AF_INET6, SOCK_STREAM, 0)) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    socklen_t length = sizeof(address);
    listening_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                 listen(fd_, 1) == 0 &&
                 getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    port_ = ntohs(address.sin6_port);
    if (listening_) {
      thread_ = std::thread([this] { serveOne(); });
    }
  }
  ~Ipv6OneShotServer() {
    shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) {
      thread_.join();
    }
    close(fd_);
  }

  bool listening() const { return listening_; }
  int port() const { return port_; }
  // Once the fetch has answered: what the one connection sent up to its blank line.
  const std::string& head() {
    if (thread_.joinable()) {
      thread_.join();
    }
    return head_;
  }

 private:
  void serveOne() {
    const int peer = accept(fd_, nullptr, nullptr);
    if (peer < 0) {
      return;
    }
    char buffer[4096];
    std::string received;
    while (received.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = read(peer, buffer, sizeof(buffer));
      if (n <= 0) {
        break;
      }
      received.append(buffer, static_cast<size_t>(n));
    }
    head_ = received;
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    EXPECT_EQ(write(peer, answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
    close(peer);
  }

  int fd_;
  bool listening_ = false;
  int port_ = 0;
  std::string head_;
  std::thread thread_;
};

class UrlFetcherTest : public ::testing::Test {
 protected:
  UrlFetcherTest() {
    uv_loop_init(&loop_);
    upstreams_ = std::make_unique<Upstreams>(&loop_, 4, 60000);
    fetcher_ = makeUrlFetcher(*upstreams_, "");
  }

  ~UrlFetcherTest() override {
    fetcher_ = nullptr;
    server_.reset();
    upstreams_.reset();
    test::runUntil(
        &loop_, [] { return false; }, 20);
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "handles left open on the loop";
  }

  void serve(ScriptedHttpServer::Handler handler) {
    server_ = std::make_unique<ScriptedHttpServer>(&loop_, std::move(handler));
  }

  std::string base() const { return absl::StrCat("http://127.0.0.1:", server_->port()); }

  absl::StatusOr<FetchResponse> fetch(FetchRequest request) {
    std::optional<absl::StatusOr<FetchResponse>> result;
    fetcher_(request,
             [&](absl::StatusOr<FetchResponse> response) { result = std::move(response); });
    EXPECT_TRUE(test::runUntil(&loop_, [&] { return result.has_value(); }));
    if (!result.has_value()) {
      return absl::UnknownError("no answer");
    }
    return std::move(*result);
  }

  static FetchRequest get(std::string url) {
    FetchRequest request;
    request.method = "GET";
    request.url = std::move(url);
    request.timeout_ms = 2000;
    return request;
  }

  uv_loop_t loop_;
  std::unique_ptr<Upstreams> upstreams_;
  std::unique_ptr<ScriptedHttpServer> server_;
  HttpFetcher fetcher_;
};

TEST_F(UrlFetcherTest, AGetSendsItsHeadersAndAHostAndReturnsTheWholeResponse) {
  serve([](const std::string&) { return reply("200 OK", R"({"keys":[]})"); });
  FetchRequest request = get(base() + "/.well-known/jwks.json?v=2");
  request.headers = {{"Accept", "application/json"}, {"X-Trace", "t1"}};
  absl::StatusOr<FetchResponse> response = fetch(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"keys":[]})");
  bool has_content_type = false;
  for (const auto& [name, value] : response->headers) {
    has_content_type = has_content_type || (name == "Content-Type" && value == "application/json");
  }
  EXPECT_TRUE(has_content_type);
  ASSERT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(server_->requests()[0], absl::StrCat("GET /.well-known/jwks.json?v=2 HTTP/1.1\r\n",
                                                 "Accept: application/json\r\nX-Trace: t1\r\n",
                                                 "Host: 127.0.0.1:", server_->port(), "\r\n\r\n"));
}

TEST_F(UrlFetcherTest, AGivenHostHeaderIsSentInsteadOfTheUrlsOne) {
  serve([](const std::string&) { return reply("200 OK", "{}"); });
  FetchRequest request = get(base() + "/");
  request.headers = {{"host", "sts.amazonaws.com"}};
  ASSERT_TRUE(fetch(request).ok());
  EXPECT_EQ(server_->requests()[0], "GET / HTTP/1.1\r\nhost: sts.amazonaws.com\r\n\r\n");
}

TEST_F(UrlFetcherTest, AUrlWithoutAPathAsksForTheRootAndAFragmentIsNotSent) {
  serve([](const std::string&) { return reply("200 OK", "{}"); });
  ASSERT_TRUE(fetch(get(base())).ok());
  ASSERT_TRUE(fetch(get(base() + "/jwks?a=1#section")).ok());
  ASSERT_EQ(server_->requests().size(), 2u);
  EXPECT_EQ(server_->requests()[0].substr(0, 16), "GET / HTTP/1.1\r\n");
  EXPECT_EQ(server_->requests()[1].substr(0, 24), "GET /jwks?a=1 HTTP/1.1\r\n");
}

TEST_F(UrlFetcherTest, APostCarriesItsBodyWithAContentLength) {
  serve([](const std::string&) { return reply("200 OK", "{}"); });
  FetchRequest request = get(base() + "/token");
  request.method = "POST";
  request.body = "a=1&b=2";
  ASSERT_TRUE(fetch(request).ok());
  request.body.clear();
  ASSERT_TRUE(fetch(request).ok());
  ASSERT_EQ(server_->requests().size(), 2u);
  EXPECT_EQ(server_->requests()[0],
            absl::StrCat("POST /token HTTP/1.1\r\nHost: 127.0.0.1:", server_->port(),
                         "\r\nContent-Length: 7\r\n\r\na=1&b=2"));
  EXPECT_NE(server_->requests()[1].find("\r\nContent-Length: 0\r\n\r\n"), std::string::npos)
      << server_->requests()[1];
}

TEST_F(UrlFetcherTest, AnErrorStatusIsAResponseNotAFailure) {
  serve([](const std::string&) { return reply("503 Service Unavailable", "busy"); });
  absl::StatusOr<FetchResponse> response = fetch(get(base() + "/jwks"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST_F(UrlFetcherTest, AUrlThatIsNotHttpIsAnError) {
  for (const char* url : {"ftp://127.0.0.1/jwks", "not a url", "http:///jwks",
                          "http://127.0.0.1:0/jwks", "http://127.0.0.1:99999/jwks"}) {
    SCOPED_TRACE(url);
    absl::StatusOr<FetchResponse> response = fetch(get(url));
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << response.status();
  }
}

TEST_F(UrlFetcherTest, ARefusedConnectionIsAnError) {
  ClosedPort closed;
  absl::StatusOr<FetchResponse> response =
      fetch(get(absl::StrCat("http://127.0.0.1:", closed.port(), "/jwks")));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
}

TEST_F(UrlFetcherTest, APeerSlowerThanTheTimeoutIsAnError) {
  serve([](const std::string&) {
    ScriptedHttpServer::Reply late = reply("200 OK", "{}");
    late.delay_ms = 1000;
    return late;
  });
  FetchRequest request = get(base() + "/jwks");
  request.timeout_ms = 50;
  absl::StatusOr<FetchResponse> response = fetch(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
}

TEST_F(UrlFetcherTest, AnIpv6LiteralIsBracketedInTheHostHeader) {
  Ipv6OneShotServer server;
  if (!server.listening()) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  absl::StatusOr<FetchResponse> response =
      fetch(get(absl::StrCat("http://[::1]:", server.port(), "/jwks")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "ok");
  EXPECT_NE(server.head().find(absl::StrCat("\r\nHost: [::1]:", server.port(), "\r\n")),
            std::string::npos)
      << server.head();
}

TEST_F(UrlFetcherTest, DroppingTheFetcherCancelsWhatIsInFlight) {
  serve([](const std::string&) {
    ScriptedHttpServer::Reply late = reply("200 OK", "{}");
    late.delay_ms = 100;
    return late;
  });
  bool called = false;
  fetcher_(get(base() + "/jwks"), [&](absl::StatusOr<FetchResponse>) { called = true; });
  test::runUntil(
      &loop_, [&] { return !server_->requests().empty(); }, 1000);
  fetcher_ = nullptr;
  test::runUntil(
      &loop_, [] { return false; }, 200);
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace portico::upstream
