#include "source/common/aws/sts_assume_role.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/common/aws/credentials_json.h"
#include "source/common/aws/sigv4_signer.h"
#include "source/common/aws/uri_encode.h"

namespace portico::aws {
namespace {

constexpr char kName[] = "sts assume role";
constexpr uint64_t kTimeoutMs = 10000;

struct XmlDocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

XmlDocPtr readXml(const std::string& xml) {
  if (xml.size() > INT_MAX) {
    return nullptr;
  }
  xmlInitParser();
  // NOERROR/NOWARNING: libxml2 would otherwise print the offending part of the document, which
  // holds the secret, to stderr. NONET and no entity substitution keep the parse self-contained.
  return XmlDocPtr(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

const xmlNode* child(const xmlNode* parent, const char* name) {
  for (const xmlNode* node = parent != nullptr ? parent->children : nullptr; node != nullptr;
       node = node->next) {
    if (node->type == XML_ELEMENT_NODE &&
        xmlStrEqual(node->name, reinterpret_cast<const xmlChar*>(name))) {
      return node;
    }
  }
  return nullptr;
}

const xmlNode* path(const xmlDoc* doc, std::initializer_list<const char*> names) {
  const xmlNode* node = xmlDocGetRootElement(doc);
  auto it = names.begin();
  if (node == nullptr || !xmlStrEqual(node->name, reinterpret_cast<const xmlChar*>(*it))) {
    return nullptr;
  }
  for (++it; it != names.end() && node != nullptr; ++it) {
    node = child(node, *it);
  }
  return node;
}

std::string text(const xmlNode* node) {
  if (node == nullptr) {
    return "";
  }
  xmlChar* content = xmlNodeGetContent(node);
  std::string value = content != nullptr ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return std::string(absl::StripAsciiWhitespace(value));
}

// sts.<region>.amazonaws.com[.cn] -> region.
std::string regionOfHost(const std::string& host) {
  constexpr size_t kPrefix = sizeof("sts.") - 1;
  for (const std::string suffix : {".amazonaws.com", ".amazonaws.com.cn"}) {
    if (host.size() > kPrefix + suffix.size() && absl::StartsWith(host, "sts.") &&
        absl::EndsWith(host, suffix)) {
      return host.substr(kPrefix, host.size() - kPrefix - suffix.size());
    }
  }
  return "";
}

}  // namespace

absl::StatusOr<StsEndpoint> resolveStsEndpoint(const AssumeRoleOptions& options,
                                               const EnvLookup& env) {
  std::string url = options.endpoint_url;
  if (url.empty()) {
    const bool legacy = absl::EqualsIgnoreCase(
        nonEmptyEnv(env, "AWS_STS_REGIONAL_ENDPOINTS").value_or(""), "legacy");
    if (options.region.empty() || legacy) {
      url = "https://sts.amazonaws.com";
    } else {
      url = absl::StrCat("https://sts.", options.region, ".amazonaws.com",
                         absl::StartsWith(options.region, "cn-") ? ".cn" : "");
    }
  }
  const size_t scheme_end = url.find("://");
  const std::string scheme =
      absl::AsciiStrToLower(url.substr(0, scheme_end == std::string::npos ? 0 : scheme_end));
  if (scheme != "https" && scheme != "http") {
    return absl::InvalidArgumentError(
        absl::StrCat(kName, ": aws_sts_endpoint_url must be an http(s) URL"));
  }
  const size_t authority_start = scheme_end + 3;
  const size_t path_start = url.find_first_of("/?#", authority_start);
  StsEndpoint endpoint;
  endpoint.authority = url.substr(authority_start, path_start - authority_start);
  endpoint.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (endpoint.authority.empty() || endpoint.path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat(kName, ": aws_sts_endpoint_url needs a host and no query"));
  }
  endpoint.url = absl::StrCat(scheme, "://", endpoint.authority, endpoint.path);

  std::string host = absl::AsciiStrToLower(endpoint.authority);
  if (!absl::StartsWith(host, "[")) {
    host = host.substr(0, host.find(':'));
  }
  endpoint.signing_region = regionOfHost(host);
  if (endpoint.signing_region.empty()) {
    endpoint.signing_region =
        host == "sts.amazonaws.com" || options.region.empty() ? "us-east-1" : options.region;
  }
  return endpoint;
}

AssumeRoleSource::AssumeRoleSource(CredentialSourceSharedPtr base, AssumeRoleOptions options,
                                   EnvLookup env, HttpFetcher fetcher, Clock clock)
    : base_(std::move(base)),
      options_(std::move(options)),
      env_(std::move(env)),
      fetcher_(std::move(fetcher)),
      clock_(std::move(clock)) {}

absl::StatusOr<FetchRequest> AssumeRoleSource::buildRequest(
    const Credentials& base, std::chrono::system_clock::time_point now) const {
  if (options_.role_arn.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kName, ": no role ARN"));
  }
  absl::StatusOr<StsEndpoint> endpoint = resolveStsEndpoint(options_, env_);
  if (!endpoint.ok()) {
    return endpoint.status();
  }
  FetchRequest request;
  request.method = "POST";
  request.url = endpoint->url;
  request.timeout_ms = kTimeoutMs;
  request.body = absl::StrCat("Action=AssumeRole&RoleArn=", uriEncode(options_.role_arn, false),
                              "&RoleSessionName=", uriEncode(options_.session_name, false),
                              "&Version=2011-06-15");
  request.headers = {{"Host", endpoint->authority},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  for (auto& header : signingHeaders(base, now)) {
    request.headers.push_back(std::move(header));
  }
  const SigV4Signer signer("sts", endpoint->signing_region);
  const std::string payload_hash = sha256Hex(request.body);
  absl::StatusOr<Signature> signature = signer.sign(
      SignableRequest{request.method, endpoint->path, "", request.headers, payload_hash}, base,
      now);
  if (!signature.ok()) {
    // The signer's message may describe the credentials; the code is enough here.
    return absl::Status(signature.status().code(),
                        absl::StrCat(kName, ": cannot sign the request"));
  }
  request.headers.emplace_back("Authorization", std::move(signature->authorization));
  return request;
}

void AssumeRoleSource::fetch(SourceCallback done) {
  base_->fetch(
      [self = shared_from_this(), done = std::move(done)](absl::StatusOr<Credentials> base) {
        if (!base.ok()) {
          done(absl::Status(base.status().code(),
                            absl::StrCat(kName, ": base credentials: ", base.status().message())));
          return;
        }
        absl::StatusOr<FetchRequest> request = self->buildRequest(*base, self->clock_());
        if (!request.ok()) {
          done(request.status());
          return;
        }
        self->fetcher_(*request, [done](absl::StatusOr<FetchResponse> response) {
          if (!response.ok()) {
            done(absl::UnavailableError(absl::StrCat(kName, ": ", response.status().message())));
            return;
          }
          if (response->status != 200) {
            const std::string code = parseStsErrorCode(response->body);
            done(absl::UnavailableError(
                absl::StrCat(kName, ": HTTP ", response->status, code.empty() ? "" : " ", code)));
            return;
          }
          done(parseAssumeRoleResponse(response->body));
        });
      });
}

absl::StatusOr<Credentials> parseAssumeRoleResponse(const std::string& xml) {
  const XmlDocPtr doc = readXml(xml);
  if (doc == nullptr) {
    return absl::DataLossError(absl::StrCat(kName, ": response is not XML"));
  }
  const xmlNode* node = path(doc.get(), {"AssumeRoleResponse", "AssumeRoleResult", "Credentials"});
  Credentials credentials;
  credentials.access_key_id = text(child(node, "AccessKeyId"));
  credentials.secret_access_key = text(child(node, "SecretAccessKey"));
  credentials.session_token = text(child(node, "SessionToken"));
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() ||
      credentials.session_token.empty()) {
    return absl::DataLossError(absl::StrCat(kName, ": response lacks Credentials"));
  }
  absl::StatusOr<std::chrono::system_clock::time_point> expiration =
      parseAwsTimestamp(text(child(node, "Expiration")));
  if (!expiration.ok()) {
    return absl::DataLossError(absl::StrCat(kName, ": ", expiration.status().message()));
  }
  credentials.expiration = *expiration;
  return credentials;
}

std::string parseStsErrorCode(const std::string& xml) {
  const XmlDocPtr doc = readXml(xml);
  std::string code =
      doc == nullptr ? "" : text(path(doc.get(), {"ErrorResponse", "Error", "Code"}));
  // Error codes are identifiers; anything else is not echoed.
  for (const char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.') {
      return "";
    }
  }
  return code;
}

}  // namespace portico::aws
