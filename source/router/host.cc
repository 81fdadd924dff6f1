#include "source/router/host.h"

#include <charconv>

#include "absl/strings/ascii.h"
#include "source/router/string_util.h"

namespace portico::router {
namespace {

std::optional<uint32_t> parsePort(std::string_view digits) {
  uint32_t port = 0;
  const char* end = digits.data() + digits.size();
  const auto [parsed_to, error] = std::from_chars(digits.data(), end, port);
  if (digits.empty() || digits.size() > 5 || error != std::errc() || parsed_to != end ||
      port > 65535) {
    return std::nullopt;
  }
  return port;
}

}  // namespace

HostAndPort splitHostPort(std::string_view value) {
  size_t colon;
  if (!value.empty() && value.front() == '[') {
    const size_t close = value.find(']');
    if (close == std::string_view::npos || close + 1 == value.size()) {
      return {value, std::nullopt};
    }
    colon = close + 1;
    if (value[colon] != ':') {
      return {value, std::nullopt};
    }
  } else {
    colon = value.find(':');
    if (colon == std::string_view::npos) {
      return {value, std::nullopt};
    }
  }
  const std::optional<uint32_t> port = parsePort(value.substr(colon + 1));
  if (!port) {
    return {value, std::nullopt};
  }
  return {value.substr(0, colon), port};
}

std::string toLowerAscii(std::string_view s) {
  std::string out(s);
  absl::AsciiStrToLower(&out);
  return out;
}

HostPattern::HostPattern(std::string_view route_host) {
  const HostAndPort split = splitHostPort(route_host);
  port_ = split.port;
  std::string_view host = split.host;
  if (!host.empty() && host.front() == '*') {
    kind_ = Kind::kSuffix;
    host.remove_prefix(1);
  } else if (!host.empty() && host.back() == '*') {
    kind_ = Kind::kPrefix;
    host.remove_suffix(1);
  }
  text_ = toLowerAscii(host);
}

bool HostPattern::matches(std::string_view lower_host, uint32_t destination_port) const {
  if (port_ && *port_ != destination_port) {
    return false;
  }
  switch (kind_) {
    case Kind::kExact:
      return lower_host == text_;
    case Kind::kSuffix:
      return endsWith(lower_host, text_);
    case Kind::kPrefix:
      return startsWith(lower_host, text_);
  }
  return false;
}

}  // namespace portico::router
