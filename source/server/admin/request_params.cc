#include "source/server/admin/request_params.h"

#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "source/server/admin/multipart.h"

namespace portico::server::admin {
namespace {

// The media type of a Content-Type value, lower-cased, without parameters.
std::string mediaType(const std::string& content_type) {
  std::string media(absl::StripAsciiWhitespace(
      absl::string_view(content_type).substr(0, content_type.find(';'))));
  absl::AsciiStrToLower(&media);
  return media;
}

}  // namespace

const nlohmann::json* RequestParams::find(const std::string& name) const {
  if (json_body.is_object()) {
    if (auto it = json_body.find(name); it != json_body.end()) {
      return &*it;
    }
  }
  auto it = fields.find(name);
  return it != fields.end() ? &*it : nullptr;
}

absl::StatusOr<RequestParams> requestParams(const AdminRequest& request, const QueryArgs& query) {
  RequestParams params;
  for (const http::UriArg& arg : query) {
    if (!params.fields.contains(arg.name)) {
      params.fields[arg.name] = arg.value.value_or(std::string());
    }
  }
  const std::string* content_type = request.headers.get("Content-Type");
  if (content_type == nullptr || request.body.empty()) {
    return params;
  }
  const std::string media = mediaType(*content_type);
  if (media == "application/json") {
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      return absl::InvalidArgumentError("Cannot parse JSON body");
    }
    if (body.is_object()) {
      params.json_body = std::move(body);
    }
  } else if (media == "application/x-www-form-urlencoded") {
    for (http::UriArg& arg : http::parseUriArgs(request.body)) {
      params.fields[arg.name] = std::move(arg.value).value_or(std::string());
    }
  } else if (media == "multipart/form-data") {
    absl::StatusOr<std::string> boundary = multipartBoundary(*content_type);
    if (!boundary.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot parse multipart body: ", boundary.status().message()));
    }
    absl::StatusOr<std::vector<MultipartPart>> parts = parseMultipart(request.body, *boundary);
    if (!parts.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot parse multipart body: ", parts.status().message()));
    }
    for (MultipartPart& part : *parts) {
      params.fields[part.name] = std::move(part.body);
    }
  }
  return params;
}

}  // namespace portico::server::admin
