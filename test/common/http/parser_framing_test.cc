#include <string>

#include "gtest/gtest.h"
#include "source/common/http/parser.h"

namespace portico::http {
namespace {

struct Heads : Parser::Callbacks {
  int heads = 0;
  void onHead(MessageHead&) override { ++heads; }
  void onBody(const char*, size_t) override {}
  void onMessageComplete() override {}
};

Parser::Result parseRequest(const std::string& input, Heads& heads) {
  Parser parser(Parser::Type::kRequest, &heads);
  return parser.execute(input.data(), input.size());
}

TEST(ParserFramingTest, AHeaderNameWithASpaceIsRefusedBeforeTheHeadIsDelivered) {
  Heads heads;
  const Parser::Result result =
      parseRequest("POST /a HTTP/1.1\r\nHost: x\r\nContent Length: 5\r\n\r\nhello", heads);
  EXPECT_EQ(result.outcome, Parser::Outcome::kError);
  EXPECT_EQ(result.error_status, 400);
  EXPECT_EQ(heads.heads, 0);
}

TEST(ParserFramingTest, EveryTokenCharacterIsAllowedInAHeaderName) {
  Heads heads;
  const Parser::Result result =
      parseRequest("GET /a HTTP/1.1\r\nHost: x\r\nX-az09AZ!#$%&'*+-.^_`|~: v\r\n\r\n", heads);
  EXPECT_NE(result.outcome, Parser::Outcome::kError);
  EXPECT_EQ(heads.heads, 1);
}

TEST(ParserFramingTest, AHeaderNameWithASeparatorIsRefused) {
  for (const char* name : {"X-(a)", "X@a", "X/a", "X{a}", "X\"a"}) {
    Heads heads;
    const Parser::Result result =
        parseRequest(std::string("GET /a HTTP/1.1\r\nHost: x\r\n") + name + ": v\r\n\r\n", heads);
    EXPECT_EQ(result.outcome, Parser::Outcome::kError) << name;
    EXPECT_EQ(heads.heads, 0) << name;
  }
}

TEST(ParserFramingTest, ATransferEncodingNotEndingInChunkedIsRefused) {
  for (const char* coding : {"\"chunked\"", "identity", "gzip"}) {
    Heads heads;
    const Parser::Result result =
        parseRequest(std::string("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + coding +
                         "\r\n\r\n0\r\n\r\n",
                     heads);
    EXPECT_EQ(result.outcome, Parser::Outcome::kError) << coding;
    EXPECT_EQ(heads.heads, 0) << coding;
  }
}

TEST(ParserFramingTest, TokenNamesWithPunctuationAreAccepted) {
  Heads heads;
  const Parser::Result result =
      parseRequest("GET /a HTTP/1.1\r\nHost: x\r\nX_Under.dot~!#$%&'*+^`|: v\r\n\r\n", heads);
  EXPECT_EQ(result.outcome, Parser::Outcome::kMessageDone);
  EXPECT_EQ(heads.heads, 1);
}

TEST(ParserFramingTest, AResponseWithoutChunkedIsStillReadUntilClose) {
  Heads heads;
  Parser parser(Parser::Type::kResponse, &heads);
  const std::string input = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc";
  const Parser::Result result = parser.execute(input.data(), input.size());
  EXPECT_NE(result.outcome, Parser::Outcome::kError);
  EXPECT_EQ(heads.heads, 1);
}

}  // namespace
}  // namespace portico::http
