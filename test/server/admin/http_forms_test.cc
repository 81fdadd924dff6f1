#include "gtest/gtest.h"
#include "source/server/admin/multipart.h"
#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {
namespace {

TEST(UrlDecodeTest, DecodesEscapesAndKeepsMalformedOnesAsWritten) {
  EXPECT_EQ(urlDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(urlDecode("100%", false), "100%");
  EXPECT_EQ(urlDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(urlDecode("a+b", false), "a+b");
  EXPECT_EQ(urlDecode("a+b", true), "a b");
}

TEST(UrlEncodeTest, EscapesAllButUnreservedCharacters) {
  EXPECT_EQ(urlEncode("MQ=="), "MQ%3D%3D");
  EXPECT_EQ(urlEncode("a-b_c.d~e f/+"), "a-b_c.d~e%20f%2F%2B");
}

TEST(FindArgTest, GivesTheFirstValueAndEmptyForABareName) {
  const QueryArgs args = http::parseUriArgs("size=1&offset=MQ%3D%3D&flag&&name=a+b&size=2");
  EXPECT_EQ(*findArg(args, "size"), "1");
  EXPECT_EQ(*findArg(args, "offset"), "MQ==");
  EXPECT_EQ(*findArg(args, "name"), "a b");
  EXPECT_EQ(*findArg(args, "flag"), "");
  EXPECT_EQ(findArg(args, "missing"), nullptr);
}

TEST(MultipartBoundaryTest, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(*multipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*multipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_FALSE(multipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(multipartBoundary("application/json; boundary=abc").ok());
  EXPECT_FALSE(multipartBoundary("multipart/form-data; boundary=\"unterminated").ok());
}

TEST(ParseMultipartTest, SplitsPartsWithTheirNamesFilenamesAndTypes) {
  const std::string body =
      "preamble\r\n"
      "--b\r\n"
      "Content-Disposition: form-data; name=\"config\"; filename=\"kong.yml\"\r\n"
      "Content-Type: application/yaml\r\n"
      "\r\n"
      "a: 1\r\nb: 2\r\n"
      "--b\r\n"
      "content-disposition: form-data; name=flag\r\n"
      "\r\n"
      "1\r\n"
      "--b--\r\n";
  auto parts = parseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "config");
  EXPECT_EQ((*parts)[0].filename, "kong.yml");
  EXPECT_EQ((*parts)[0].content_type, "application/yaml");
  EXPECT_EQ((*parts)[0].body, "a: 1\r\nb: 2");
  EXPECT_EQ((*parts)[1].name, "flag");
  EXPECT_FALSE((*parts)[1].filename.has_value());
  EXPECT_EQ((*parts)[1].body, "1");
}

TEST(ParseMultipartTest, AcceptsAnEmptyFormAndAnEmptyPart) {
  EXPECT_TRUE(parseMultipart("--b--\r\n", "b")->empty());
  auto parts =
      parseMultipart("--b\r\nContent-Disposition: form-data; name=x\r\n\r\n\r\n--b--", "b");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ((*parts)[0].body, "");
}

TEST(ParseMultipartTest, RejectsMalformedBodies) {
  EXPECT_FALSE(parseMultipart("no boundary here", "b").ok());
  EXPECT_FALSE(
      parseMultipart("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nabc", "b").ok());
  EXPECT_FALSE(parseMultipart("--b\r\nContent-Type: text/plain\r\n\r\nabc\r\n--b--", "b").ok());
  EXPECT_FALSE(
      parseMultipart("--b\r\nContent-Disposition: attachment; name=x\r\n\r\nabc\r\n--b--", "b")
          .ok());
  EXPECT_FALSE(parseMultipart("--bXYZ\r\n", "b").ok());
}

}  // namespace
}  // namespace portico::server::admin
