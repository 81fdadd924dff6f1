#include "source/common/http/hop_by_hop.h"

#include <string>

#include "gtest/gtest.h"
#include "source/common/http/parser.h"

namespace portico::http {
namespace {

// Parses a request head as the downstream connection does, so `upgrade` is llhttp's verdict.
class HeadCollector : public Parser::Callbacks {
 public:
  void onHead(MessageHead& head) override { this->head = std::move(head); }
  void onBody(const char*, size_t) override {}
  void onMessageComplete() override {}
  MessageHead head;
};

MessageHead parse(const std::string& request) {
  HeadCollector collector;
  Parser parser(Parser::Type::kRequest, &collector);
  const Parser::Result result = parser.execute(request.data(), request.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kMessageDone) << request;
  return std::move(collector.head);
}

constexpr char kHandshake[] =
    "GET /chat HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

TEST(WebSocketUpgradeTest, AWebSocketHandshakeIsTunnelled) {
  EXPECT_TRUE(isWebSocketUpgrade(parse(kHandshake)));
}

TEST(WebSocketUpgradeTest, TheProtocolNameAndConnectionTokenAreCaseInsensitive) {
  EXPECT_TRUE(
      isWebSocketUpgrade(parse("GET / HTTP/1.1\r\nHost: gw\r\nUpgrade:  WebSocket \r\nConnection: "
                               "keep-alive, UPGRADE\r\n\r\n")));
}

TEST(WebSocketUpgradeTest, WithoutConnectionUpgradeTheUpgradeHeaderIsIgnored) {
  EXPECT_FALSE(
      isWebSocketUpgrade(parse("GET / HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n\r\n")));
}

TEST(WebSocketUpgradeTest, OtherProtocolsAreNotTunnelled) {
  EXPECT_FALSE(isWebSocketUpgrade(
      parse("GET / HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")));
  EXPECT_FALSE(isWebSocketUpgrade(
      parse("GET / HTTP/1.1\r\nHost: gw\r\nUpgrade: TLS/1.2\r\nConnection: Upgrade\r\n\r\n")));
  // Kong passes Upgrade only when it is exactly "websocket", not a list naming it.
  EXPECT_FALSE(isWebSocketUpgrade(parse(
      "GET / HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket, h2c\r\nConnection: Upgrade\r\n\r\n")));
  EXPECT_FALSE(isWebSocketUpgrade(
      parse("GET / HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nUpgrade: h2c\r\n"
            "Connection: Upgrade\r\n\r\n")));
}

TEST(WebSocketUpgradeTest, Http10RequestsAreNotUpgraded) {
  std::string request = kHandshake;
  request.replace(request.find("HTTP/1.1"), 8, "HTTP/1.0");
  EXPECT_FALSE(isWebSocketUpgrade(parse(request)));
}

TEST(WebSocketUpgradeTest, OnlyAGetWithoutABodyIsUpgraded) {
  std::string post = kHandshake;
  post.replace(0, 3, "POST");
  EXPECT_FALSE(isWebSocketUpgrade(parse(post)));
  EXPECT_FALSE(isWebSocketUpgrade(
      parse("GET / HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Content-Length: 3\r\n\r\nabc")));
  EXPECT_TRUE(isWebSocketUpgrade(
      parse("GET / HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Content-Length: 0\r\n\r\n")));
}

TEST(WebSocketUpgradeTest, TheBytesAfterTheHandshakeAreLeftUnparsed) {
  HeadCollector collector;
  Parser parser(Parser::Type::kRequest, &collector);
  const std::string frame = "\x81\x05hello";
  const std::string input = kHandshake + frame;
  const Parser::Result result = parser.execute(input.data(), input.size());
  ASSERT_EQ(result.outcome, Parser::Outcome::kMessageDone);
  EXPECT_EQ(input.substr(result.consumed), frame);
}

}  // namespace
}  // namespace portico::http
