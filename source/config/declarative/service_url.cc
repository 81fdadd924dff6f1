#include "source/config/declarative/service_url.h"

#include <cctype>

#include "absl/strings/numbers.h"

namespace portico::config::declarative {
namespace {

bool isSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

}  // namespace

UrlParts parseUrl(std::string_view url) {
  UrlParts parts;
  std::string rest(url.substr(0, url.find('#')));
  size_t colon = rest.find(':');
  if (colon != std::string::npos && colon > 0 &&
      std::isalnum(static_cast<unsigned char>(rest[0]))) {
    bool scheme_ok = true;
    for (size_t i = 0; i < colon; ++i) {
      scheme_ok = scheme_ok && isSchemeChar(rest[i]);
    }
    if (scheme_ok) {
      parts.scheme = rest.substr(0, colon);
      rest = rest.substr(colon + 1);
    }
  }
  std::optional<std::string> authority;
  if (rest.compare(0, 2, "//") == 0) {
    size_t end = rest.find('/', 2);
    authority = rest.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    rest = end == std::string::npos ? "" : rest.substr(end);
  }
  rest = rest.substr(0, rest.find('?'));
  rest = rest.substr(0, rest.find(';'));
  if (!rest.empty()) {
    parts.path = rest;
  }
  if (!authority) {
    return parts;
  }
  std::string host = *authority;
  size_t at = host.find('@');
  if (at != std::string::npos) {
    host = host.substr(at + 1);
  }
  size_t port_colon = host.rfind(':');
  if (port_colon != std::string::npos && host.find(']', port_colon) == std::string::npos) {
    parts.port = host.substr(port_colon + 1);
    host = host.substr(0, port_colon);
  }
  if (!host.empty()) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    parts.host = host;
  }
  return parts;
}

nlohmann::json expandServiceUrl(std::string_view url) {
  UrlParts parts = parseUrl(url);
  std::optional<int64_t> port;
  int64_t number = 0;
  if (parts.port && absl::SimpleAtoi(*parts.port, &number)) {
    port = number;
  }
  std::string protocol = parts.scheme.value_or(port == 80    ? "http"
                                               : port == 443 ? "https"
                                                             : "http");
  nlohmann::json fields;
  fields["protocol"] = protocol;
  fields["host"] = parts.host ? nlohmann::json(*parts.host) : nlohmann::json();
  if (port) {
    fields["port"] = *port;
  } else if (parts.port) {
    fields["port"] = *parts.port;
  } else {
    fields["port"] = protocol == "https" ? 443 : 80;
  }
  fields["path"] = parts.path ? nlohmann::json(*parts.path) : nlohmann::json();
  return fields;
}

}  // namespace portico::config::declarative
