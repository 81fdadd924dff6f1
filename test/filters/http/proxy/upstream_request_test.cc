#include "source/filters/http/proxy/upstream_request.h"

#include <string>

#include "gtest/gtest.h"
#include "source/common/http/hop_by_hop.h"
#include "source/common/http/parser.h"

namespace portico::filters {
namespace {

class HeadCollector : public http::Parser::Callbacks {
 public:
  void onHead(http::MessageHead& head) override { this->head = std::move(head); }
  void onBody(const char*, size_t) override {}
  void onMessageComplete() override {}
  http::MessageHead head;
};

// The head sent upstream for `request` (as a client sent it) on a route to "/up".
class UpstreamRequestTest : public testing::Test {
 protected:
  UpstreamRequestTest() {
    service_.host_header = "backend";
    match_.route = &route_;
    match_.upstream_path = "/up";
    context_.match = match_;
    context_.service = &service_;
    context_.settings = &settings_;
    context_.client_address = "10.0.0.1";
    context_.listener_port = 8000;
    context_.raw_path = "/ws";
    context_.request_id = http::RequestId(1, 2);
  }

  std::string upstreamHead(const std::string& request) {
    HeadCollector collector;
    http::Parser parser(http::Parser::Type::kRequest, &collector);
    parser.execute(request.data(), request.size());
    std::string out;
    serializeUpstreamRequest(collector.head, context_, http::isWebSocketUpgrade(collector.head),
                             out);
    return out;
  }

  config::v1::Route route_;
  router::RouteMatch match_;
  server::ServiceRuntime service_;
  server::ProxySettings settings_;
  http::StreamContext context_;
};

TEST_F(UpstreamRequestTest, ViaNamesThisHopWithTheRequestsHttpVersion) {
  EXPECT_NE(upstreamHead("GET /a HTTP/1.1\r\nHost: gw\r\n\r\n").find("\r\nVia: 1.1 portico/"),
            std::string::npos);
  EXPECT_NE(upstreamHead("GET /a HTTP/1.0\r\nHost: gw\r\n\r\n").find("\r\nVia: 1.0 portico/"),
            std::string::npos);
}

TEST_F(UpstreamRequestTest, ViaAppendsThisHopToTheClientsViaLines) {
  const std::string head =
      upstreamHead("GET /a HTTP/1.1\r\nHost: gw\r\nVia: 1.0 a\r\nvia: 1.1 b\r\n\r\n");
  EXPECT_NE(head.find("\r\nVia: 1.0 a, 1.1 b, 1.1 portico/"), std::string::npos) << head;
  EXPECT_EQ(head.find("\r\nvia:"), std::string::npos) << head;
}

TEST_F(UpstreamRequestTest, AWebSocketHandshakeAsksTheUpstreamToSwitchAsKongDoes) {
  const std::string head = upstreamHead(
      "GET /ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, X-Hop\r\nUpgrade: WebSocket\r\n"
      "X-Hop: 1\r\nKeep-Alive: 5\r\nSec-WebSocket-Key: k==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(head.rfind("GET /up HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("\r\nSec-WebSocket-Key: k==\r\nSec-WebSocket-Version: 13\r\n"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("\r\nX-Forwarded-For: 10.0.0.1\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("X-Hop"), std::string::npos) << head;
  EXPECT_EQ(head.find("Keep-Alive:"), std::string::npos) << head;
  EXPECT_EQ(head.find("WebSocket\r\n"), std::string::npos) << "the client's spelling: " << head;
  const std::string ending = "\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n";
  ASSERT_GE(head.size(), ending.size());
  EXPECT_EQ(head.substr(head.size() - ending.size()), ending) << head;
}

TEST_F(UpstreamRequestTest, AnUpgradeThatIsNotTunnelledIsDropped) {
  const std::string head = upstreamHead(
      "GET /ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
      "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
  EXPECT_EQ(head.find("Upgrade"), std::string::npos) << head;
  EXPECT_EQ(head.find("HTTP2-Settings"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nConnection: keep-alive\r\n\r\n"), std::string::npos) << head;
}

}  // namespace
}  // namespace portico::filters
