#include "source/config/declarative/paths.h"

#include "gtest/gtest.h"

namespace portico::config::declarative {
namespace {

TEST(RoutePathTest, AcceptsNormalisedPrefixesAndValidRegexes) {
  EXPECT_EQ(routePathError("/"), "");
  EXPECT_EQ(routePathError("/r1"), "");
  EXPECT_EQ(routePathError("/regex.+"), "");
  EXPECT_EQ(routePathError("~/users/(?P<id>\\d+)$"), "");
}

TEST(RoutePathTest, ReportsKongMessages) {
  EXPECT_EQ(routePathError("foo"), "should start with: / (fixed path) or ~/ (regex path)");
  EXPECT_EQ(routePathError("/a//b"), "must not have empty segments");
  EXPECT_EQ(routePathError("/a/../b"), "non-normalized path, consider use '/b' instead");
  EXPECT_EQ(routePathError("/h%65llo"), "non-normalized path, consider use '/hello' instead");
  EXPECT_EQ(routePathError("/bad%zz"), "invalid url-encoded value: '%zz'");
  std::string error = routePathError("~/foo(");
  EXPECT_EQ(error.rfind("invalid regex: '/foo(' (PCRE returned: ", 0), 0u) << error;
}

TEST(ServicePathTest, ReportsKongMessages) {
  EXPECT_EQ(servicePathError("/base"), "");
  EXPECT_EQ(servicePathError("base"), "should start with: /");
  EXPECT_EQ(servicePathError("/a//b"), "must not have empty segments");
  EXPECT_EQ(servicePathError("/a b"),
            "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)");
  EXPECT_EQ(servicePathError("/a%2"), "invalid url-encoded value: '%2'");
}

TEST(PathMigrationTest, LegacyPathsBecomeRegexesUnlessPlain) {
  EXPECT_EQ(migratePath("/regex.+"), "~/regex.+");
  EXPECT_EQ(migratePath("/prefix"), "/prefix");
  EXPECT_EQ(migratePath("/a/./b"), "/a/b");
  EXPECT_EQ(migratePath("/users/\\d+"), "~/users/\\d+");
  EXPECT_EQ(migratePath("/x%2E*"), "~/x\\.*");
  EXPECT_EQ(migratePath("/x%2f+"), "~/x%2F+");
}

TEST(PathMigrationTest, MigratesTopLevelAndNestedRoutesOfOldFormats) {
  nlohmann::json config = {{"_format_version", "1.1"},
                           {"routes", {{{"paths", {"/regex.+"}}}}},
                           {"services", {{{"routes", {{{"paths", {"/regex.+", "/prefix"}}}}}}}}};
  migrateFormat(config);
  EXPECT_EQ(config["_format_version"], "3.0");
  EXPECT_EQ(config["routes"][0]["paths"], nlohmann::json({"~/regex.+"}));
  EXPECT_EQ(config["services"][0]["routes"][0]["paths"], nlohmann::json({"~/regex.+", "/prefix"}));
}

TEST(PathMigrationTest, LeavesFormat30Alone) {
  nlohmann::json config = {{"_format_version", "3.0"}, {"routes", {{{"paths", {"/regex.+"}}}}}};
  migrateFormat(config);
  EXPECT_EQ(config["routes"][0]["paths"], nlohmann::json({"/regex.+"}));
}

}  // namespace
}  // namespace portico::config::declarative
