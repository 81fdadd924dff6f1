#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "source/router/router.h"
#include "test/router/router_test_base.h"

namespace portico::router::test {

namespace {

using RouterPriorityTest = RouterTestBase;

TEST_F(RouterPriorityTest, HostsAndPathsBeatPathsOnly) {
  config_.service("svc");
  config_.route("paths-only", "svc").paths({"/"});
  config_.route("host-and-path", "svc").hosts({"h.test"}).paths({"/"});
  build();

  EXPECT_EQ(routeFor("/x", "h.test"), "host-and-path");
  EXPECT_EQ(routeFor("/x", "other.test"), "paths-only");
}

TEST_F(RouterPriorityTest, LongerPrefixWinsAndRootCatchesTheRest) {
  config_.service("svc");
  config_.route("root", "svc").paths({"/"});
  config_.route("short", "svc").paths({"/my-route"});
  config_.route("long", "svc").paths({"/my-route/hello"});
  build();

  EXPECT_EQ(routeFor("/my-route/hello/world"), "long");
  EXPECT_EQ(routeFor("/my-route/x"), "short");
  EXPECT_EQ(routeFor("/elsewhere"), "root");
}

TEST_F(RouterPriorityTest, RegexPathBeatsAnExactLengthPlainPrefix) {
  config_.service("a", "/a");
  config_.service("b", "/b");
  config_.route("rx", "a").paths({"~/route/(fixture)"});
  config_.route("px", "b").paths({"/route/fixture"});
  build();

  const std::optional<RouteMatch> result = get("/route/fixture");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->route->id(), "rx");
  EXPECT_EQ(result->upstream_path, "/a");
}

TEST_F(RouterPriorityTest, HigherRegexPriorityWinsAmongRegexRoutes) {
  config_.service("svc");
  config_.route("low", "svc").paths({"~/api/\\d+"}).regexPriority(1);
  config_.route("high", "svc").paths({"~/api/"}).regexPriority(5);
  config_.route("negative", "svc").paths({"~/api/1"}).regexPriority(-3);
  build();

  EXPECT_EQ(routeFor("/api/1"), "high");
}

TEST_F(RouterPriorityTest, MoreHeadersBeatLongerPaths) {
  config_.service("svc");
  config_.route("one-header", "svc").paths({"/my-route/hello"}).header("version", {"v1"});
  config_.route("two-headers", "svc")
      .paths({"/my-route"})
      .header("version", {"v1"})
      .header("location", {"us-east"});
  build();

  TestRequest request = requestFor("/my-route/hello");
  request.headers.add("version", "v1");
  request.headers.add("location", "us-east");
  EXPECT_EQ(routeFor(request), "two-headers");
  request.headers.remove("location");
  EXPECT_EQ(routeFor(request), "one-header");
}

TEST_F(RouterPriorityTest, HeaderCountOutranksARegexPath) {
  config_.service("svc");
  config_.route("regex", "svc").paths({"~/x"}).header("a", {"1"});
  config_.route("plain", "svc").paths({"/x"}).header("a", {"1"}).header("b", {"2"});
  build();

  TestRequest request = requestFor("/x");
  request.headers.add("a", "1");
  request.headers.add("b", "2");
  EXPECT_EQ(routeFor(request), "plain");
}

TEST_F(RouterPriorityTest, MoreDimensionsBeatALongerPrefix) {
  config_.service("svc");
  config_.route("long", "svc").paths({"/a/very/long/prefix"});
  config_.route("method", "svc").paths({"/a"}).methods({"GET"});
  build();

  EXPECT_EQ(routeFor("/a/very/long/prefix"), "method");
}

TEST_F(RouterPriorityTest, PlainHostBeatsWildcardWhichNeedsOneMoreLabel) {
  config_.service("w", "/w");
  config_.service("p", "/p");
  config_.route("wild", "w").hosts({"*.example.test"});
  config_.route("plain", "p").hosts({"a.example.test"});
  build();

  EXPECT_EQ(get("/", "b.example.test")->upstream_path, "/w");
  EXPECT_EQ(routeFor("/", "example.test"), "<none>");
  EXPECT_EQ(get("/", "a.example.test")->upstream_path, "/p");
}

TEST_F(RouterPriorityTest, EachPathOfARouteCompetesWithItsOwnLength) {
  config_.service("svc");
  config_.route("a", "svc").paths({"/a", "/a/b/c"});
  config_.route("b", "svc").paths({"/a/b"});
  build();

  EXPECT_EQ(routeFor("/a/b/c/d"), "a");
  EXPECT_EQ(get("/a/b/c/d")->matched_path, "/a/b/c");
  EXPECT_EQ(routeFor("/a/b/x"), "b");
  EXPECT_EQ(routeFor("/a/x"), "a");
  EXPECT_EQ(get("/a/x")->matched_path, "/a");
}

TEST_F(RouterPriorityTest, RegexPathsOfAMixedRouteRankAsRegex) {
  config_.service("svc");
  config_.route("mixed", "svc").paths({"/m", "~/n/\\d+"});
  config_.route("plain", "svc").paths({"/n/123"});
  build();

  EXPECT_EQ(routeFor("/n/123"), "mixed");
  EXPECT_EQ(routeFor("/m/x"), "mixed");
  EXPECT_EQ(routeFor("/n/x"), "<none>");
}

TEST_F(RouterPriorityTest, EqualRanksGoToTheGreaterRouteId) {
  config_.service("svc");
  config_.route("bbb", "svc").paths({"/same"});
  config_.route("aaa", "svc").paths({"/same"});
  config_.route("ccc", "svc").paths({"/same"}).methods({"POST"});
  build();

  EXPECT_EQ(routeFor("/same"), "bbb");
}

TEST_F(RouterPriorityTest, HostIndexKeepsPriorityOrderAcrossHostlessRoutes) {
  config_.service("svc");
  config_.route("host", "svc").hosts({"H.Test"});
  config_.route("method-path", "svc").paths({"/x"}).methods({"GET"});
  config_.route("host-method-path", "svc").hosts({"h.test"}).paths({"/x/y"}).methods({"GET"});
  build();

  EXPECT_EQ(routeFor("/x/y", "h.test"), "host-method-path");
  EXPECT_EQ(routeFor("/x", "h.test"), "method-path");
  EXPECT_EQ(routeFor("/z", "h.test"), "host");
  EXPECT_EQ(routeFor("/x/y", "other.test"), "method-path");
}

}  // namespace
}  // namespace portico::router::test
