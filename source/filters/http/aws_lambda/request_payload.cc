#include "source/filters/http/aws_lambda/request_payload.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/filters/http/aws_lambda/gateway_event.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;

// What kong.request.get_body() makes of the body.
struct BodyArgs {
  // The parsed arguments; nullopt when the type is known but the body does not parse.
  std::optional<json> args;
  // Kong's "missing content type" / "unsupported content type" errors: the body is opaque.
  bool unsupported_type = false;
};

BodyArgs parseBodyArgs(const portico::http::HeaderMap& headers, std::string_view body) {
  const std::string* content_type = headers.get("content-type");
  if (content_type == nullptr) {
    return {std::nullopt, true};
  }
  std::string media_type = absl::AsciiStrToLower(*content_type);
  media_type = media_type.substr(0, media_type.find(';'));
  if (absl::StartsWith(media_type, "application/x-www-form-urlencoded")) {
    return {argsTable(portico::http::parseUriArgs(body)), false};
  }
  if (absl::StartsWith(media_type, "application/json")) {
    std::string error;
    std::optional<json> parsed = parseJson(body, error);
    if (parsed && (parsed->is_object() || parsed->is_array())) {
      return {std::move(parsed), false};
    }
    return {std::nullopt, false};
  }
  if (absl::StartsWith(media_type, "multipart/form-data")) {
    // No maintained multipart parser is available to the build; the parts are not decoded.
    return {json::object(), false};
  }
  return {std::nullopt, true};
}

// Kong leaves these unparseable types as text even when base64_encode_body is set. It compares
// the whole header value, so `text/plain; charset=utf-8` is base64-encoded.
bool isRawContentType(const std::string* content_type) {
  if (content_type == nullptr) {
    return false;
  }
  static constexpr std::string_view kRawTypes[] = {"text/plain", "text/html", "application/xml",
                                                   "text/xml", "application/soap+xml"};
  for (std::string_view raw : kRawTypes) {
    if (*content_type == raw) {
      return true;
    }
  }
  return false;
}

std::string base64(std::string_view data) {
  return absl::Base64Escape(absl::string_view(data.data(), data.size()));
}

json uriArgs(const InvocationRequest& request) {
  return argsTable(portico::http::parseUriArgs(request.raw_query));
}

// kong.request.get_headers(): lower-case names, an array for a repeated header.
json requestHeaders(const portico::http::HeaderMap& headers) {
  json out = json::object();
  for (const auto& [name, value] : headers.entries()) {
    json& slot = out[absl::AsciiStrToLower(name)];
    if (slot.is_null()) {
      slot = value;
    } else {
      if (!slot.is_array()) {
        slot = json::array({slot});
      }
      slot.push_back(value);
    }
  }
  return out;
}

json forwardedRequest(const InvocationRequest& request, const PayloadOptions& options) {
  json out = json::object();
  if (options.forward_request_method) {
    out["request_method"] = request.method;
  }
  if (options.forward_request_headers) {
    out["request_headers"] = requestHeaders(request.headers);
  }
  if (options.forward_request_uri) {
    std::string uri(request.raw_path);
    if (request.has_query) {
      uri.append("?").append(request.raw_query);
    }
    out["request_uri"] = std::move(uri);
    out["request_uri_args"] = uriArgs(request);
  }
  if (options.forward_request_body) {
    BodyArgs body_args = parseBodyArgs(request.headers, request.body);
    // Kong reads an empty body as nil: no `request_body` unless it base64-encodes it (to "").
    std::optional<std::string> body;
    if (!request.body.empty()) {
      body = std::string(request.body);
    }
    if (body_args.unsupported_type) {
      body_args.args = json::object();
      if (options.base64_encode_body && !isRawContentType(request.headers.get("content-type"))) {
        body = base64(request.body);
        out["request_body_base64"] = true;
      }
    }
    if (body) {
      out["request_body"] = std::move(*body);
    }
    if (body_args.args) {
      out["request_body_args"] = std::move(*body_args.args);
    }
  }
  return out;
}

// kong.table.merge(query, body_args): body arguments replace query arguments of the same name.
// A JSON array body contributes its 1-based indices, as the Lua table it decodes to does.
json legacyPayload(const InvocationRequest& request) {
  json out = uriArgs(request);
  const BodyArgs body_args = parseBodyArgs(request.headers, request.body);
  if (!body_args.args) {
    return out;
  }
  if (body_args.args->is_array()) {
    if (out.empty() && !body_args.args->empty()) {
      return *body_args.args;
    }
    for (size_t i = 0; i < body_args.args->size(); ++i) {
      out[std::to_string(i + 1)] = (*body_args.args)[i];
    }
    return out;
  }
  for (const auto& [name, value] : body_args.args->items()) {
    out[name] = value;
  }
  return out;
}

}  // namespace

json argsTable(const std::vector<portico::http::UriArg>& args) {
  json out = json::object();
  for (const portico::http::UriArg& arg : args) {
    json value = arg.value ? json(*arg.value) : json(true);
    auto existing = out.find(arg.name);
    if (existing == out.end()) {
      out[arg.name] = std::move(value);
    } else {
      if (!existing->is_array()) {
        *existing = json::array({*existing});
      }
      existing->push_back(std::move(value));
    }
  }
  return out;
}

std::optional<json> parseJson(std::string_view text, std::string& error) {
  constexpr int kMaxDepth = 1000;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        error = absl::StrCat("found too many nested data structures (", depth, ") at character ",
                             i + 1);
        return std::nullopt;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  if (absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())).empty()) {
    error = absl::StrCat("Expected value but found T_END at character ", text.size() + 1);
    return std::nullopt;
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 13: ..." without the tag.
    const std::string_view what = e.what();
    const size_t tag_end = what.find("] ");
    error = std::string(tag_end == std::string_view::npos ? what : what.substr(tag_end + 2));
    return std::nullopt;
  }
}

std::string dumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string buildRequestPayload(const InvocationRequest& request, const PayloadOptions& options) {
  if (options.awsgateway_compatible) {
    return dumpJson(options.awsgateway_compatible_payload_version == "2.0"
                        ? buildGatewayEventV2(request, options.base64_encode_body)
                        : buildGatewayEventV1(request, options.base64_encode_body));
  }
  if (options.forward_request_method || options.forward_request_uri ||
      options.forward_request_headers || options.forward_request_body) {
    return dumpJson(forwardedRequest(request, options));
  }
  return dumpJson(legacyPayload(request));
}

}  // namespace portico::filters::http::aws_lambda
