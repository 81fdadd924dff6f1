// Runs the AWS SigV4 test suite (plus the Lambda vectors) listed in cases.tsv: each case's .req is
// signed and the canonical request, string to sign and Authorization compared byte for byte.

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "source/common/aws/sigv4_signer.h"

namespace portico::aws {
namespace {

constexpr char kSourceFile[] = "test/common/aws/sigv4_suite_test.cc";

struct SuiteCase {
  // Relative folder, e.g. "lambda/double-url-encode"; empty when the suite was not found.
  std::string name;
  std::string need;
  std::string region;
  std::string service;
  std::string x_amz_date;
};

// Names the case in gtest's failure lines instead of dumping its bytes.
void PrintTo(const SuiteCase& suite_case, std::ostream* out) {
  *out << (suite_case.name.empty() ? "<suite not found>" : suite_case.name);
}

struct ParsedRequest {
  std::string method;
  std::string path;
  std::string query;
  HeaderList headers;
  std::string body;
};

// PORTICO_SIGV4_TESTDATA, else ../shared/testdata/sigv4 beside the real source tree, which the
// runfile symlink of this file leads to.
std::filesystem::path suiteDir() {
  if (const char* dir = std::getenv("PORTICO_SIGV4_TESTDATA"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) {
    return "../shared/testdata/sigv4";
  }
  std::error_code error;
  const std::filesystem::path source =
      std::filesystem::canonical(std::filesystem::path(srcdir) / workspace / kSourceFile, error);
  if (error) {
    return "../shared/testdata/sigv4";
  }
  // test/common/aws/<file> -> the repository root.
  const std::filesystem::path root = source.parent_path().parent_path().parent_path().parent_path();
  return root.parent_path() / "shared" / "testdata" / "sigv4";
}

bool readFile(const std::filesystem::path& path, std::string& out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return false;
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  out = contents.str();
  return true;
}

std::vector<std::string> splitOn(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) {
      return parts;
    }
    start = end + 1;
  }
}

// Cases whose `need` is in `needs`; one empty case when cases.tsv cannot be read, so the test
// reports the suite as skipped rather than silently running nothing.
std::vector<SuiteCase> loadCases(const std::vector<std::string>& needs) {
  std::string tsv;
  if (!readFile(suiteDir() / "cases.tsv", tsv)) {
    return {SuiteCase{}};
  }
  std::vector<SuiteCase> cases;
  for (const std::string& line : splitOn(tsv, '\n')) {
    const std::vector<std::string> columns = splitOn(line, '\t');
    if (columns.size() < 5 || columns[0] == "case") {
      continue;
    }
    for (const std::string& need : needs) {
      if (columns[1] == need) {
        cases.push_back({columns[0], columns[1], columns[2], columns[3], columns[4]});
      }
    }
  }
  return cases;
}

// A .req file: request line, header lines (a line starting with blanks continues the previous
// header, joined with a space as obsolete line folding means), a blank line, the body.
bool parseRequest(std::string text, ParsedRequest& request) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    text.erase(0, 3);
  }
  const size_t head_end = text.find("\n\n");
  if (head_end != std::string::npos) {
    request.body = text.substr(head_end + 2);
    text.resize(head_end);
  }
  const std::vector<std::string> lines = splitOn(text, '\n');
  const std::string& request_line = lines[0];
  const size_t method_end = request_line.find(' ');
  const size_t target_end = request_line.rfind(' ');
  if (method_end == std::string::npos || target_end <= method_end) {
    return false;
  }
  request.method = request_line.substr(0, method_end);
  const std::string target = request_line.substr(method_end + 1, target_end - method_end - 1);
  const size_t question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? "" : target.substr(question + 1);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (request.headers.empty()) {
        return false;
      }
      request.headers.back().second += " " + line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      return false;
    }
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return true;
}

std::string testName(const testing::TestParamInfo<SuiteCase>& info) {
  if (info.param.name.empty()) {
    return "SuiteNotFound";
  }
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return name;
}

class SigV4SuiteTest : public testing::TestWithParam<SuiteCase> {};

TEST_P(SigV4SuiteTest, ReproducesTheCanonicalRequestStringToSignAndAuthorization) {
  const SuiteCase& suite_case = GetParam();
  const std::filesystem::path dir = suiteDir();
  if (suite_case.name.empty()) {
    GTEST_SKIP() << "SigV4 test suite not found at " << dir
                 << " (set --test_env=PORTICO_SIGV4_TESTDATA=<dir>)";
  }
  const std::filesystem::path case_dir = dir / suite_case.name;
  const std::string base = (case_dir / case_dir.filename()).string();
  std::string req;
  std::string creq;
  std::string sts;
  std::string authz;
  ASSERT_TRUE(readFile(base + ".req", req) && readFile(base + ".creq", creq) &&
              readFile(base + ".sts", sts) && readFile(base + ".authz", authz))
      << "missing files for " << base;
  ParsedRequest request;
  ASSERT_TRUE(parseRequest(req, request)) << "cannot parse " << base << ".req";
  absl::Time time;
  std::string error;
  ASSERT_TRUE(absl::ParseTime("%E4Y%m%dT%H%M%SZ", suite_case.x_amz_date, absl::UTCTimeZone(), &time,
                              &error))
      << error;

  Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "",
                          std::nullopt};
  for (const auto& [name, value] : request.headers) {
    if (name == "X-Amz-Security-Token") {
      credentials.session_token = value;
    }
  }
  const std::string payload_hash = sha256Hex(request.body);
  const SigV4Signer signer(suite_case.service, suite_case.region);
  const auto signature =
      signer.sign({request.method, request.path, request.query, request.headers, payload_hash},
                  credentials, absl::ToChronoTime(time));

  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(signature->canonical_request, creq);
  EXPECT_EQ(signature->string_to_sign, sts);
  EXPECT_EQ(signature->authorization, authz);
}

INSTANTIATE_TEST_SUITE_P(MustAndShould, SigV4SuiteTest,
                         testing::ValuesIn(loadCases({"must", "should"})), testName);

// Not required of the gateway (folded header lines, dot segments), but the signer handles them.
INSTANTIATE_TEST_SUITE_P(Optional, SigV4SuiteTest, testing::ValuesIn(loadCases({"optional"})),
                         testName);

TEST(SigV4SuiteListTest, RequiredCasesIncludeTheLambdaVectors) {
  const std::vector<SuiteCase> cases = loadCases({"must"});
  if (cases.size() == 1 && cases[0].name.empty()) {
    GTEST_SKIP() << "SigV4 test suite not found at " << suiteDir();
  }
  int lambda_cases = 0;
  for (const SuiteCase& suite_case : cases) {
    lambda_cases += suite_case.name.rfind("lambda/", 0) == 0 ? 1 : 0;
  }
  EXPECT_GE(lambda_cases, 4);
}

}  // namespace
}  // namespace portico::aws
