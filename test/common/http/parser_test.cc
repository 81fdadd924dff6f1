#include "source/common/http/parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace portico::http {
namespace {

struct Recorder : Parser::Callbacks {
  std::vector<MessageHead> heads;
  std::string body;
  int completed = 0;

  void onHead(MessageHead& head) override { heads.push_back(std::move(head)); }
  void onBody(const char* data, size_t length) override { body.append(data, length); }
  void onMessageComplete() override { ++completed; }
};

// Keeps a copy, leaving the parser's head as it was: what the next message starts from.
struct CopyingRecorder : Parser::Callbacks {
  std::vector<MessageHead> heads;
  void onHead(MessageHead& head) override { heads.push_back(head); }
  void onBody(const char*, size_t) override {}
  void onMessageComplete() override {}
};

TEST(ParserTest, AResponseAfterAnInterimOneStartsFromAnEmptyHead) {
  CopyingRecorder recorder;
  Parser parser(Parser::Type::kResponse, &recorder);
  const std::string input =
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const Parser::Result interim = parser.execute(input.data(), input.size());
  ASSERT_EQ(interim.outcome, Parser::Outcome::kMessageDone);
  parser.resume();
  const Parser::Result final_response =
      parser.execute(input.data() + interim.consumed, input.size() - interim.consumed);
  EXPECT_EQ(final_response.outcome, Parser::Outcome::kMessageDone);
  ASSERT_EQ(recorder.heads.size(), 2u);
  EXPECT_EQ(recorder.heads[1].status, 200);
  EXPECT_EQ(recorder.heads[1].reason, "OK");
  ASSERT_EQ(recorder.heads[1].headers.size(), 1u);
  EXPECT_EQ(recorder.heads[1].headers.entries()[0].first, "Content-Length");
  EXPECT_EQ(recorder.heads[0].reason, "Early Hints");
  EXPECT_FALSE(recorder.heads[0].content_length.has_value());
}

TEST(ParserTest, ParsesRequestHeadAndKeepsHeaderCase) {
  Recorder recorder;
  Parser parser(Parser::Type::kRequest, &recorder);
  const std::string input = "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Mixed-Case: V\r\n\r\n";
  const Parser::Result result = parser.execute(input.data(), input.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kMessageDone);
  EXPECT_EQ(result.consumed, input.size());
  ASSERT_EQ(recorder.heads.size(), 1u);
  EXPECT_EQ(recorder.heads[0].method, "GET");
  EXPECT_EQ(recorder.heads[0].target, "/a?b=1");
  EXPECT_EQ(recorder.heads[0].headers.entries()[1].first, "X-Mixed-Case");
  EXPECT_TRUE(recorder.heads[0].keep_alive);
}

TEST(ParserTest, StopsAfterEachPipelinedRequestUntilResumed) {
  Recorder recorder;
  Parser parser(Parser::Type::kRequest, &recorder);
  const std::string first = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string input = first + "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
  Parser::Result result = parser.execute(input.data(), input.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kMessageDone);
  EXPECT_EQ(result.consumed, first.size());
  EXPECT_EQ(recorder.heads.size(), 1u);
  parser.resume();
  result = parser.execute(input.data() + first.size(), input.size() - first.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kMessageDone);
  ASSERT_EQ(recorder.heads.size(), 2u);
  EXPECT_EQ(recorder.heads[1].target, "/2");
}

TEST(ParserTest, DecodesChunkedBodies) {
  Recorder recorder;
  Parser parser(Parser::Type::kRequest, &recorder);
  const std::string input =
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  EXPECT_EQ(parser.execute(input.data(), input.size()).outcome, Parser::Outcome::kMessageDone);
  EXPECT_TRUE(recorder.heads[0].chunked);
  EXPECT_EQ(recorder.body, "hello");
}

TEST(ParserTest, RejectsContentLengthWithTransferEncoding) {
  Recorder recorder;
  Parser parser(Parser::Type::kRequest, &recorder);
  const std::string input =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
  const Parser::Result result = parser.execute(input.data(), input.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kError);
  EXPECT_EQ(result.error_status, 400);
}

TEST(ParserTest, RejectsDifferingDuplicateContentLength) {
  Recorder recorder;
  Parser parser(Parser::Type::kRequest, &recorder);
  const std::string input =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello";
  EXPECT_EQ(parser.execute(input.data(), input.size()).outcome, Parser::Outcome::kError);
}

TEST(ParserTest, RejectsBadChunkSize) {
  Recorder recorder;
  Parser parser(Parser::Type::kRequest, &recorder);
  const std::string input =
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
  EXPECT_EQ(parser.execute(input.data(), input.size()).outcome, Parser::Outcome::kError);
}

TEST(ParserTest, AnswersOversizedHeadersWith431) {
  Recorder recorder;
  Parser::Limits limits;
  limits.max_header_bytes = 100;
  Parser parser(Parser::Type::kRequest, &recorder, limits);
  const std::string input =
      "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(200, 'a') + "\r\n\r\n";
  const Parser::Result result = parser.execute(input.data(), input.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kError);
  EXPECT_EQ(result.error_status, 431);
}

TEST(ParserTest, AnswersOverlongRequestLineWith414) {
  Recorder recorder;
  Parser::Limits limits;
  limits.max_request_line = 50;
  Parser parser(Parser::Type::kRequest, &recorder, limits);
  const std::string input = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
  const Parser::Result result = parser.execute(input.data(), input.size());
  EXPECT_EQ(result.outcome, Parser::Outcome::kError);
  EXPECT_EQ(result.error_status, 414);
}

TEST(ParserTest, ResponseToHeadHasNoBodyDespiteContentLength) {
  Recorder recorder;
  Parser parser(Parser::Type::kResponse, &recorder);
  parser.expectNoBody(true);
  const std::string input = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  EXPECT_EQ(parser.execute(input.data(), input.size()).outcome, Parser::Outcome::kMessageDone);
  EXPECT_EQ(recorder.heads[0].status, 200);
  EXPECT_TRUE(recorder.body.empty());
}

TEST(ParserTest, CompletesCloseDelimitedResponseOnFinish) {
  Recorder recorder;
  Parser parser(Parser::Type::kResponse, &recorder);
  const std::string input = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial body";
  EXPECT_EQ(parser.execute(input.data(), input.size()).outcome, Parser::Outcome::kNeedMore);
  EXPECT_EQ(parser.finish().outcome, Parser::Outcome::kMessageDone);
  EXPECT_EQ(recorder.body, "partial body");
  EXPECT_EQ(recorder.completed, 1);
}

}  // namespace
}  // namespace portico::http
