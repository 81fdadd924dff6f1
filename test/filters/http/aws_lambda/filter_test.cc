#include "source/filters/http/aws_lambda/filter.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/common/aws/credentials_provider.h"
#include "source/common/log/logger.h"
#include "source/filters/http/aws_lambda/filter_config.h"
#include "source/filters/http/aws_lambda/response_mapping.h"
#include "source/server/proxy_settings.h"
#include "test/test_common/fake_stream_callbacks.h"
#include "test/test_common/loop_runner.h"
#include "test/test_common/scripted_http_server.h"

namespace portico::filters::http::aws_lambda {
namespace {

using portico::http::FilterStatus;
using portico::http::MessageHead;
using test::ScriptedHttpServer;

constexpr char kAccessKey[] = "AKIDTESTKEY";
constexpr char kSecret[] = "SECRETVALUE9876";
constexpr char kSessionToken[] = "SESSIONTOKEN12345";
constexpr char kUnexpectedError[] = "An unexpected error occurred";

ScriptedHttpServer::Reply lambdaReply(int status, const std::string& headers,
                                      const std::string& body, uint64_t delay_ms = 0) {
  ScriptedHttpServer::Reply reply;
  reply.bytes = absl::StrCat("HTTP/1.1 ", status, " X\r\n", headers,
                             "Content-Length: ", body.size(), "\r\n\r\n", body);
  reply.delay_ms = delay_ms;
  return reply;
}

ScriptedHttpServer::Reply jsonOk(const std::string& body) {
  return lambdaReply(200,
                     "Content-Type: application/json\r\nx-amzn-RequestId: r-1\r\n"
                     "X-Amz-Executed-Version: $LATEST\r\n",
                     body);
}

std::string bodyOf(const std::string& request) {
  const size_t head_end = request.find("\r\n\r\n");
  return head_end == std::string::npos ? "" : request.substr(head_end + 4);
}

std::string headOf(const std::string& request) {
  return request.substr(0, request.find("\r\n\r\n"));
}

class AwsLambdaFilterTest : public testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    callbacks_ = std::make_unique<test::FakeStreamCallbacks>(&loop_);
    settings_.setViaToken("portico/0.1.0");
    portico::http::StreamContext& context = callbacks_->context();
    context.settings = &settings_;
    context.request_id = portico::http::RequestId(0, 0xabc);
    context.client_address = "10.0.0.7";
    context.raw_path = "/fn";
    credentials_->update(aws::Credentials{kAccessKey, kSecret, "", std::nullopt});
  }

  void TearDown() override {
    filter_.reset();
    filter_config_.reset();
    callbacks_.reset();
    server_.reset();
    test::runUntil(
        &loop_, [] { return false; }, 20);
    uv_loop_close(&loop_);
  }

  void serve(ScriptedHttpServer::Handler handler) {
    server_ = std::make_unique<ScriptedHttpServer>(&loop_, std::move(handler));
  }

  LambdaConfig lambdaConfig() const {
    LambdaConfig config;
    config.function_name = "my-fn";
    config.region = "us-east-1";
    config.host = "127.0.0.1";
    config.port = server_ ? static_cast<uint16_t>(server_->port()) : 1;
    config.https = false;
    config.timeout_ms = 2000;
    return config;
  }

  void makeFilter(LambdaConfig config) {
    filter_config_ =
        std::make_unique<AwsLambdaFilterConfig>(std::move(config), nullptr, credentials_);
    filter_ = filter_config_->createFilter();
    filter_->setCallbacks(callbacks_.get());
  }

  MessageHead& request(const std::string& method, const std::string& query = "") {
    head_.method = method;
    head_.target = query.empty() ? "/fn" : "/fn?" + query;
    head_.headers.add("Host", "gateway.test");
    portico::http::StreamContext& context = callbacks_->context();
    context.raw_query = query;
    context.has_query = !query.empty();
    return head_;
  }

  // A GET without a body: the call starts from onRequestHeaders.
  void invokeWithoutBody(LambdaConfig config, const std::string& query = "") {
    makeFilter(std::move(config));
    EXPECT_EQ(filter_->onRequestHeaders(request("GET", query), true), FilterStatus::kStop);
  }

  // A request with `body`, delivered in one chunk after the headers.
  void invokeWithBody(LambdaConfig config, const std::string& content_type, std::string body) {
    makeFilter(std::move(config));
    MessageHead& head = request("POST");
    head.headers.add("Content-Type", content_type);
    head.content_length = body.size();
    ASSERT_EQ(filter_->onRequestHeaders(head, false), FilterStatus::kStop);
    ASSERT_EQ(callbacks_->bodyTaker(), filter_.get());
    filter_->onRequestBody(body, true);
  }

  bool waitForReply(int timeout_ms = 5000) {
    return test::runUntil(
        &loop_, [this] { return callbacks_->reply().has_value(); }, timeout_ms);
  }

  const test::FakeStreamCallbacks::Reply& reply() const { return *callbacks_->reply(); }

  // The payload Lambda received in the only Invoke call.
  nlohmann::json receivedPayload() const {
    EXPECT_EQ(server_->requests().size(), 1u);
    if (server_->requests().empty()) {
      return nullptr;
    }
    return nlohmann::json::parse(bodyOf(server_->requests()[0]), nullptr, false);
  }

  void expectUnexpectedError() {
    ASSERT_TRUE(waitForReply());
    EXPECT_EQ(reply().status, 500);
    EXPECT_TRUE(reply().local);
    EXPECT_EQ(reply().body, kUnexpectedError);
  }

  uv_loop_t loop_;
  server::ProxySettings settings_;
  aws::CredentialsProviderSharedPtr credentials_ = std::make_shared<aws::CredentialsProvider>();
  std::unique_ptr<test::FakeStreamCallbacks> callbacks_;
  std::unique_ptr<ScriptedHttpServer> server_;
  std::unique_ptr<AwsLambdaFilterConfig> filter_config_;
  portico::http::HttpFilterPtr filter_;
  MessageHead head_;
};

// Points the error log at a file for one test and reads it back.
class ErrorLogCapture {
 public:
  ErrorLogCapture()
      : path_(absl::StrCat(testing::TempDir(), "/aws_lambda_filter_test_",
                           testing::UnitTest::GetInstance()->current_test_info()->name(), ".log")) {
    std::remove(path_.c_str());
    log::configure(path_, log::Level::kWarn);
  }
  ~ErrorLogCapture() { log::configure("stderr", log::Level::kNotice); }

  std::string contents() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  const std::string path_;
};

TEST_F(AwsLambdaFilterTest, GetWithoutBodyInvokesAtOnceWithTheQueryAsLegacyPayload) {
  serve([](const std::string&) { return jsonOk(R"({"hello":"world"})"); });
  invokeWithoutBody(lambdaConfig(), "key1=v1&flag");
  ASSERT_TRUE(waitForReply());
  ASSERT_EQ(server_->requests().size(), 1u);
  const std::string& sent = server_->requests()[0];
  EXPECT_TRUE(absl::StartsWith(sent, "POST /2015-03-31/functions/my-fn/invocations HTTP/1.1\r\n"))
      << sent;
  const std::string head = headOf(sent);
  EXPECT_TRUE(absl::StrContains(head, absl::StrCat("\r\nHost: 127.0.0.1:", server_->port())));
  EXPECT_TRUE(absl::StrContains(head, "\r\nX-Amz-Invocation-Type: RequestResponse"));
  EXPECT_TRUE(absl::StrContains(head, "\r\nX-Amz-Log-Type: Tail"));
  EXPECT_TRUE(absl::StrContains(head, absl::StrCat("Credential=", kAccessKey, "/")));
  EXPECT_TRUE(absl::StrContains(head, "/us-east-1/lambda/aws4_request"));
  EXPECT_FALSE(absl::StrContains(head, "X-Amz-Security-Token"));
  EXPECT_EQ(receivedPayload(), nlohmann::json({{"key1", "v1"}, {"flag", true}}));
}

TEST_F(AwsLambdaFilterTest, GetWithoutQuerySendsAnEmptyObject) {
  serve([](const std::string&) { return jsonOk("{}"); });
  invokeWithoutBody(lambdaConfig());
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(bodyOf(server_->requests().at(0)), "{}");
}

TEST_F(AwsLambdaFilterTest, QualifierAndAliasReachTheWireEncoded) {
  serve([](const std::string&) { return jsonOk("{}"); });
  LambdaConfig config = lambdaConfig();
  config.function_name = "my-fn:live";
  config.qualifier = "$LATEST";
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_TRUE(absl::StartsWith(
      server_->requests().at(0),
      "POST /2015-03-31/functions/my-fn%3Alive/invocations?Qualifier=%24LATEST HTTP/1.1\r\n"));
}

TEST_F(AwsLambdaFilterTest, BodyIsTakenAndAssembledWholeBeforeTheCall) {
  serve([](const std::string&) { return jsonOk("{}"); });
  makeFilter(lambdaConfig());
  MessageHead& head = request("POST", "key1=from_query&key2=q");
  head.headers.add("Content-Type", "application/json");
  head.content_length = 24;
  ASSERT_EQ(filter_->onRequestHeaders(head, false), FilterStatus::kStop);
  EXPECT_EQ(callbacks_->bodyTaker(), filter_.get());

  std::string first = R"({"key2":"from)";
  std::string second = R"(_body","n":1})";
  EXPECT_EQ(filter_->onRequestBody(first, false), FilterStatus::kStop);
  test::runUntil(
      &loop_, [] { return false; }, 50);
  EXPECT_TRUE(server_->requests().empty()) << "invoked before the body was whole";
  EXPECT_FALSE(callbacks_->reply().has_value());

  EXPECT_EQ(filter_->onRequestBody(second, true), FilterStatus::kStop);
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  EXPECT_EQ(receivedPayload(),
            nlohmann::json({{"key1", "from_query"}, {"key2", "from_body"}, {"n", 1}}));
  EXPECT_EQ(callbacks_->continued(), 0);
}

TEST_F(AwsLambdaFilterTest, DeclaredBodyOverSixMebibytesIsRefusedWithoutCallingLambda) {
  serve([](const std::string&) { return jsonOk("{}"); });
  makeFilter(lambdaConfig());
  MessageHead& head = request("POST");
  head.content_length = kMaxInvokePayloadBytes + 1;
  EXPECT_EQ(filter_->onRequestHeaders(head, false), FilterStatus::kStop);
  ASSERT_TRUE(callbacks_->reply().has_value());
  EXPECT_EQ(reply().status, 413);
  EXPECT_EQ(callbacks_->bodyTaker(), nullptr);
  test::runUntil(
      &loop_, [] { return false; }, 50);
  EXPECT_EQ(server_->connectionsAccepted(), 0);
}

TEST_F(AwsLambdaFilterTest, StreamedBodyGrowingPastSixMebibytesIsRefused) {
  serve([](const std::string&) { return jsonOk("{}"); });
  makeFilter(lambdaConfig());
  MessageHead& head = request("POST");
  head.chunked = true;
  ASSERT_EQ(filter_->onRequestHeaders(head, false), FilterStatus::kStop);
  const std::string mebibyte(1024 * 1024, 'a');
  for (int i = 0; i < 6; ++i) {
    std::string chunk = mebibyte;
    filter_->onRequestBody(chunk, false);
  }
  EXPECT_FALSE(callbacks_->reply().has_value()) << "exactly 6 MiB is allowed";
  std::string one_more = "b";
  filter_->onRequestBody(one_more, false);
  ASSERT_TRUE(callbacks_->reply().has_value());
  EXPECT_EQ(reply().status, 413);

  // Whatever still arrives is dropped: the answer stands and Lambda is never called.
  std::string tail;
  filter_->onRequestBody(tail, true);
  test::runUntil(
      &loop_, [] { return false; }, 50);
  EXPECT_EQ(reply().status, 413);
  EXPECT_EQ(server_->connectionsAccepted(), 0);
}

TEST_F(AwsLambdaFilterTest, SuccessfulInvokeIsSentWithViaAppended) {
  serve([](const std::string&) {
    return lambdaReply(200,
                       "Content-Type: text/plain\r\nVia: 1.1 lambda-front\r\n"
                       "X-Amz-Executed-Version: 3\r\n",
                       "plain answer");
  });
  invokeWithoutBody(lambdaConfig());
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  EXPECT_FALSE(reply().local);
  EXPECT_EQ(reply().body, "plain answer");
  EXPECT_EQ(reply().headers.count("via"), 1u);
  EXPECT_EQ(reply().headers.getJoined("via"), "1.1 lambda-front, 2 portico/0.1.0");
  ASSERT_NE(reply().headers.get("x-amz-executed-version"), nullptr);
  EXPECT_EQ(*reply().headers.get("x-amz-executed-version"), "3");
  EXPECT_FALSE(reply().headers.has("content-length"));
}

TEST_F(AwsLambdaFilterTest, ViaIsAddedWhenLambdaSentNone) {
  serve([](const std::string&) { return jsonOk(R"({"a":"b"})"); });
  invokeWithoutBody(lambdaConfig());
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  EXPECT_EQ(reply().body, R"({"a":"b"})");
  EXPECT_EQ(reply().headers.getJoined("via"), "2 portico/0.1.0");
}

TEST_F(AwsLambdaFilterTest, EventInvocationAnswers202) {
  serve([](const std::string&) { return lambdaReply(202, "x-amzn-RequestId: r-2\r\n", ""); });
  LambdaConfig config = lambdaConfig();
  config.invocation_type = "Event";
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 202);
  EXPECT_EQ(reply().body, "");
  EXPECT_TRUE(absl::StrContains(server_->requests().at(0), "\r\nX-Amz-Invocation-Type: Event\r\n"));
}

TEST_F(AwsLambdaFilterTest, UnhandledFunctionErrorTakesUnhandledStatus) {
  serve([](const std::string&) {
    return lambdaReply(200, "Content-Type: application/json\r\nX-Amz-Function-Error: Unhandled\r\n",
                       R"({"errorMessage":"kaboom","errorType":"Error"})");
  });
  LambdaConfig config = lambdaConfig();
  config.response.unhandled_status = 412;
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 412);
  EXPECT_FALSE(reply().local);
  EXPECT_EQ(nlohmann::json::parse(reply().body)["errorMessage"], "kaboom");
}

TEST_F(AwsLambdaFilterTest, InvalidProxyIntegrationResultIsA502WithKongsBody) {
  serve([](const std::string&) {
    return lambdaReply(200, "Content-Type: application/json\r\n", R"({"statusCode":"abc"})");
  });
  LambdaConfig config = lambdaConfig();
  config.response.is_proxy_integration = true;
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 502);
  EXPECT_FALSE(reply().local);
  EXPECT_EQ(
      reply().body,
      R"({"error":"could not JSON decode Lambda function response: statusCode validation failed","message":"Bad Gateway"})");
  EXPECT_EQ(reply().headers.getJoined("content-type"), "application/json; charset=utf-8");
}

TEST_F(AwsLambdaFilterTest, ValidProxyIntegrationResultSetsStatusHeadersAndBody) {
  serve([](const std::string&) {
    return lambdaReply(200, "Content-Type: application/json\r\n",
                       R"({"statusCode":201,"headers":{"X-Fn":"yes"},"body":"created"})");
  });
  LambdaConfig config = lambdaConfig();
  config.response.is_proxy_integration = true;
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 201);
  EXPECT_EQ(reply().body, "created");
  EXPECT_EQ(reply().headers.getJoined("x-fn"), "yes");
  EXPECT_EQ(reply().headers.getJoined("via"), "2 portico/0.1.0");
}

TEST_F(AwsLambdaFilterTest, LambdaApiErrorIs500AndTheLogNamesTheTypeButNoSecret) {
  credentials_->update(aws::Credentials{kAccessKey, kSecret, kSessionToken, std::nullopt});
  const std::string aws_message = absl::StrCat(
      "The request signature we calculated does not match the signature you provided.\\n\\n"
      "The Canonical String for this request should have been\\n'POST\\n"
      "/2015-03-31/functions/my-fn/invocations\\n\\nx-amz-security-token:",
      kSessionToken, "\\n'\\n\\nsecret: ", kSecret);
  serve([&](const std::string&) {
    return lambdaReply(403,
                       "x-amzn-ErrorType: InvalidSignatureException:http://internal.amazon.com/\r\n"
                       "Content-Type: application/json\r\n",
                       absl::StrCat(R"({"message":")", aws_message, R"("})"));
  });
  ErrorLogCapture log;
  invokeWithoutBody(lambdaConfig());
  expectUnexpectedError();
  EXPECT_TRUE(absl::StrContains(headOf(server_->requests().at(0)),
                                absl::StrCat("X-Amz-Security-Token: ", kSessionToken)));

  const std::string logged = log.contents();
  EXPECT_TRUE(absl::StrContains(logged, "[error]")) << logged;
  EXPECT_TRUE(absl::StrContains(logged, "403 InvalidSignatureException")) << logged;
  EXPECT_TRUE(absl::StrContains(logged, "my-fn")) << logged;
  EXPECT_TRUE(absl::StrContains(logged, "00000000000000000000000000000abc")) << logged;
  EXPECT_FALSE(absl::StrContains(logged, kSessionToken)) << logged;
  EXPECT_FALSE(absl::StrContains(logged, kSecret)) << logged;
  EXPECT_FALSE(absl::StrContains(logged, "internal.amazon.com")) << logged;
}

TEST_F(AwsLambdaFilterTest, PreservedLambdaApiErrorKeepsStatusAndRetryAfter) {
  serve([](const std::string&) {
    return lambdaReply(429,
                       "x-amzn-ErrorType: TooManyRequestsException\r\nRetry-After: 7\r\n"
                       "Content-Type: application/json\r\n",
                       R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded",)"
                       R"("Type":"User","message":"Rate Exceeded."})");
  });
  LambdaConfig config = lambdaConfig();
  config.preserve_lambda_api_error_code = true;
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 429);
  EXPECT_TRUE(reply().local);
  EXPECT_EQ(reply().body, "TooManyRequestsException");
  EXPECT_EQ(reply().headers.getJoined("retry-after"), "7");
}

TEST_F(AwsLambdaFilterTest, PreservedLambdaApiErrorWithoutTypeUsesTheReasonPhrase) {
  serve([](const std::string&) { return lambdaReply(404, "", "not json"); });
  LambdaConfig config = lambdaConfig();
  config.preserve_lambda_api_error_code = true;
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 404);
  EXPECT_EQ(reply().body, "Not Found");
  EXPECT_FALSE(reply().headers.has("retry-after"));
}

TEST_F(AwsLambdaFilterTest, ThrottlingWithoutPreserveIs500) {
  serve([](const std::string&) {
    return lambdaReply(429, "x-amzn-ErrorType: TooManyRequestsException\r\nRetry-After: 7\r\n",
                       "{}");
  });
  invokeWithoutBody(lambdaConfig());
  expectUnexpectedError();
  EXPECT_FALSE(reply().headers.has("retry-after"));
}

TEST_F(AwsLambdaFilterTest, SlowLambdaTimesOutWith500) {
  serve([](const std::string&) { return lambdaReply(200, "", "late", 1500); });
  LambdaConfig config = lambdaConfig();
  config.timeout_ms = 100;
  ErrorLogCapture log;
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply(1000));
  expectUnexpectedError();
  EXPECT_TRUE(absl::StrContains(log.contents(), "00000000000000000000000000000abc"));
}

TEST_F(AwsLambdaFilterTest, ClosedPortIs500) {
  serve([](const std::string&) { return jsonOk("{}"); });
  const LambdaConfig config = lambdaConfig();
  server_.reset();
  test::runUntil(
      &loop_, [] { return false; }, 20);
  invokeWithoutBody(config);
  expectUnexpectedError();
}

TEST_F(AwsLambdaFilterTest, NoRegionIs500WithoutCallingLambda) {
  serve([](const std::string&) { return jsonOk("{}"); });
  LambdaConfig config = lambdaConfig();
  config.region.reset();
  ErrorLogCapture log;
  invokeWithoutBody(std::move(config));
  expectUnexpectedError();
  EXPECT_TRUE(absl::StrContains(log.contents(), "no region specified"));
  test::runUntil(
      &loop_, [] { return false; }, 50);
  EXPECT_EQ(server_->connectionsAccepted(), 0);
}

TEST_F(AwsLambdaFilterTest, NoCredentialsIs500WithoutCallingLambda) {
  serve([](const std::string&) { return jsonOk("{}"); });
  credentials_ = std::make_shared<aws::CredentialsProvider>();
  invokeWithoutBody(lambdaConfig());
  expectUnexpectedError();
  test::runUntil(
      &loop_, [] { return false; }, 50);
  EXPECT_EQ(server_->connectionsAccepted(), 0);
}

TEST_F(AwsLambdaFilterTest, SkipLargeBodiesSendsABodyOver8KiBAsEmpty) {
  serve([](const std::string&) { return jsonOk("{}"); });
  LambdaConfig config = lambdaConfig();
  config.payload.forward_request_body = true;
  invokeWithBody(std::move(config), "text/plain", std::string(kLargeBodyBytes + 1, 'x'));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  const nlohmann::json payload = receivedPayload();
  EXPECT_EQ(payload.value("request_body", std::string()), "") << payload.dump();
}

TEST_F(AwsLambdaFilterTest, SkipLargeBodiesKeepsABodyOfExactly8KiB) {
  serve([](const std::string&) { return jsonOk("{}"); });
  LambdaConfig config = lambdaConfig();
  config.payload.forward_request_body = true;
  invokeWithBody(std::move(config), "text/plain", std::string(kLargeBodyBytes, 'x'));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(receivedPayload().value("request_body", std::string()),
            std::string(kLargeBodyBytes, 'x'));
}

TEST_F(AwsLambdaFilterTest, WithoutSkipLargeBodiesALargeBodyIsSent) {
  serve([](const std::string&) { return jsonOk("{}"); });
  LambdaConfig config = lambdaConfig();
  config.payload.forward_request_body = true;
  config.skip_large_bodies = false;
  invokeWithBody(std::move(config), "text/plain", std::string(64 * 1024, 'x'));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  EXPECT_EQ(receivedPayload().value("request_body", std::string()), std::string(64 * 1024, 'x'));
}

TEST_F(AwsLambdaFilterTest, DownstreamResetCancelsTheCall) {
  serve([](const std::string&) { return lambdaReply(200, "", "late", 200); });
  invokeWithoutBody(lambdaConfig());
  ASSERT_TRUE(test::runUntil(&loop_, [this] { return !server_->requests().empty(); }));
  filter_->onDownstreamReset();
  EXPECT_FALSE(waitForReply(500));
}

TEST_F(AwsLambdaFilterTest, LambdaTimeIsRecordedAsExcludedLatency) {
  serve([](const std::string&) { return lambdaReply(200, "", "ok", 120); });
  invokeWithoutBody(lambdaConfig());
  EXPECT_EQ(callbacks_->context().excluded_latency_ms, 0u);
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  EXPECT_GE(callbacks_->context().excluded_latency_ms, 100u);
  EXPECT_LT(callbacks_->context().excluded_latency_ms, 5000u);
}

TEST_F(AwsLambdaFilterTest, ProxyUrlBecomesPartOfTheTarget) {
  LambdaConfig config = lambdaConfig();
  config.proxy = upstream::ForwardProxy{"proxy.internal", 3128, "Basic dTpw"};
  makeFilter(std::move(config));
  ASSERT_TRUE(filter_config_->target().proxy.has_value());
  EXPECT_EQ(filter_config_->target().proxy->host, "proxy.internal");
  EXPECT_EQ(filter_config_->target().proxy->port, 3128);
}

TEST_F(AwsLambdaFilterTest, PlainEndpointIsCalledInAbsoluteFormThroughTheProxy) {
  serve([](const std::string&) { return jsonOk(R"({"ok":true})"); });
  LambdaConfig config = lambdaConfig();
  config.host = "lambda.invalid";
  config.port = 8080;
  config.proxy =
      upstream::ForwardProxy{"127.0.0.1", static_cast<uint16_t>(server_->port()), "Basic dTpw"};
  invokeWithoutBody(std::move(config));
  ASSERT_TRUE(waitForReply());
  EXPECT_EQ(reply().status, 200);
  ASSERT_EQ(server_->requests().size(), 1u);
  const std::string head = headOf(server_->requests()[0]);
  EXPECT_TRUE(absl::StartsWith(
      head,
      "POST http://lambda.invalid:8080/2015-03-31/functions/my-fn/invocations HTTP/1.1\r\n"
      "Proxy-Authorization: Basic dTpw\r\n"))
      << head;
  EXPECT_TRUE(absl::StrContains(head, "\r\nHost: lambda.invalid:8080\r\n")) << head;
}

TEST_F(AwsLambdaFilterTest, RefusedConnectIs500AndTheLogNamesTheProxyButNoCredentials) {
  serve([](const std::string&) {
    return ScriptedHttpServer::Reply{"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"};
  });
  LambdaConfig config = lambdaConfig();
  config.host = "lambda.invalid";
  config.port = 443;
  config.https = true;
  config.proxy =
      upstream::ForwardProxy{"127.0.0.1", static_cast<uint16_t>(server_->port()), "Basic c2VjcmV0"};
  std::shared_ptr<SSL_CTX> tls_context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  ErrorLogCapture log;
  filter_config_ =
      std::make_unique<AwsLambdaFilterConfig>(std::move(config), tls_context, credentials_);
  filter_ = filter_config_->createFilter();
  filter_->setCallbacks(callbacks_.get());
  EXPECT_EQ(filter_->onRequestHeaders(request("GET"), true), FilterStatus::kStop);
  expectUnexpectedError();
  ASSERT_EQ(server_->requests().size(), 1u);
  EXPECT_TRUE(absl::StartsWith(server_->requests()[0], "CONNECT lambda.invalid:443 HTTP/1.1\r\n"));
  const std::string logged = log.contents();
  EXPECT_TRUE(absl::StrContains(
      logged, absl::StrCat("proxy 127.0.0.1:", server_->port(), " refused CONNECT")))
      << logged;
  EXPECT_FALSE(absl::StrContains(logged, "c2VjcmV0")) << logged;
}

TEST_F(AwsLambdaFilterTest, UnreachableProxyIs500AndTheLogNamesTheProxy) {
  serve([](const std::string&) { return jsonOk("{}"); });
  LambdaConfig config = lambdaConfig();
  const uint16_t port = static_cast<uint16_t>(server_->port());
  config.proxy = upstream::ForwardProxy{"127.0.0.1", port, "Basic c2VjcmV0"};
  server_.reset();
  test::runUntil(
      &loop_, [] { return false; }, 20);
  ErrorLogCapture log;
  invokeWithoutBody(std::move(config));
  expectUnexpectedError();
  const std::string logged = log.contents();
  EXPECT_TRUE(
      absl::StrContains(logged, absl::StrCat("could not connect to proxy 127.0.0.1:", port)))
      << logged;
  EXPECT_FALSE(absl::StrContains(logged, "c2VjcmV0")) << logged;
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
