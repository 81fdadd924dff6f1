#include "source/server/admin/multipart.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace portico::server::admin {
namespace {

constexpr std::string_view kCrlf = "\r\n";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

// `; key=value; key="quoted \" value"` after a header's first token, as lower-cased keys and
// unquoted values. Fails on an unterminated quoted string.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> headerParams(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != ';') {
      ++i;
      continue;
    }
    ++i;
    const size_t equals = text.find('=', i);
    if (equals == std::string_view::npos) {
      break;
    }
    std::string key(trim(text.substr(i, equals - i)));
    absl::AsciiStrToLower(&key);
    i = equals + 1;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      ++i;
    }
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      for (; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          value.push_back(text[++i]);
        } else if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(text[i]);
        }
      }
      if (!closed) {
        return absl::InvalidArgumentError("unterminated quoted string in a header parameter");
      }
    } else {
      const size_t end = std::min(text.find(';', i), text.size());
      value = std::string(trim(text.substr(i, end - i)));
      i = end;
    }
    params.emplace_back(std::move(key), std::move(value));
  }
  return params;
}

absl::Status parseHeaders(std::string_view head, MultipartPart& part) {
  bool has_disposition = false;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find(kCrlf, start);
    if (end == std::string_view::npos) {
      end = head.size();
    }
    const std::string_view line = head.substr(start, end - start);
    start = end + kCrlf.size();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError("malformed part header line");
    }
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (equalsIgnoreCase(name, "Content-Type")) {
      part.content_type = std::string(value);
    } else if (equalsIgnoreCase(name, "Content-Disposition")) {
      const std::string_view type = trim(value.substr(0, value.find(';')));
      if (!equalsIgnoreCase(type, "form-data")) {
        return absl::InvalidArgumentError("part disposition is not form-data");
      }
      auto params = headerParams(value);
      if (!params.ok()) {
        return params.status();
      }
      for (auto& [key, param] : *params) {
        if (key == "name") {
          part.name = std::move(param);
          has_disposition = true;
        } else if (key == "filename") {
          part.filename = std::move(param);
        }
      }
    }
  }
  if (!has_disposition) {
    return absl::InvalidArgumentError("part without a Content-Disposition name");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> multipartBoundary(std::string_view content_type) {
  const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  if (!equalsIgnoreCase(media, "multipart/form-data")) {
    return absl::InvalidArgumentError("not multipart/form-data");
  }
  auto params = headerParams(content_type);
  if (!params.ok()) {
    return params.status();
  }
  for (auto& [key, value] : *params) {
    if (key == "boundary") {
      if (value.empty() || value.size() > 70) {
        return absl::InvalidArgumentError("boundary must be 1 to 70 characters");
      }
      return std::move(value);
    }
  }
  return absl::InvalidArgumentError("multipart/form-data without a boundary");
}

absl::StatusOr<std::vector<MultipartPart>> parseMultipart(std::string_view body,
                                                          std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string separator = std::string(kCrlf) + delimiter;
  size_t position;
  if (body.substr(0, delimiter.size()) == delimiter) {
    position = 0;
  } else {
    position = body.find(separator);
    if (position == std::string_view::npos) {
      return absl::InvalidArgumentError("multipart body without an opening boundary");
    }
    position += kCrlf.size();
  }
  std::vector<MultipartPart> parts;
  while (true) {
    size_t cursor = position + delimiter.size();
    if (body.substr(cursor, 2) == "--") {
      return parts;
    }
    while (cursor < body.size() && (body[cursor] == ' ' || body[cursor] == '\t')) {
      ++cursor;
    }
    if (body.substr(cursor, kCrlf.size()) != kCrlf) {
      return absl::InvalidArgumentError("boundary line not followed by CRLF");
    }
    cursor += kCrlf.size();
    const size_t next = body.find(separator, cursor);
    if (next == std::string_view::npos) {
      return absl::InvalidArgumentError("multipart body without a closing boundary");
    }
    const std::string_view text = body.substr(cursor, next - cursor);
    std::string_view head;
    std::string_view content;
    if (text.substr(0, kCrlf.size()) == kCrlf) {
      content = text.substr(kCrlf.size());
    } else {
      const size_t blank = text.find("\r\n\r\n");
      if (blank == std::string_view::npos) {
        return absl::InvalidArgumentError("part headers not terminated by an empty line");
      }
      head = text.substr(0, blank);
      content = text.substr(blank + 4);
    }
    MultipartPart part;
    if (absl::Status status = parseHeaders(head, part); !status.ok()) {
      return status;
    }
    part.body = std::string(content);
    parts.push_back(std::move(part));
    position = next + kCrlf.size();
  }
}

}  // namespace portico::server::admin
