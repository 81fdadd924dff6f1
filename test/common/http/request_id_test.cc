#include "source/common/http/request_id.h"

#include "gtest/gtest.h"

namespace portico::http {
namespace {

TEST(RequestIdTest, PrintsBothDrawsAsSixteenLowerCaseHexDigitsEach) {
  EXPECT_EQ(RequestId(0x0123456789abcdefULL, 0xfedcba9876543210ULL).view(),
            "0123456789abcdeffedcba9876543210");
}

TEST(RequestIdTest, KeepsLeadingZeros) {
  EXPECT_EQ(RequestId(0, 0xaULL).view(), "0000000000000000000000000000000a");
}

TEST(RequestIdTest, DefaultIsEmpty) { EXPECT_TRUE(RequestId().view().empty()); }

}  // namespace
}  // namespace portico::http
