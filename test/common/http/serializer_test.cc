#include "source/common/http/serializer.h"

#include "gtest/gtest.h"
#include "source/common/http/hop_by_hop.h"

namespace portico::http {
namespace {

MessageHead response(std::initializer_list<HeaderMap::Entry> headers) {
  MessageHead head;
  head.status = 200;
  for (const auto& [name, value] : headers) {
    head.headers.add(name, value);
  }
  return head;
}

TEST(SerializerTest, StatusLineTakesTheUpstreamsReasonOrTheStandardOne) {
  MessageHead head = response({});
  head.status = 404;
  std::string standard;
  serializeResponseHead(head, standard);
  EXPECT_EQ(standard, "HTTP/1.1 404 Not Found\r\n\r\n");
  head.status = 503;
  head.reason = "Busy Right Now";
  std::string custom;
  serializeResponseHead(head, custom);
  EXPECT_EQ(custom, "HTTP/1.1 503 Busy Right Now\r\n\r\n");
}

TEST(SerializerTest, AStatusOutsideThreeDigitsIsWrittenAsItIs) {
  MessageHead head = response({});
  head.reason = "Odd";
  for (const int status : {42, 1000}) {
    head.status = status;
    std::string out;
    serializeResponseHead(head, out);
    EXPECT_EQ(out, "HTTP/1.1 " + std::to_string(status) + " Odd\r\n\r\n");
  }
}

TEST(SerializerTest, StatusLineAppendsToWhatTheBufferHolds) {
  MessageHead head = response({});
  head.status = 101;
  std::string out = "prefix|";
  serializeResponseHead(head, out);
  EXPECT_EQ(out, "prefix|HTTP/1.1 101 Switching Protocols\r\n\r\n");
}

TEST(SerializerTest, HeaderLinesOfEveryLengthAreWrittenWhole) {
  // Short names and values take word-sized copies, long ones memcpy: each length is checked.
  MessageHead head = response({});
  std::string expected = "HTTP/1.1 200 OK\r\n";
  for (size_t length = 0; length <= 40; ++length) {
    // Every byte differs from its neighbours, so a piece copied from the wrong offset shows.
    std::string name = "N";
    std::string value;
    for (size_t i = 0; i < length; ++i) {
      name += static_cast<char>('A' + i % 26);
      value += static_cast<char>('a' + (i * 7) % 26);
    }
    head.headers.add(name, value);
    expected += name + ": " + value + "\r\n";
  }
  expected += "\r\n";
  std::string out;
  serializeResponseHead(head, out);
  EXPECT_EQ(out, expected);
}

TEST(SerializerTest, OverridesAreAppendedInTheOrderSetWhenAbsent) {
  HeaderOverrides overrides;
  overrides.set("Via", "1.1 portico");
  overrides.set("Connection", "keep-alive");
  std::string out;
  serializeResponseHead(response({{"Content-Length", "5"}}), overrides, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nVia: 1.1 portico\r\n"
            "Connection: keep-alive\r\n\r\n");
}

TEST(SerializerTest, OverrideReplacesTheFirstLineInPlaceAndDropsTheRest) {
  HeaderOverrides overrides;
  overrides.set("X-Latency", "7");
  std::string out;
  serializeResponseHead(response({{"x-latency", "1"}, {"A", "a"}, {"X-LATENCY", "2"}, {"B", "b"}}),
                        overrides, out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nx-latency: 7\r\nA: a\r\nB: b\r\n\r\n");
}

TEST(SerializerTest, OverridesMatchWhatHeaderMapSetProduces) {
  MessageHead head = response({{"Server", "up"}, {"Via", "1.0 a"}, {"Date", "d"}, {"via", "x"}});
  HeaderOverrides overrides;
  overrides.set("Via", "1.0 a, 1.1 portico");
  overrides.set("X-Id", "abc");
  std::string with_overrides;
  serializeResponseHead(head, overrides, with_overrides);

  head.headers.set("Via", "1.0 a, 1.1 portico");
  head.headers.set("X-Id", "abc");
  std::string with_set;
  serializeResponseHead(head, with_set);
  EXPECT_EQ(with_overrides, with_set);
}

TEST(SerializerTest, NoOverridesSerializesTheHeadAsIs) {
  std::string plain;
  std::string overridden;
  const MessageHead head = response({{"A", "1"}});
  serializeResponseHead(head, plain);
  serializeResponseHead(head, HeaderOverrides(), overridden);
  EXPECT_EQ(plain, overridden);
}

TEST(HopByHopTest, TheSevenHopByHopNamesInAnyCaseAndNoOthers) {
  for (std::string_view name : {"Connection", "keep-alive", "Proxy-Connection", "TE", "Trailer",
                                "transfer-encoding", "UPGRADE"}) {
    EXPECT_TRUE(isHopByHopHeader(name)) << name;
  }
  for (std::string_view name : {"", "t", "tf", "Trailers", "Content-Length", "connection2",
                                "Accept-Encoding", "proxy-authorization", "Keep-Alive-X"}) {
    EXPECT_FALSE(isHopByHopHeader(name)) << name;
  }
}

TEST(HopByHopTest, ConnectionListedNamesAreTrimmedTokensMatchedIgnoringCase) {
  EXPECT_TRUE(ConnectionListedNames("keep-alive, X-Drop").contains("x-drop"));
  EXPECT_TRUE(ConnectionListedNames(" close ,upgrade").contains("Upgrade"));
  EXPECT_TRUE(ConnectionListedNames("a, b, c, d, e, f").contains("F"));
  EXPECT_FALSE(ConnectionListedNames("keep-alive, X-Drop").contains("X-Dro"));
  EXPECT_FALSE(ConnectionListedNames(",,").contains("x"));
  EXPECT_FALSE(ConnectionListedNames("").contains("x"));
  EXPECT_TRUE(ConnectionListedNames("x-last,").contains("X-Last"));
  EXPECT_FALSE(ConnectionListedNames(" , a,,").contains(""));
}

}  // namespace
}  // namespace portico::http
