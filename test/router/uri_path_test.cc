#include "source/router/uri_path.h"

#include "gtest/gtest.h"

namespace portico::router {
namespace {

TEST(NormalizePathTest, DecodesUnreservedCharacters) {
  EXPECT_EQ(normalizePath("/h%65llo"), "/hello");
  EXPECT_EQ(normalizePath("/%41%7a%2D%5f%2e%7E"), "/Az-_.~");
}

TEST(NormalizePathTest, DecodesOtherCharacters) {
  EXPECT_EQ(normalizePath("/cat%20and%20dog"), "/cat and dog");
  EXPECT_EQ(normalizePath("/caf%C3%A9"), "/caf\xC3\xA9");
}

TEST(NormalizePathTest, KeepsReservedCharactersEncodedInUpperCase) {
  EXPECT_EQ(normalizePath("/endel%2fst"), "/endel%2Fst");
  EXPECT_EQ(normalizePath("/a%3a%3F%23%25%5b%5D%21%2a%27%28%29%3b%40%26%3d%2b%24%2c"),
            "/a%3A%3F%23%25%5B%5D%21%2A%27%28%29%3B%40%26%3D%2B%24%2C");
}

TEST(NormalizePathTest, DecodesInOnePass) {
  EXPECT_EQ(normalizePath("/%2541"), "/%2541");
  EXPECT_EQ(normalizePath("/%252f"), "/%252f");
}

TEST(NormalizePathTest, LeavesMalformedEscapesAlone) {
  EXPECT_EQ(normalizePath("/a%zz"), "/a%zz");
  EXPECT_EQ(normalizePath("/a%4"), "/a%4");
  EXPECT_EQ(normalizePath("/a%"), "/a%");
}

TEST(NormalizePathTest, RemovesDotSegments) {
  EXPECT_EQ(normalizePath("/foo/a/../bar"), "/foo/bar");
  EXPECT_EQ(normalizePath("/foo/./bar"), "/foo/bar");
  EXPECT_EQ(normalizePath("/foo/a/../bar/z"), "/foo/bar/z");
  EXPECT_EQ(normalizePath("/a/b/.."), "/a/");
  EXPECT_EQ(normalizePath("/a/."), "/a/");
  EXPECT_EQ(normalizePath("/a/.."), "/");
}

TEST(NormalizePathTest, DotSegmentsNeverClimbAboveRoot) {
  EXPECT_EQ(normalizePath("/../../a"), "/a");
  EXPECT_EQ(normalizePath("/.."), "/");
  EXPECT_EQ(normalizePath("/a/../../b"), "/b");
}

TEST(NormalizePathTest, EncodedDotsCountAsDotSegments) {
  EXPECT_EQ(normalizePath("/foo/%2e%2e/bar"), "/bar");
  EXPECT_EQ(normalizePath("/foo/%2E./bar"), "/bar");
  EXPECT_EQ(normalizePath("/foo/%2e/bar"), "/foo/bar");
}

TEST(NormalizePathTest, KeepsDotsInsideSegments) {
  EXPECT_EQ(normalizePath("/.hidden/x"), "/.hidden/x");
  EXPECT_EQ(normalizePath("/a..b/c."), "/a..b/c.");
  EXPECT_EQ(normalizePath("/route%2E%2E/req"), "/route../req");
}

TEST(NormalizePathTest, MergesRepeatedSlashes) {
  EXPECT_EQ(normalizePath("/foo//bar"), "/foo/bar");
  EXPECT_EQ(normalizePath("//a///b//"), "/a/b/");
  EXPECT_EQ(normalizePath("///"), "/");
}

TEST(NormalizePathTest, KeepsTrailingSlashAndTrivialPaths) {
  EXPECT_EQ(normalizePath("/a/b/"), "/a/b/");
  EXPECT_EQ(normalizePath("/"), "/");
  EXPECT_EQ(normalizePath(""), "");
}

TEST(EscapeUpstreamPathTest, EncodesSpaceAsPercent20) {
  EXPECT_EQ(escapeUpstreamPath("/anything/world/cat and dog"), "/anything/world/cat%20and%20dog");
}

TEST(EscapeUpstreamPathTest, EncodesUnsafeBytesInUpperCaseHex) {
  EXPECT_EQ(escapeUpstreamPath("/a\"b<c>d^e`f{g}h|i\\j"), "/a%22b%3Cc%3Ed%5Ee%60f%7Bg%7Dh%7Ci%5Cj");
  EXPECT_EQ(escapeUpstreamPath("/caf\xC3\xA9"), "/caf%C3%A9");
  EXPECT_EQ(escapeUpstreamPath(std::string_view("/\0\x7f", 3)), "/%00%7F");
}

TEST(EscapeUpstreamPathTest, KeepsSafeCharactersAndExistingEscapes) {
  const std::string safe = "/AZaz09-_.~!#$&'()*+,/:;=?@[]%2F";
  EXPECT_EQ(escapeUpstreamPath(safe), safe);
}

TEST(EscapeUpstreamPathTest, RoundTripsNormalisedRequests) {
  EXPECT_EQ(escapeUpstreamPath(normalizePath("/h%65llo/cat%20dog/%2f")), "/hello/cat%20dog/%2F");
}

}  // namespace
}  // namespace portico::router
