#include "source/common/http/error_body.h"

#include "gtest/gtest.h"

namespace portico::http {
namespace {

HeaderMap withHeader(const std::string& name, const std::string& value) {
  HeaderMap headers;
  headers.add(name, value);
  return headers;
}

TEST(ErrorBodyTest, PdkErrorsDefaultToJson) {
  EXPECT_EQ(formatForPdkError(HeaderMap()), ErrorFormat::kJson);
  EXPECT_EQ(formatForPdkError(withHeader("Accept", "*/*")), ErrorFormat::kJson);
}

TEST(ErrorBodyTest, HighestQualityAcceptWins) {
  EXPECT_EQ(formatForPdkError(withHeader("Accept", "text/plain;q=0.5, text/html;q=0.9")),
            ErrorFormat::kHtml);
  EXPECT_EQ(formatForPdkError(withHeader("Accept", "application/xml")), ErrorFormat::kXml);
}

TEST(ErrorBodyTest, ProxyErrorsFallBackToContentTypeThenDefault) {
  EXPECT_EQ(formatForProxyError(HeaderMap(), ErrorFormat::kText), ErrorFormat::kText);
  EXPECT_EQ(formatForProxyError(withHeader("Content-Type", "application/json; charset=utf-8"),
                                ErrorFormat::kText),
            ErrorFormat::kJson);
}

TEST(ErrorBodyTest, RendersKongTemplates) {
  EXPECT_EQ(
      renderErrorBody(ErrorFormat::kJson, "no Route matched with those values", "abc").body,
      "{\n  \"message\":\"no Route matched with those values\",\n  \"request_id\":\"abc\"\n}");
  const ErrorBody text = renderErrorBody(ErrorFormat::kText, "Bad request", "abc");
  EXPECT_EQ(text.body, "Bad request\nrequest_id: abc\n");
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
}

TEST(ErrorBodyTest, EscapesMessagesInJson) {
  EXPECT_NE(renderErrorBody(ErrorFormat::kJson, "say \"hi\"", "id").body.find("say \\\"hi\\\""),
            std::string::npos);
}

}  // namespace
}  // namespace portico::http
