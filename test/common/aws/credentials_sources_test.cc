#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "source/common/aws/credentials_json.h"
#include "source/common/aws/environment_source.h"
#include "source/common/aws/shared_file_source.h"
#include "test/common/aws/fake_fetcher.h"

namespace portico::aws {
namespace {

using test::fakeEnv;
using test::fetchInto;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// --- environment ---

TEST(EnvironmentSourceTest, ReadsKeyPairAndSessionToken) {
  EnvironmentSource source(fakeEnv({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                    {"AWS_SECRET_ACCESS_KEY", kSecret},
                                    {"AWS_SESSION_TOKEN", "envtoken"}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDENV");
  EXPECT_EQ((*result)->secret_access_key, kSecret);
  EXPECT_EQ((*result)->session_token, "envtoken");
  EXPECT_FALSE((*result)->expiration.has_value());
}

TEST(EnvironmentSourceTest, UnsetOrEmptyVariablesAreNotFound) {
  EnvironmentSource unset(fakeEnv({}));
  EXPECT_TRUE(absl::IsNotFound(fetchInto(unset)->status()));
  EnvironmentSource empty(fakeEnv({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}}));
  EXPECT_TRUE(absl::IsNotFound(fetchInto(empty)->status()));
}

TEST(EnvironmentSourceTest, KeyWithoutSecretIsAnErrorThatNamesNoValue) {
  EnvironmentSource source(fakeEnv({{"AWS_ACCESS_KEY_ID", "AKIDENV"}}));
  auto result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(result->status().message()).find("AKIDENV"), std::string::npos);
}

// --- shared credentials and config files ---

class SharedFileSourceTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return path;
  }
};

TEST_F(SharedFileSourceTest, DefaultProfileFromCredentialsFile) {
  const std::string path =
      write("credentials_default", std::string("[default]\n") + "aws_access_key_id = AKIDFILE\n" +
                                       "aws_secret_access_key = " + kSecret + "\n" +
                                       "[other]\naws_access_key_id=X\n");
  SharedFileSource source(
      fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_CONFIG_FILE", "/nonexistent/config"}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDFILE");
  EXPECT_EQ((*result)->secret_access_key, kSecret);
  EXPECT_EQ((*result)->session_token, "");
}

TEST_F(SharedFileSourceTest, ProfileFromAwsProfileWithLongSessionToken) {
  // Real session tokens are far longer than inih's default 200-byte line.
  const std::string token(1200, 'T');
  const std::string path = write("credentials_profile",
                                 "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\n"
                                 "aws_secret_access_key = s\n\n[dev]\n"
                                 "AWS_ACCESS_KEY_ID = AKIDDEV\naws_secret_access_key = a;b+c/d\n"
                                 "aws_session_token = " +
                                     token + "\n");
  SharedFileSource source(fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path},
                                   {"AWS_CONFIG_FILE", "/nonexistent/config"},
                                   {"AWS_PROFILE", "dev"}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDDEV");
  EXPECT_EQ((*result)->secret_access_key, "a;b+c/d");
  EXPECT_EQ((*result)->session_token, token);
}

TEST_F(SharedFileSourceTest, ConfigFileProfileSectionCarriesKeys) {
  const std::string config = write("config_profile",
                                   "[default]\nregion = eu-west-1\n[profile dev]\n"
                                   "aws_access_key_id = AKIDCONFIG\naws_secret_access_key = s2\n"
                                   "s3 =\n  max_concurrent_requests = 20\n");
  SharedFileSource source(fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"},
                                   {"AWS_CONFIG_FILE", config},
                                   {"AWS_PROFILE", "dev"}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDCONFIG");
  EXPECT_EQ((*result)->secret_access_key, "s2");
}

TEST_F(SharedFileSourceTest, DefaultProfileInConfigFileIsPlainDefaultSection) {
  const std::string config = write(
      "config_default", "[default]\naws_access_key_id = AKIDCFG\naws_secret_access_key = s\n");
  SharedFileSource source(fakeEnv(
      {{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"}, {"AWS_CONFIG_FILE", config}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDCFG");
}

TEST_F(SharedFileSourceTest, CredentialsFileWinsWholeOverConfigFile) {
  const std::string credentials =
      write("credentials_wins",
            "[default]\naws_access_key_id = AKIDCRED\naws_secret_access_key = "
            "credsecret\n");
  const std::string config =
      write("config_loses",
            "[default]\naws_access_key_id = AKIDCFG\naws_secret_access_key = "
            "cfgsecret\naws_session_token = cfgtoken\n");
  SharedFileSource source(
      fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", credentials}, {"AWS_CONFIG_FILE", config}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDCRED");
  EXPECT_EQ((*result)->secret_access_key, "credsecret");
  EXPECT_EQ((*result)->session_token, "");
}

TEST_F(SharedFileSourceTest, DefaultPathsAreUnderHome) {
  const std::string home = std::string(std::getenv("TEST_TMPDIR")) + "/home";
  std::system(("mkdir -p " + home + "/.aws").c_str());
  std::ofstream(home + "/.aws/credentials")
      << "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = s\n";
  SharedFileSource source(fakeEnv({{"HOME", home}}));
  auto result = fetchInto(source);
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->access_key_id, "AKIDHOME");
}

TEST_F(SharedFileSourceTest, MissingFilesOrProfileAreNotFound) {
  const std::string path = write("credentials_other", "[other]\naws_access_key_id = A\n");
  SharedFileSource missing(fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"},
                                    {"AWS_CONFIG_FILE", "/nonexistent/config"}}));
  EXPECT_TRUE(absl::IsNotFound(fetchInto(missing)->status()));
  SharedFileSource no_profile(
      fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_CONFIG_FILE", "/nonexistent/config"}}));
  EXPECT_TRUE(absl::IsNotFound(fetchInto(no_profile)->status()));
}

TEST_F(SharedFileSourceTest, SecretWithoutKeyIsAnErrorThatNamesNoValue) {
  const std::string path =
      write("credentials_partial", std::string("[default]\naws_secret_access_key = ") + kSecret);
  SharedFileSource source(
      fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_CONFIG_FILE", "/nonexistent/config"}}));
  auto result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(result->status().message()).find(kSecret), std::string::npos);
}

TEST_F(SharedFileSourceTest, MalformedFileGivesLineNumberNotText) {
  const std::string path = write(
      "credentials_malformed", std::string("[default]\naws_access_key_id = A\n") + kSecret + "\n");
  SharedFileSource source(
      fakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_CONFIG_FILE", "/nonexistent/config"}}));
  auto result = fetchInto(source);
  EXPECT_EQ(result->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(result->status().message()).find("line 3"), std::string::npos);
  EXPECT_EQ(std::string(result->status().message()).find(kSecret), std::string::npos);
}

// --- the JSON document of the container agent and IMDS ---

TEST(CredentialsJsonTest, ParsesTemporaryCredentials) {
  auto result = parseCredentialsJson(
      R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAJSON","SecretAccessKey":"sec",)"
      R"("Token":"tok","Expiration":"2024-01-02T09:04:05Z"})",
      "imds");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->access_key_id, "ASIAJSON");
  EXPECT_EQ(result->secret_access_key, "sec");
  EXPECT_EQ(result->session_token, "tok");
  EXPECT_EQ(result->expiration, test::timeAt("2024-01-02T09:04:05Z"));
}

TEST(CredentialsJsonTest, RejectsIncompleteOrFailedDocumentsWithoutQuotingThem) {
  const std::string no_key = std::string(R"({"SecretAccessKey":")") + kSecret + R"("})";
  const std::string failed =
      std::string(R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":")") + kSecret + R"("})";
  const std::string bad_time = std::string(R"({"AccessKeyId":"A","SecretAccessKey":")") + kSecret +
                               R"(","Expiration":"tomorrow"})";
  for (const std::string& body : {no_key, failed, bad_time, std::string(kSecret)}) {
    auto result = parseCredentialsJson(body, "container");
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_NE(std::string(result.status().message()).find("container"), std::string::npos);
    EXPECT_EQ(std::string(result.status().message()).find(kSecret), std::string::npos);
  }
}

TEST(CredentialsJsonTest, TimestampsWithFractionsAndOffsets) {
  EXPECT_EQ(*parseAwsTimestamp("2011-07-15T23:28:33.359Z"),
            test::timeAt("2011-07-15T23:28:33Z") + std::chrono::milliseconds(359));
  EXPECT_EQ(*parseAwsTimestamp("2011-07-16T01:28:33+02:00"), test::timeAt("2011-07-15T23:28:33Z"));
  EXPECT_FALSE(parseAwsTimestamp("").ok());
}

}  // namespace
}  // namespace portico::aws
