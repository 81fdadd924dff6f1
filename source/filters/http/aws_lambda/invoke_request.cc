#include "source/filters/http/aws_lambda/invoke_request.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "source/common/aws/uri_encode.h"

namespace portico::filters::http::aws_lambda {

InvokeEndpoint makeInvokeEndpoint(std::string_view function_name,
                                  const std::optional<std::string>& qualifier,
                                  std::string_view host, uint16_t port, bool https,
                                  std::string invocation_type, std::string log_type) {
  InvokeEndpoint endpoint;
  endpoint.path =
      absl::StrCat("/2015-03-31/functions/", aws::uriEncode(function_name, false), "/invocations");
  if (qualifier && !qualifier->empty()) {
    endpoint.query = absl::StrCat("Qualifier=", aws::uriEncode(*qualifier, false));
  }
  const bool default_port = (https && port == 443) || (!https && port == 80);
  endpoint.host_header =
      default_port ? std::string(host) : absl::StrCat(std::string(host), ":", port);
  endpoint.invocation_type = std::move(invocation_type);
  endpoint.log_type = std::move(log_type);
  return endpoint;
}

absl::StatusOr<std::string> buildInvokeRequest(const InvokeEndpoint& endpoint,
                                               std::string_view payload,
                                               const aws::Credentials& credentials,
                                               const aws::SigV4Signer& signer,
                                               std::chrono::system_clock::time_point now) {
  aws::HeaderList headers = {
      {"Host", endpoint.host_header},
      {"Content-Type", "application/json"},
      {"X-Amz-Invocation-Type", endpoint.invocation_type},
      {"X-Amz-Log-Type", endpoint.log_type},
  };
  for (auto& header : aws::signingHeaders(credentials, now)) {
    headers.push_back(std::move(header));
  }
  const std::string payload_hash = aws::sha256Hex(payload);
  absl::StatusOr<aws::Signature> signature = signer.sign(
      aws::SignableRequest{"POST", endpoint.path, endpoint.query, headers, payload_hash},
      credentials, now);
  if (!signature.ok()) {
    return signature.status();
  }
  std::string out;
  out.reserve(512 + payload.size());
  absl::StrAppend(&out, "POST ", endpoint.path, endpoint.query.empty() ? "" : "?", endpoint.query,
                  " HTTP/1.1\r\n");
  for (const auto& [name, value] : headers) {
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&out, "Content-Length: ", payload.size(), "\r\n",
                  "Authorization: ", signature->authorization, "\r\n\r\n");
  out.append(payload);
  return out;
}

}  // namespace portico::filters::http::aws_lambda
