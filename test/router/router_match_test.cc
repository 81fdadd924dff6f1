#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "source/router/router.h"
#include "test/router/router_test_base.h"

namespace portico::router::test {
namespace {

using RouterMatchTest = RouterTestBase;

TEST_F(RouterMatchTest, PrefixMatchIsNotSegmentAwareAndStripsThePrefix) {
  config_.service("root", "/");
  config_.route("users", "root").paths({"/users"});
  build();

  EXPECT_EQ(get("/users/public")->upstream_path, "/public");
  EXPECT_EQ(get("/users")->upstream_path, "/");
  EXPECT_EQ(get("/users/")->upstream_path, "/");
  EXPECT_EQ(get("/usersfoo")->upstream_path, "/foo");
  EXPECT_FALSE(get("/user").has_value());
  EXPECT_FALSE(get("/x/users").has_value());
}

TEST_F(RouterMatchTest, StripPathFalseKeepsTheMatchedPrefix) {
  config_.service("base", "/base");
  config_.route("b-strip", "base").paths({"/b"});
  config_.route("b-nostrip", "base").paths({"/nb"}).stripPath(false);
  build();

  EXPECT_EQ(get("/nb/x")->upstream_path, "/base/nb/x");
  EXPECT_EQ(get("/nb")->upstream_path, "/base/nb");
  EXPECT_EQ(get("/b/x")->upstream_path, "/base/x");
  EXPECT_EQ(get("/b")->upstream_path, "/base");
}

TEST_F(RouterMatchTest, RegexPathIsAnchoredAtTheStartAndStripsTheMatchedText) {
  config_.service("any", "/anything");
  config_.route("prof", "any").paths({"~/users/\\d+/profile"});
  build();

  const std::optional<RouteMatch> hello = get("/users/123/profile/hello");
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->matched_path, "/users/123/profile");
  EXPECT_EQ(hello->upstream_path, "/anything/hello");
  EXPECT_EQ(get("/users/123/profile")->upstream_path, "/anything");
  EXPECT_FALSE(get("/users/foo/profile").has_value());
  EXPECT_FALSE(get("/x/users/123/profile").has_value());
}

TEST_F(RouterMatchTest, RegexStripReturnsNamedAndPositionalCaptures) {
  config_.service("svc");
  config_.route("r", "svc").paths({"~/users/(?<user_id>\\d+)/(\\w+)(?<opt>/x)?"});
  build();

  const std::optional<RouteMatch> result = get("/users/123/profile/hello/world");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->upstream_path, "/hello/world");
  EXPECT_EQ(result->forwarded_prefix, "/users/123/profile");
  EXPECT_EQ(result->captures.positional,
            (std::vector<std::string>{"/users/123/profile", "123", "profile", ""}));
  const std::vector<std::pair<std::string, std::string>> named = {{"user_id", "123"}, {"opt", ""}};
  EXPECT_EQ(result->captures.named, named);
}

TEST_F(RouterMatchTest, RegexMatchOnAShortPathKeepsTheMatchedText) {
  config_.service("svc");
  config_.route("r", "svc").paths({"~/u/(\\d)"});
  build();

  const std::optional<RouteMatch> result = get("/u/1/x");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->matched_path, "/u/1");
  EXPECT_EQ(result->captures.positional, (std::vector<std::string>{"/u/1", "1"}));
  EXPECT_EQ(result->upstream_path, "/x");
}

TEST_F(RouterMatchTest, PrefixRoutesHaveNoCaptures) {
  config_.service("svc");
  config_.route("r", "svc").paths({"/users"});
  build();

  const std::optional<RouteMatch> result = get("/users/1");
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->captures.positional.empty());
  EXPECT_TRUE(result->captures.named.empty());
}

TEST_F(RouterMatchTest, MethodRestrictedRouteDoesNotMatchOtherMethods) {
  config_.service("echo");
  config_.route("post", "echo").paths({"/post"}).methods({"POST", "PUT"});
  build();

  TestRequest request = requestFor("/post");
  request.method = "POST";
  EXPECT_EQ(routeFor(request), "post");
  request.method = "PUT";
  EXPECT_EQ(routeFor(request), "post");
  request.method = "DELETE";
  EXPECT_EQ(routeFor(request), "<none>");
  request.method = "post";
  EXPECT_EQ(routeFor(request), "<none>");
}

TEST_F(RouterMatchTest, HostMatchIgnoresCaseAndTheHostHeaderPort) {
  config_.service("svc");
  config_.route("h", "svc").hosts({"Example.com"});
  build();

  EXPECT_EQ(routeFor("/", "example.com"), "h");
  EXPECT_EQ(routeFor("/", "EXAMPLE.COM:8123"), "h");
  EXPECT_EQ(routeFor("/", "example.org"), "<none>");
  EXPECT_EQ(routeFor("/", ""), "<none>");
}

TEST_F(RouterMatchTest, HostWithPortRequiresTheListenerPort) {
  config_.service("svc");
  config_.route("with-port", "svc").hosts({"example.com:8000"});
  build();

  TestRequest request = requestFor("/", "example.com:8000");
  request.port = 8000;
  EXPECT_EQ(routeFor(request), "with-port");
  request.port = 8443;
  EXPECT_EQ(routeFor(request), "<none>");
}

TEST_F(RouterMatchTest, HostOnlyRouteStripsNothing) {
  config_.service("svc", "/service");
  config_.route("h", "svc").hosts({"h.test"});
  build();

  const std::optional<RouteMatch> result = get("/route/", "h.test");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->upstream_path, "/service/route/");
  EXPECT_EQ(result->matched_path, "");
  EXPECT_EQ(result->forwarded_prefix, "");
}

TEST_F(RouterMatchTest, HeaderNamesIgnoreCaseAndValuesCompareLowerCased) {
  config_.service("svc");
  config_.route("v", "svc").header("X-Version", {"v1", "V2"});
  build();

  TestRequest request = requestFor("/");
  EXPECT_EQ(routeFor(request), "<none>");
  request.headers.add("x-version", "V1");
  EXPECT_EQ(routeFor(request), "v");
  request.headers.set("X-VERSION", "v2");
  EXPECT_EQ(routeFor(request), "v");
  request.headers.set("x-version", "v3");
  EXPECT_EQ(routeFor(request), "<none>");
}

TEST_F(RouterMatchTest, AnyLineOfARepeatedHeaderMaySatisfyIt) {
  config_.service("svc");
  config_.route("v", "svc").header("x-version", {"v2"});
  build();

  TestRequest request = requestFor("/");
  request.headers.add("X-Version", "v1");
  request.headers.add("X-Version", "v2");
  EXPECT_EQ(routeFor(request), "v");
}

TEST_F(RouterMatchTest, RegexHeaderValueMatchesAnywhereInTheLowerCasedValue) {
  config_.service("svc");
  config_.route("beta", "svc").header("x-channel", {"~*Beta-\\d+"});
  build();

  TestRequest request = requestFor("/");
  request.headers.add("X-Channel", "early BETA-12");
  EXPECT_EQ(routeFor(request), "beta");
  request.headers.set("X-Channel", "beta-x");
  EXPECT_EQ(routeFor(request), "<none>");
}

TEST_F(RouterMatchTest, EveryListedHeaderIsRequired) {
  config_.service("svc");
  config_.route("both", "svc").header("x-a", {"1"}).header("x-b", {"2"});
  build();

  TestRequest request = requestFor("/");
  request.headers.add("x-a", "1");
  EXPECT_EQ(routeFor(request), "<none>");
  request.headers.add("x-b", "2");
  EXPECT_EQ(routeFor(request), "both");
}

TEST_F(RouterMatchTest, FieldsAreAndedAndValuesWithinAFieldAreOred) {
  config_.service("svc");
  config_.route("r", "svc").hosts({"a.test", "b.test"}).paths({"/x", "/y"}).methods({"GET"});
  build();

  EXPECT_EQ(routeFor("/x", "a.test"), "r");
  EXPECT_EQ(routeFor("/y/1", "b.test"), "r");
  EXPECT_EQ(routeFor("/z", "a.test"), "<none>");
  EXPECT_EQ(routeFor("/x", "c.test"), "<none>");
}

TEST_F(RouterMatchTest, SnisApplyOnlyToHttpsRequests) {
  config_.service("svc");
  config_.route("tls", "svc").snis({"secure.test."}).paths({"/"});
  build();

  TestRequest request = requestFor("/");
  EXPECT_EQ(routeFor(request), "tls");
  request.scheme = "https";
  request.sni = "secure.test";
  EXPECT_EQ(routeFor(request), "tls");
  request.sni = "other.test";
  EXPECT_EQ(routeFor(request), "<none>");
  request.sni = "";
  EXPECT_EQ(routeFor(request), "<none>");
}

TEST_F(RouterMatchTest, RoutesOfADisabledServiceAreNotRouted) {
  config_.service("off").set_enabled(false);
  config_.service("on");
  config_.route("off", "off").paths({"/off"});
  config_.route("on", "on").paths({"/on"});
  build();

  EXPECT_EQ(routeFor("/off"), "<none>");
  EXPECT_EQ(routeFor("/on"), "on");
}

TEST_F(RouterMatchTest, ServicelessRouteMatchesWithoutService) {
  config_.route("nosvc", "").hosts({"serviceless-route-http.test"});
  build();

  const std::optional<RouteMatch> result = get("/a", "serviceless-route-http.test");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->service, nullptr);
  EXPECT_EQ(result->upstream_path, "/a");
}

TEST_F(RouterMatchTest, StreamRoutesAndRoutesWithSourcesAreLeftOut) {
  config_.service("svc");
  config_.route("tcp", "svc").protocols({"tcp"}).paths({"/"});
  config_.route("src", "svc")
      .paths({"/"})
      .proto()
      .mutable_sources()
      ->add_values()
      ->set_string_value("10.0.0.1");
  build();

  EXPECT_EQ(router_->matcherCount(), 0u);
  EXPECT_EQ(routeFor("/"), "<none>");
}

TEST_F(RouterMatchTest, PathIsNormalisedBeforeMatching) {
  config_.service("echo");
  config_.route("foo", "echo").paths({"/foo/bar"});
  config_.route("hello", "echo").paths({"/hello"});
  config_.route("world", "echo").paths({"/anything/world"}).stripPath(false);
  build();

  const std::optional<RouteMatch> dots = get("/foo/a/../bar/z");
  ASSERT_TRUE(dots.has_value());
  EXPECT_EQ(dots->normalized_path, "/foo/bar/z");
  EXPECT_EQ(dots->upstream_path, "/z");
  EXPECT_EQ(get("/foo//bar")->upstream_path, "/");
  EXPECT_EQ(get("/foo/./bar")->upstream_path, "/");
  EXPECT_EQ(get("/h%65llo/x")->upstream_path, "/x");
  EXPECT_EQ(get("/anything/world/cat%20and%20dog")->upstream_path,
            "/anything/world/cat%20and%20dog");
}

TEST_F(RouterMatchTest, EncodedReservedCharactersInRoutePathsMatchLiterally) {
  config_.service("svc");
  config_.route("endel", "svc").paths({"/endel%2Fst"});
  build();

  EXPECT_EQ(get("/endel%2fst")->upstream_path, "/");
  EXPECT_EQ(routeFor("/endel/st"), "<none>");
}

TEST_F(RouterMatchTest, ForwardedPrefixIsWhatStripPathRemoved) {
  config_.service("svc", "/slash");
  config_.route("strip", "svc").paths({"/b"});
  config_.route("keep", "svc").paths({"/nb"}).stripPath(false);
  config_.route("root", "svc").paths({"/"});
  build();

  EXPECT_EQ(get("/b/x")->forwarded_prefix, "/b");
  EXPECT_EQ(get("/nb/x")->forwarded_prefix, "");
  const std::optional<RouteMatch> root = get("/");
  EXPECT_EQ(root->route->id(), "root");
  EXPECT_EQ(root->forwarded_prefix, "");
  EXPECT_EQ(root->upstream_path, "/slash");
}

TEST_F(RouterMatchTest, CreateRejectsARouteOfAnUnknownService) {
  config_.route("r", "missing").paths({"/"});
  const absl::StatusOr<RouterConstPtr> router = Router::create(config_.build());
  EXPECT_FALSE(router.ok());
  EXPECT_NE(router.status().message().find("missing"), std::string::npos);
}

TEST_F(RouterMatchTest, CreateRejectsARegexRe2CannotCompile) {
  config_.service("svc");
  config_.route("bad", "svc").paths({"~/a(b"});
  const absl::StatusOr<RouterConstPtr> router = Router::create(config_.build());
  EXPECT_FALSE(router.ok());
  EXPECT_NE(router.status().message().find("bad"), std::string::npos);
}

TEST_F(RouterMatchTest, MatchesPointIntoTheConfigTheRouterHolds) {
  config_.service("svc");
  config_.route("r", "svc").paths({"/"});
  build();
  config_ = TestConfig();

  const std::optional<RouteMatch> result = get("/x");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->route->id(), "r");
  EXPECT_EQ(result->service->id(), "svc");
}

}  // namespace
}  // namespace portico::router::test
