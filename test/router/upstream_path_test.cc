#include "source/router/upstream_path.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "source/router/uri_path.h"

namespace portico::router {
namespace {

enum Strip { kStrip, kKeep, kEither };

constexpr const char* kHostOnly = nullptr;

struct Row {
  const char* service_path;
  const char* route_path;  // kHostOnly: the route matched by host, nothing is stripped
  Strip strip;
  const char* request;
  const char* expected;
};

// Kong's spec/fixtures/router_path_handling_tests.lua, every `path_handling = v0` row (kEither rows
// hold for both strip_path values), then the rows kong-behavior.md §2.4 and B-router add.
const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = {
      {"/", "/", kEither, "/", "/"},
      {"/", "/", kEither, "/route", "/route"},
      {"/", "/", kEither, "/route/", "/route/"},
      {"/", "/", kEither, "/routereq", "/routereq"},
      {"/", "/", kEither, "/route/req", "/route/req"},
      {"/", "/route", kKeep, "/route", "/route"},
      {"/", "/route", kKeep, "/route/", "/route/"},
      {"/", "/route", kKeep, "/routereq", "/routereq"},
      {"/", "/route", kStrip, "/route", "/"},
      {"/", "/route", kStrip, "/route/", "/"},
      {"/", "/route", kStrip, "/routereq", "/req"},
      {"/", "/route/", kKeep, "/route/", "/route/"},
      {"/", "/route/", kKeep, "/route/req", "/route/req"},
      {"/", "/route/", kStrip, "/route/", "/"},
      {"/", "/route/", kStrip, "/route/req", "/req"},
      {"/srv", "/rou", kKeep, "/roureq", "/srv/roureq"},
      {"/srv", "/rou", kStrip, "/roureq", "/srv/req"},
      {"/srv/", "/rou", kKeep, "/rou", "/srv/rou"},
      {"/srv/", "/rou", kStrip, "/rou", "/srv"},
      {"/service", "/", kEither, "/", "/service"},
      {"/service", "/", kEither, "/route", "/service/route"},
      {"/service", "/", kEither, "/route/", "/service/route/"},
      {"/service", "/", kEither, "/routereq", "/service/routereq"},
      {"/service", "/", kEither, "/route/req", "/service/route/req"},
      {"/service", "/route", kKeep, "/route", "/service/route"},
      {"/service", "/route", kKeep, "/route/", "/service/route/"},
      {"/service", "/route", kKeep, "/routereq", "/service/routereq"},
      {"/service", "/route", kStrip, "/route", "/service"},
      {"/service", "/route", kStrip, "/route/", "/service/"},
      {"/service", "/route", kStrip, "/routereq", "/service/req"},
      {"/service", "/route/", kKeep, "/route/", "/service/route/"},
      {"/service", "/route/", kKeep, "/route/req", "/service/route/req"},
      {"/service", "/route/", kStrip, "/route/", "/service/"},
      {"/service", "/route/", kStrip, "/route/req", "/service/req"},
      {"/service/", "/", kEither, "/route/", "/service/route/"},
      {"/service/", "/", kEither, "/", "/service/"},
      {"/service/", "/", kEither, "/route", "/service/route"},
      {"/service/", "/", kEither, "/routereq", "/service/routereq"},
      {"/service/", "/", kEither, "/route/req", "/service/route/req"},
      {"/service/", "/route", kKeep, "/route", "/service/route"},
      {"/service/", "/route", kKeep, "/route/", "/service/route/"},
      {"/service/", "/route", kKeep, "/routereq", "/service/routereq"},
      {"/service/", "/route", kStrip, "/route", "/service"},
      {"/service/", "/route", kStrip, "/route/", "/service/"},
      {"/service/", "/route", kStrip, "/routereq", "/service/req"},
      {"/service/", "/route/", kKeep, "/route/", "/service/route/"},
      {"/service/", "/route/", kKeep, "/route/req", "/service/route/req"},
      {"/service/", "/route/", kStrip, "/route/", "/service/"},
      {"/service/", "/route/", kStrip, "/route/req", "/service/req"},
      {"/", kHostOnly, kEither, "/", "/"},
      {"/", kHostOnly, kEither, "/route", "/route"},
      {"/", kHostOnly, kEither, "/route/", "/route/"},
      {"/service", kHostOnly, kEither, "/", "/service"},
      {"/service", kHostOnly, kEither, "/route", "/service/route"},
      {"/service", kHostOnly, kEither, "/route/", "/service/route/"},
      {"/service/", kHostOnly, kEither, "/", "/service/"},
      {"/service/", kHostOnly, kEither, "/route", "/service/route"},
      {"/service/", kHostOnly, kEither, "/route/", "/service/route/"},
      // Dot leftovers after stripping are dropped; encoded dots are decoded first (§2.4).
      {"/service", "/route", kStrip, "/route./req", "/service/req"},
      {"/service", "/route", kStrip, "/route%2E%2E/req", "/service/req"},
      {"/service", "/route", kKeep, "/route%2e/req", "/service/route./req"},
      // Encoded reserved characters in route paths match literally.
      {"/", "/endel%2Fst", kStrip, "/endel%2fst", "/"},
      // §2.4 examples and conformance B2, B4, B5.
      {"/", "/users", kStrip, "/users/public", "/public"},
      {"/", "/users", kStrip, "/users", "/"},
      {"/", "/users", kStrip, "/users/", "/"},
      {"/", "/users", kStrip, "/usersfoo", "/foo"},
      {"/base", "/users", kStrip, "/users/x", "/base/x"},
      {"/base", "/users", kStrip, "/users", "/base"},
      {"/base", "/users", kKeep, "/users/x", "/base/users/x"},
      {"/base", "/nb", kKeep, "/nb/x", "/base/nb/x"},
      {"/base", "/nb", kKeep, "/nb", "/base/nb"},
  };
  return kRows;
}

std::string describe(const Row& row, bool strip) {
  return std::string("service ") + row.service_path + ", route " +
         (row.route_path == kHostOnly ? "<host only>" : row.route_path) +
         (strip ? ", strip" : ", no strip") + ", request " + row.request;
}

TEST(UpstreamPathTest, ReproducesKongPathHandlingTable) {
  int checked = 0;
  for (const Row& row : rows()) {
    for (const bool strip : {true, false}) {
      if ((row.strip == kStrip && !strip) || (row.strip == kKeep && strip)) {
        continue;
      }
      const std::optional<std::string_view> matched =
          row.route_path == kHostOnly ? std::nullopt
                                      : std::optional<std::string_view>(row.route_path);
      EXPECT_EQ(buildUpstreamPath(row.service_path, strip, matched, normalizePath(row.request)),
                row.expected)
          << describe(row, strip);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 82 + 13);
}

TEST(UpstreamPathTest, RegexStripRemovesTheMatchedText) {
  EXPECT_EQ(buildUpstreamPath("/", true, "/users/123/profile", "/users/123/profile/hello/world"),
            "/hello/world");
  EXPECT_EQ(buildUpstreamPath("/anything", true, "/users/123/profile", "/users/123/profile"),
            "/anything");
}

TEST(UpstreamPathTest, EmptyServicePathReadsAsRoot) {
  EXPECT_EQ(buildUpstreamPath("", true, "/route", "/route/x"), "/x");
}

TEST(UpstreamPathTest, StripOnRootRouteStripsNothing) {
  EXPECT_EQ(buildUpstreamPath("/svc", true, "/", "/a/b"), "/svc/a/b");
  EXPECT_EQ(buildUpstreamPath("/svc", false, "/", "/a/b"), "/svc/a/b");
}

}  // namespace
}  // namespace portico::router
