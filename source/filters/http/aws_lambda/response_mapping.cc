#include "source/filters/http/aws_lambda/response_mapping.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "nlohmann/json.hpp"
#include "source/common/http/hop_by_hop.h"
#include "source/filters/http/aws_lambda/request_payload.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;
using portico::http::HeaderMap;

// The Invoke body as the AWS client hands it to Kong: a JSON body (Content-Type matching
// `application/.*json`) arrives decoded, unless it does not parse or is `false`; a JSON string
// arrives as its text.
struct Content {
  std::optional<json> decoded;
  std::string text;
};

bool isJsonContentType(const HeaderMap& headers) {
  const std::string* content_type = headers.get("content-type");
  if (content_type == nullptr) {
    return false;
  }
  const std::string lower = absl::AsciiStrToLower(*content_type);
  const size_t application = lower.find("application/");
  return application != std::string::npos &&
         lower.find("json", application + std::string_view("application/").size()) !=
             std::string::npos;
}

Content decodeContent(const HeaderMap& headers, std::string body) {
  Content content;
  if (!isJsonContentType(headers)) {
    content.text = std::move(body);
    return content;
  }
  std::string error;
  std::optional<json> parsed = parseJson(body, error);
  if (!parsed || *parsed == json(false)) {
    content.text = std::move(body);
  } else if (parsed->is_string()) {
    content.text = parsed->get<std::string>();
  } else {
    content.decoded = std::move(parsed);
  }
  return content;
}

void emptyArraysToObjects(json& value) {
  if (value.is_array() && value.empty()) {
    value = json::object();
    return;
  }
  if (value.is_structured()) {
    for (json& child : value) {
      emptyArraysToObjects(child);
    }
  }
}

// Lua's tostring for the scalar header values kong.response.exit accepts.
std::optional<std::string> headerText(const json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "true" : "false";
  }
  if (value.is_number_integer()) {
    return value.dump();
  }
  if (value.is_number_float()) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.14g", value.get<double>());
    return std::string(text);
  }
  return std::nullopt;
}

// Replaces every line of `name` with `value`: one line, a line per array element, or none for an
// object (Kong sets the header to an empty table). JSON null leaves the header alone.
void overlayHeader(HeaderMap& headers, const std::string& name, const json& value) {
  if (value.is_null()) {
    return;
  }
  headers.remove(name);
  if (value.is_array()) {
    for (const json& element : value) {
      if (std::optional<std::string> text = headerText(element)) {
        headers.add(name, std::move(*text));
      }
    }
  } else if (std::optional<std::string> text = headerText(value)) {
    headers.add(name, std::move(*text));
  }
}

// validate_http_status_code: a number, or a string Lua's tonumber reads, within 100-599.
std::optional<int> proxyStatus(const json& status_code) {
  double status = 0;
  if (status_code.is_number()) {
    status = status_code.get<double>();
  } else if (!status_code.is_string() ||
             !absl::SimpleAtod(status_code.get<std::string>(), &status)) {
    return std::nullopt;
  }
  if (!(status >= 100 && status <= 599)) {
    return std::nullopt;
  }
  return static_cast<int>(status);
}

absl::Status applyProxyResponse(Content content, ClientResponse& out) {
  json result;
  if (content.decoded) {
    if (!content.decoded->is_structured()) {
      return absl::InvalidArgumentError("proxy response must be json format");
    }
    result = std::move(*content.decoded);
  } else {
    std::string error;
    std::optional<json> parsed = parseJson(content.text, error);
    if (!parsed) {
      return absl::InvalidArgumentError(error);
    }
    result = std::move(*parsed);
  }
  if (!result.is_object()) {
    return absl::InvalidArgumentError("statusCode validation failed");
  }

  const std::optional<int> status =
      result.contains("statusCode") ? proxyStatus(result["statusCode"]) : std::nullopt;
  if (!status) {
    return absl::InvalidArgumentError("statusCode validation failed");
  }
  const auto headers = result.find("headers");
  if (headers != result.end() && !headers->is_structured()) {
    return absl::InvalidArgumentError("headers must be a table");
  }
  const auto body = result.find("body");
  if (body != result.end() && !body->is_string()) {
    return absl::InvalidArgumentError("body must be a string");
  }
  std::string text = body != result.end() ? body->get<std::string>() : std::string();
  const auto base64 = result.find("isBase64Encoded");
  if (base64 != result.end()) {
    if (!base64->is_boolean()) {
      return absl::InvalidArgumentError("isBase64Encoded must be a boolean");
    }
    std::string decoded;
    if (base64->get<bool>() && !absl::Base64Unescape(text, &decoded)) {
      return absl::InternalError("isBase64Encoded body is not base64");
    }
    if (base64->get<bool>()) {
      text = std::move(decoded);
    }
  }

  out.status = *status;
  out.body = std::move(text);
  if (headers != result.end() && headers->is_object()) {
    for (const auto& [name, value] : headers->items()) {
      overlayHeader(out.headers, name, value);
    }
  }
  const auto multi_value_headers = result.find("multiValueHeaders");
  if (multi_value_headers != result.end() && multi_value_headers->is_object()) {
    for (const auto& [name, value] : multi_value_headers->items()) {
      overlayHeader(out.headers, name, value);
    }
  }
  return absl::OkStatus();
}

void removeFramingHeaders(HeaderMap& headers) {
  auto& entries = headers.mutableEntries();
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [](const HeaderMap::Entry& entry) {
                                 return portico::http::equalsIgnoreCase(entry.first,
                                                                        "content-length") ||
                                        portico::http::isHopByHopHeader(entry.first);
                               }),
                entries.end());
}

}  // namespace

absl::StatusOr<ClientResponse> mapInvokeResponse(InvokeResponse response,
                                                 const ResponseOptions& options) {
  ClientResponse out;
  out.status = response.status;
  Content content = decodeContent(response.headers, std::move(response.body));
  out.headers = std::move(response.headers);

  if (options.is_proxy_integration) {
    absl::Status applied = applyProxyResponse(std::move(content), out);
    if (!applied.ok()) {
      return applied;
    }
  } else {
    const std::string* function_error = out.headers.get("x-amz-function-error");
    if (function_error != nullptr && *function_error == "Unhandled" && options.unhandled_status) {
      out.status = *options.unhandled_status;
    } else if (function_error != nullptr && *function_error == "Handled" &&
               options.handled_status) {
      out.status = *options.handled_status;
    }
    if (!content.decoded) {
      out.body = std::move(content.text);
    } else if (content.decoded->is_structured()) {
      if (options.empty_arrays_legacy) {
        emptyArraysToObjects(*content.decoded);
      }
      out.body = dumpJson(*content.decoded);
    } else {
      // kong.response.exit: "body must be a nil, string or table".
      return absl::InternalError("Lambda returned a JSON number, true or null");
    }
  }

  // kong.response.exit: "code must be a number between 100 and 599" (unhandled_status allows 999).
  if (out.status < 100 || out.status > 599) {
    return absl::InternalError("response status outside 100-599");
  }
  removeFramingHeaders(out.headers);
  return out;
}

std::string badGatewayBody(std::string_view reason) {
  return dumpJson(
      {{"message", "Bad Gateway"},
       {"error", "could not JSON decode Lambda function response: " + std::string(reason)}});
}

}  // namespace portico::filters::http::aws_lambda
