#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace portico::server::admin {

// One field of a multipart/form-data body (RFC 7578).
struct MultipartPart {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;  // empty when the part carries none
  std::string body;
};

// The `boundary` parameter of a `multipart/form-data` Content-Type value (quoted or not).
absl::StatusOr<std::string> multipartBoundary(std::string_view content_type);

// Splits a multipart/form-data body. Strict: the body must open with a delimiter line (a
// preamble before it is allowed), every part needs `Content-Disposition: form-data; name=...`,
// and the close delimiter `--<boundary>--` must be present.
absl::StatusOr<std::vector<MultipartPart>> parseMultipart(std::string_view body,
                                                          std::string_view boundary);

}  // namespace portico::server::admin
