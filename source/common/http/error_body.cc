#include "source/common/http/error_body.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace portico::http {
namespace {

absl::string_view sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::optional<ErrorFormat> mediaTypeFormat(std::string_view media_type) {
  const std::string type = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(media_type.data(), media_type.size())));
  if (type == "application/json" || type == "application/*" || type == "*/*") {
    return ErrorFormat::kJson;
  }
  if (type == "text/plain" || type == "text/*") {
    return ErrorFormat::kText;
  }
  if (type == "text/html") {
    return ErrorFormat::kHtml;
  }
  if (type == "application/xml" || type == "text/xml") {
    return ErrorFormat::kXml;
  }
  return std::nullopt;
}

// The supported format with the highest q in an Accept header; ties keep the listed order.
std::optional<ErrorFormat> bestAcceptedFormat(std::string_view accept) {
  struct Candidate {
    ErrorFormat format;
    double q;
  };
  std::vector<Candidate> candidates;
  for (absl::string_view range :
       absl::StrSplit(absl::string_view(accept.data(), accept.size()), ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    double q = 1.0;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") && !absl::SimpleAtod(parameter, &q)) {
        q = 0;
      }
    }
    if (auto format = mediaTypeFormat(std::string_view(parts[0].data(), parts[0].size()));
        format && q > 0) {
      candidates.push_back({*format, q});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.q > b.q; });
  if (candidates.empty()) {
    return std::nullopt;
  }
  return candidates.front().format;
}

}  // namespace

ErrorFormat formatForMediaType(std::string_view media_type, ErrorFormat fallback) {
  const std::string_view type = media_type.substr(0, media_type.find(';'));
  return mediaTypeFormat(type).value_or(fallback);
}

ErrorFormat formatForPdkError(const HeaderMap& request_headers) {
  if (const std::string* accept = request_headers.get("accept")) {
    return bestAcceptedFormat(*accept).value_or(ErrorFormat::kJson);
  }
  return ErrorFormat::kJson;
}

ErrorFormat formatForProxyError(const HeaderMap& request_headers, ErrorFormat fallback) {
  if (const std::string* accept = request_headers.get("accept")) {
    if (auto format = bestAcceptedFormat(*accept)) {
      return *format;
    }
  }
  if (const std::string* content_type = request_headers.get("content-type")) {
    const std::string_view type =
        std::string_view(*content_type).substr(0, content_type->find(';'));
    if (auto format = mediaTypeFormat(type)) {
      return *format;
    }
  }
  return fallback;
}

ErrorBody renderErrorBody(ErrorFormat format, std::string_view message,
                          std::string_view request_id) {
  switch (format) {
    case ErrorFormat::kText:
      return {"text/plain; charset=utf-8",
              absl::StrCat(sv(message), "\nrequest_id: ", sv(request_id), "\n")};
    case ErrorFormat::kHtml:
      return {"text/html; charset=utf-8",
              absl::StrCat("<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n"
                           "    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n"
                           "    <p>",
                           sv(message), ".</p>\n    <p>request_id: ", sv(request_id),
                           "</p>\n  </body>\n</html>\n")};
    case ErrorFormat::kXml:
      return {"application/xml; charset=utf-8",
              absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>",
                           sv(message), "</message>\n  <requestid>", sv(request_id),
                           "</requestid>\n</error>\n")};
    case ErrorFormat::kJson:
      break;
  }
  return {"application/json; charset=utf-8",
          absl::StrCat("{\n  \"message\":", nlohmann::json(std::string(message)).dump(),
                       ",\n  \"request_id\":\"", sv(request_id), "\"\n}")};
}

}  // namespace portico::http
