#include "source/common/http/cookies.h"

#include "gtest/gtest.h"

namespace portico::http {
namespace {

TEST(CookiesTest, FindsTheFirstCookieOfThatNameOverEveryCookieLine) {
  HeaderMap headers;
  headers.add("Cookie", "a=1; session = abc ;b=2");
  headers.add("cookie", "session=later");
  EXPECT_EQ(findCookie(headers, "session"), "abc");
  EXPECT_EQ(findCookie(headers, "b"), "2");
}

TEST(CookiesTest, NamesCompareCaseInsensitivelyAsNginxDoes) {
  HeaderMap headers;
  headers.add("Cookie", "Session=abc");
  EXPECT_EQ(findCookie(headers, "session"), "abc");
}

TEST(CookiesTest, AMissingCookieOrAPairWithoutValueIsEmpty) {
  HeaderMap headers;
  headers.add("Cookie", "flag; other=x");
  EXPECT_EQ(findCookie(headers, "flag"), "");
  EXPECT_EQ(findCookie(headers, "absent"), "");
  EXPECT_EQ(findCookie(HeaderMap(), "other"), "");
}

}  // namespace
}  // namespace portico::http
