#include "source/common/aws/container_source.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/common/aws/credentials_json.h"
#include "source/common/file/read_file.h"

namespace portico::aws {
namespace {

constexpr char kName[] = "container";
constexpr char kEcsAgent[] = "http://169.254.170.2";
constexpr uint64_t kTimeoutMs = 2000;

// The host of scheme://host[:port]/..., without brackets for IPv6 literals.
std::string urlHost(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) {
    return "";
  }
  std::string authority = url.substr(start + 3, url.find_first_of("/?#", start + 3) - start - 3);
  if (absl::StartsWith(authority, "[")) {
    return authority.substr(1, authority.find(']') - 1);
  }
  return authority.substr(0, authority.find(':'));
}

}  // namespace

bool isAllowedContainerUri(const std::string& url) {
  const std::string lower = absl::AsciiStrToLower(url);
  if (absl::StartsWith(lower, "https://")) {
    return true;
  }
  if (!absl::StartsWith(lower, "http://")) {
    return false;
  }
  const std::string host = urlHost(lower);
  const bool ipv4_loopback =
      absl::StartsWith(host, "127.") && host.find_first_not_of("0123456789.") == std::string::npos;
  return host == "localhost" || ipv4_loopback || host == "::1" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "fd00:ec2::23";
}

absl::StatusOr<FetchRequest> ContainerSource::buildRequest() const {
  FetchRequest request;
  request.method = "GET";
  request.timeout_ms = kTimeoutMs;
  if (std::optional<std::string> relative =
          nonEmptyEnv(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    request.url = absl::StrCat(kEcsAgent, absl::StartsWith(*relative, "/") ? "" : "/", *relative);
  } else if (std::optional<std::string> full =
                 nonEmptyEnv(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    if (!isAllowedContainerUri(*full)) {
      return absl::InvalidArgumentError(absl::StrCat(
          kName, ": AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/agent address"));
    }
    request.url = *full;
  } else {
    return absl::NotFoundError(absl::StrCat(kName, ": no AWS_CONTAINER_CREDENTIALS_*_URI set"));
  }

  std::optional<std::string> token;
  if (std::optional<std::string> token_file =
          nonEmptyEnv(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    // Read at each fetch: EKS rotates the file's token.
    absl::StatusOr<std::string> content = file::readFile(*token_file);
    if (!content.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          kName,
          ": cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ", content.status().message()));
    }
    token = std::string(absl::StripTrailingAsciiWhitespace(*content));
  } else {
    token = nonEmptyEnv(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.has_value()) {
    if (token->find_first_of("\r\n") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(kName, ": authorization token contains a line break"));
    }
    request.headers.emplace_back("Authorization", *token);
  }
  request.headers.emplace_back("Accept", "application/json");
  return request;
}

void ContainerSource::fetch(SourceCallback done) {
  absl::StatusOr<FetchRequest> request = buildRequest();
  if (!request.ok()) {
    done(request.status());
    return;
  }
  fetcher_(*request, [done = std::move(done)](absl::StatusOr<FetchResponse> response) {
    if (!response.ok()) {
      done(absl::UnavailableError(absl::StrCat(kName, ": ", response.status().message())));
      return;
    }
    if (response->status != 200) {
      done(absl::UnavailableError(absl::StrCat(kName, ": HTTP ", response->status)));
      return;
    }
    done(parseCredentialsJson(response->body, kName));
  });
}

}  // namespace portico::aws
