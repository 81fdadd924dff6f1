#include "source/common/aws/imds_source.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/common/aws/credentials_json.h"

namespace portico::aws {
namespace {

constexpr char kName[] = "imds";
constexpr char kTokenHeader[] = "X-aws-ec2-metadata-token";
constexpr char kRolesPath[] = "/latest/meta-data/iam/security-credentials/";
constexpr uint64_t kTimeoutMs = 1000;

// One fetch's three-step conversation; owned by its own callbacks so the source may go away.
class ImdsExchange : public std::enable_shared_from_this<ImdsExchange> {
 public:
  ImdsExchange(std::string endpoint, HttpFetcher fetcher, SourceCallback done)
      : endpoint_(std::move(endpoint)), fetcher_(std::move(fetcher)), done_(std::move(done)) {}

  void requestToken() {
    FetchRequest request = makeRequest("PUT", "/latest/api/token");
    request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
    send(std::move(request), "token", /*pass_404=*/false,
         [](ImdsExchange& self, FetchResponse* response) {
           self.token_ = std::string(absl::StripAsciiWhitespace(response->body));
           self.requestRole();
         });
  }

  void requestRole() {
    send(makeRequest("GET", kRolesPath), "role", /*pass_404=*/true,
         [](ImdsExchange& self, FetchResponse* response) {
           if (response == nullptr) {
             self.done_(absl::NotFoundError(absl::StrCat(kName, ": the instance has no IAM role")));
             return;
           }
           const std::string body(absl::StripAsciiWhitespace(response->body));
           const std::string role = body.substr(0, body.find('\n'));
           if (role.empty()) {
             self.done_(absl::NotFoundError(absl::StrCat(kName, ": the instance has no IAM role")));
             return;
           }
           self.requestCredentials(role);
         });
  }

 private:
  // Gets the 200 response, or nullptr for a 404 when the step passes 404s on.
  using OnOk = void (*)(ImdsExchange&, FetchResponse*);

  void requestCredentials(const std::string& role) {
    send(makeRequest("GET", absl::StrCat(kRolesPath, role)), "credentials", /*pass_404=*/false,
         [](ImdsExchange& self, FetchResponse* response) {
           self.done_(parseCredentialsJson(response->body, kName));
         });
  }

  FetchRequest makeRequest(const char* method, const std::string& path) const {
    FetchRequest request;
    request.method = method;
    request.url = absl::StrCat(endpoint_, path);
    request.timeout_ms = kTimeoutMs;
    if (!token_.empty()) {
      request.headers.emplace_back(kTokenHeader, token_);
    }
    return request;
  }

  void send(FetchRequest request, const char* step, bool pass_404, OnOk on_ok) {
    fetcher_(request, [self = shared_from_this(), step, pass_404,
                       on_ok](absl::StatusOr<FetchResponse> response) {
      if (!response.ok()) {
        self->done_(absl::UnavailableError(
            absl::StrCat(kName, ": ", step, " request: ", response.status().message())));
      } else if (response->status == 404 && pass_404) {
        on_ok(*self, nullptr);
      } else if (response->status != 200) {
        self->done_(absl::UnavailableError(
            absl::StrCat(kName, ": ", step, " request: HTTP ", response->status)));
      } else {
        on_ok(*self, &*response);
      }
    });
  }

  const std::string endpoint_;
  const HttpFetcher fetcher_;
  const SourceCallback done_;
  std::string token_;
};

}  // namespace

std::string ImdsSource::endpoint() const {
  std::string endpoint;
  if (std::optional<std::string> configured =
          nonEmptyEnv(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    endpoint = *configured;
  } else if (absl::EqualsIgnoreCase(
                 nonEmptyEnv(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or(""),
                 "ipv6")) {
    endpoint = "http://[fd00:ec2::254]";
  } else {
    endpoint = "http://169.254.169.254";
  }
  while (absl::EndsWith(endpoint, "/")) {
    endpoint.pop_back();
  }
  return endpoint;
}

void ImdsSource::fetch(SourceCallback done) {
  if (absl::EqualsIgnoreCase(nonEmptyEnv(env_, "AWS_EC2_METADATA_DISABLED").value_or(""), "true")) {
    done(absl::NotFoundError(absl::StrCat(kName, ": disabled by AWS_EC2_METADATA_DISABLED")));
    return;
  }
  auto exchange = std::make_shared<ImdsExchange>(endpoint(), fetcher_, std::move(done));
  if (version_ == ImdsVersion::kV2) {
    exchange->requestToken();
  } else {
    exchange->requestRole();
  }
}

}  // namespace portico::aws
