#include "source/common/http/host_header.h"

#include "gtest/gtest.h"

namespace portico::http {
namespace {

TEST(HostWithoutPortTest, DropsThePortAndLowerCases) {
  EXPECT_EQ(hostWithoutPort("Example.COM:8000"), "example.com");
  EXPECT_EQ(hostWithoutPort("example.com"), "example.com");
  EXPECT_EQ(hostWithoutPort("127.0.0.1:18080"), "127.0.0.1");
}

TEST(HostWithoutPortTest, KeepsAnIpv6LiteralsBrackets) {
  EXPECT_EQ(hostWithoutPort("[::1]:8000"), "[::1]");
  EXPECT_EQ(hostWithoutPort("[FE80::1]"), "[fe80::1]");
}

TEST(HostWithoutPortTest, AnUnclosedBracketKeepsTheWholeValue) {
  EXPECT_EQ(hostWithoutPort("[::1"), "[::1");
}

TEST(HostWithoutPortTest, EmptyStaysEmpty) { EXPECT_EQ(hostWithoutPort(""), ""); }

}  // namespace
}  // namespace portico::http
