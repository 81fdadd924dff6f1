#include "source/router/host.h"

#include "gtest/gtest.h"

namespace portico::router {
namespace {

TEST(SplitHostPortTest, SplitsANumericPort) {
  const HostAndPort split = splitHostPort("example.com:8000");
  EXPECT_EQ(split.host, "example.com");
  EXPECT_EQ(split.port, 8000u);
}

TEST(SplitHostPortTest, HostWithoutPort) {
  const HostAndPort split = splitHostPort("example.com");
  EXPECT_EQ(split.host, "example.com");
  EXPECT_FALSE(split.port.has_value());
}

TEST(SplitHostPortTest, NonNumericSuffixKeepsTheWholeValue) {
  EXPECT_EQ(splitHostPort("a:b").host, "a:b");
  EXPECT_EQ(splitHostPort("a:").host, "a:");
  EXPECT_EQ(splitHostPort("a:99999").host, "a:99999");
}

TEST(SplitHostPortTest, WildcardAndBracketedHosts) {
  EXPECT_EQ(splitHostPort("example.*:123").host, "example.*");
  const HostAndPort v6 = splitHostPort("[::1]:8443");
  EXPECT_EQ(v6.host, "[::1]");
  EXPECT_EQ(v6.port, 8443u);
  EXPECT_EQ(splitHostPort("[::1]").host, "[::1]");
}

TEST(HostPatternTest, ExactMatchIsCaseInsensitive) {
  const HostPattern pattern("Example.COM");
  EXPECT_TRUE(pattern.matches("example.com", 80));
  EXPECT_FALSE(pattern.matches("www.example.com", 80));
  EXPECT_FALSE(pattern.isWildcard());
}

TEST(HostPatternTest, LeadingWildcardNeedsOneMoreLabel) {
  const HostPattern pattern("*.example.test");
  EXPECT_TRUE(pattern.matches("b.example.test", 80));
  EXPECT_TRUE(pattern.matches("a.b.example.test", 80));
  EXPECT_FALSE(pattern.matches("example.test", 80));
  EXPECT_TRUE(pattern.isWildcard());
}

TEST(HostPatternTest, TrailingWildcardIsAPrefixMatch) {
  const HostPattern pattern("example.*");
  EXPECT_TRUE(pattern.matches("example.org", 80));
  EXPECT_TRUE(pattern.matches("example.co.uk", 80));
  EXPECT_FALSE(pattern.matches("example", 80));
}

TEST(HostPatternTest, PortRestrictsTheDestinationPort) {
  const HostPattern pattern("example.com:8000");
  EXPECT_TRUE(pattern.matches("example.com", 8000));
  EXPECT_FALSE(pattern.matches("example.com", 8001));
}

}  // namespace
}  // namespace portico::router
