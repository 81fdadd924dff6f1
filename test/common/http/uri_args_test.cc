#include "source/common/http/uri_args.h"

#include "gtest/gtest.h"

namespace portico::http {
namespace {

TEST(UriArgsTest, KeepsOrderRepeatsAndFlags) {
  std::vector<UriArg> args = parseUriArgs("a=1&b&a=2&=x&c=%zz");
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0].name, "a");
  EXPECT_EQ(args[0].value, "1");
  EXPECT_EQ(args[1].name, "b");
  EXPECT_FALSE(args[1].value);
  EXPECT_EQ(args[2].value, "2");
  EXPECT_EQ(args[3].value, "%zz");
}

TEST(UriArgsTest, DecodesPlusAndPercentEscapesInNamesAndValues) {
  std::vector<UriArg> args = parseUriArgs("first%20name=hello+world%21&empty=");
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].name, "first name");
  EXPECT_EQ(args[0].value, "hello world!");
  EXPECT_EQ(args[1].name, "empty");
  EXPECT_EQ(args[1].value, "");
}

}  // namespace
}  // namespace portico::http
