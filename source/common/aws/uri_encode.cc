#include "source/common/aws/uri_encode.h"

#include <vector>

namespace portico::aws {
namespace {

bool isUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

}  // namespace

std::string uriEncode(std::string_view input, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(input.size() * 3);
  for (const char c : input) {
    if (isUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

std::string uriDecode(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '%' && i + 2 < input.size() && hexValue(input[i + 1]) >= 0 &&
        hexValue(input[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(input[i + 1]) * 16 + hexValue(input[i + 2])));
      i += 2;
      continue;
    }
    out.push_back(input[i]);
  }
  return out;
}

std::string normalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const std::string_view segment = path.substr(start, end - start);
    trailing_slash = segment.empty() || segment == "." || segment == "..";
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!trailing_slash) {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) {
      out.push_back('/');
    }
    out.append(segments[i]);
  }
  if (trailing_slash && !segments.empty()) {
    out.push_back('/');
  }
  return out;
}

}  // namespace portico::aws
