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
}

}  // namespace
}  // namespace portico::http
