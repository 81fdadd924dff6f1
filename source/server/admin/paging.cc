#include "source/server/admin/paging.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "source/server/admin/responses.h"

namespace portico::server::admin {
namespace {

AdminResponse invalidSize(std::string_view message) {
  return daoError(400, 9, "invalid size", message);
}

AdminResponse invalidOffset(const std::string& offset, std::string_view reason) {
  return daoError(400, 7, "invalid offset",
                  absl::StrCat("'", offset, "' is not a valid offset: ",
                               absl::string_view(reason.data(), reason.size())));
}

}  // namespace

std::variant<PageRequest, AdminResponse> parsePageRequest(const QueryArgs& args) {
  PageRequest page;
  if (const std::string* size = findArg(args, "size")) {
    double value = 0;
    if (!absl::SimpleAtod(*size, &value) || std::isnan(value)) {
      return invalidSize("size must be a number");
    }
    if (value != std::floor(value) || value < 1 || value > PageRequest::kMaxSize) {
      return invalidSize(
          absl::StrCat("size must be an integer between 1 and ", PageRequest::kMaxSize));
    }
    page.size = static_cast<size_t>(value);
    page.size_given = true;
  }
  if (const std::string* offset = findArg(args, "offset"); offset != nullptr && !offset->empty()) {
    std::string token;
    if (!absl::Base64Unescape(*offset, &token)) {
      return invalidOffset(*offset, "bad base64 encoding");
    }
    uint64_t start = 0;
    if (!absl::SimpleAtoi(token, &start)) {
      return invalidOffset(*offset, "invalid offset");
    }
    page.start = static_cast<size_t>(start);
  }
  return page;
}

std::string encodeOffset(size_t start) { return absl::Base64Escape(std::to_string(start)); }

nlohmann::json renderPage(size_t total, const std::function<nlohmann::json(size_t)>& item,
                          const PageRequest& page, std::string_view path) {
  nlohmann::json data = nlohmann::json::array();
  const size_t first = std::min(page.start, total);
  const size_t end = first + std::min(page.size, total - first);
  for (size_t i = first; i < end; ++i) {
    data.push_back(item(i));
  }
  nlohmann::json body = {{"data", std::move(data)}, {"next", nullptr}};
  if (body["data"].size() == page.size) {
    const std::string offset = encodeOffset(end);
    std::string next =
        absl::StrCat(absl::string_view(path.data(), path.size()), "?offset=", urlEncode(offset));
    if (page.size_given) {
      absl::StrAppend(&next, "&size=", page.size);
    }
    body["offset"] = offset;
    body["next"] = std::move(next);
  }
  return body;
}

}  // namespace portico::server::admin
