#include "source/config/declarative/host_check.h"

#include <cctype>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace portico::config::declarative {
namespace {

constexpr absl::string_view kInvalidPort = "invalid port number";

bool allOf(absl::string_view text, bool (*predicate)(char)) {
  for (char c : text) {
    if (!predicate(c)) {
      return false;
    }
  }
  return true;
}

bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool isDigitOrDot(char c) { return isDigit(c) || c == '.'; }
bool isHostnameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// A decimal port of at least one digit; false when it does not fit in 0..65535.
bool parsePort(absl::string_view digits, int64_t* port) {
  if (digits.empty() || !allOf(digits, isDigit)) {
    return false;
  }
  if (digits.size() > 6 || !absl::SimpleAtoi(digits, port)) {
    *port = 65536;
  }
  return true;
}

HostCheck checkIpv4(absl::string_view address) {
  HostCheck result{"", "ipv4", std::nullopt};
  absl::string_view host = address;
  size_t colon = address.find(':');
  if (colon != absl::string_view::npos) {
    host = address.substr(0, colon);
    int64_t port = 0;
    if (!parsePort(address.substr(colon + 1), &port)) {
      result.error = absl::StrCat("invalid ipv4 address: ", address);
      return result;
    }
    result.port = port;
  }
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  bool valid = octets.size() == 4;
  for (absl::string_view octet : octets) {
    int value = 0;
    valid = valid && !octet.empty() && octet.size() <= 3 && allOf(octet, isDigit) &&
            absl::SimpleAtoi(octet, &value) && value <= 255;
  }
  if (!valid) {
    result.error = absl::StrCat("invalid ipv4 address: ", address);
  } else if (result.port && *result.port > 65535) {
    result.error = std::string(kInvalidPort);
  }
  return result;
}

HostCheck checkIpv6(absl::string_view address) {
  HostCheck result{"", "ipv6", std::nullopt};
  std::string check(address);
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == absl::string_view::npos) {
      result.error = absl::StrCat("invalid ipv6 address: ", address);
      return result;
    }
    check = std::string(address.substr(1, close - 1));
    absl::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      int64_t port = 0;
      if (rest.front() != ':' || !parsePort(rest.substr(1), &port)) {
        result.error = "invalid ipv6 address";
        return result;
      }
      if (port > 65535) {
        result.error = std::string(kInvalidPort);
        return result;
      }
      result.port = port;
    }
  }
  if (!check.empty() && check.front() == ':') {
    check = "0" + check;
  }
  if (!check.empty() && check.back() == ':') {
    check += "0";
  }
  size_t double_colon = check.find("::");
  if (double_colon != std::string::npos) {
    size_t colons = 0;
    for (char c : check) {
      colons += c == ':' ? 1 : 0;
    }
    std::string fill = ":";
    for (size_t i = colons; i < 8; ++i) {
      fill += "0:";
    }
    check.replace(double_colon, 2, fill);
  }
  std::vector<absl::string_view> groups = absl::StrSplit(check, ':');
  bool valid = groups.size() == 8;
  for (absl::string_view group : groups) {
    valid = valid && !group.empty() && group.size() <= 4 && allOf(group, isHex);
  }
  if (!valid) {
    result.error = absl::StrCat("invalid ipv6 address: ", address);
  }
  return result;
}

HostCheck checkHostname(absl::string_view address) {
  HostCheck result{"", "name", std::nullopt};
  absl::string_view name = address;
  size_t colon = address.rfind(':');
  if (colon != absl::string_view::npos) {
    int64_t port = 0;
    if (parsePort(address.substr(colon + 1), &port)) {
      if (port > 65535) {
        result.error = std::string(kInvalidPort);
        return result;
      }
      result.port = port;
      name = address.substr(0, colon);
    }
  }
  bool valid = !name.empty() && allOf(name, isHostnameChar);
  std::vector<absl::string_view> labels = absl::StrSplit(name, '.');
  for (size_t i = 0; valid && i < labels.size(); ++i) {
    bool last = i + 1 == labels.size();
    valid = !(labels[i].empty() && !last) && (labels[i].empty() || labels[i].back() != '-');
  }
  if (!valid) {
    result.error = absl::StrCat("invalid hostname: ", address);
  }
  return result;
}

}  // namespace

HostCheck checkHost(std::string_view raw_address) {
  absl::string_view address(raw_address.data(), raw_address.size());
  std::string remainder;
  size_t colons = 0;
  for (char c : address) {
    if (c == ':') {
      ++colons;
    } else {
      remainder.push_back(c);
    }
  }
  if (colons > 1) {
    return checkIpv6(address);
  }
  if (!remainder.empty() && allOf(remainder, isDigitOrDot)) {
    return checkIpv4(address);
  }
  return checkHostname(address);
}

std::string serviceHostError(const std::string& host) {
  HostCheck check = checkHost(host);
  if (!check.error.empty() && check.error != kInvalidPort) {
    return absl::StrCat("invalid value: ", host);
  }
  if (check.error == kInvalidPort || check.port) {
    return "must not have a port";
  }
  return "";
}

std::string routeHostError(const std::string& host) {
  size_t wildcards = 0;
  for (char c : host) {
    wildcards += c == '*' ? 1 : 0;
  }
  if (wildcards > 1) {
    return "invalid wildcard: must have at most one wildcard";
  }
  if (wildcards == 1) {
    bool leftmost = host.compare(0, 2, "*.") == 0;
    bool rightmost = host.size() >= 2 && host.compare(host.size() - 2, 2, ".*") == 0;
    if (!leftmost && !rightmost) {
      return "invalid wildcard: must be placed at leftmost or rightmost label";
    }
  }
  std::string without_wildcard;
  for (char c : host) {
    without_wildcard += c == '*' ? std::string("abc") : std::string(1, c);
  }
  return checkHost(without_wildcard).error;
}

std::string sniError(const std::string& host) {
  HostCheck check = checkHost(host);
  if (!check.error.empty() && check.error != kInvalidPort) {
    return absl::StrCat("invalid value: ", host);
  }
  if (check.type != "name") {
    return "must not be an IP";
  }
  if (check.error == kInvalidPort || check.port) {
    return "must not have a port";
  }
  return "";
}

std::string wildcardHostError(const std::string& host) {
  const size_t star = host.find('*');
  if (star == std::string::npos) {
    return sniError(host);
  }
  if (star != 0 && star != host.size() - 1) {
    return "wildcard must be leftmost or rightmost character";
  }
  if (host.find('*', star + 1) != std::string::npos) {
    return "only one wildcard must be specified";
  }
  // Kong checks the name with "wildcard" in place of the star, and reports that name.
  std::string mock = host;
  mock.replace(star, 1, "wildcard");
  return sniError(mock);
}

}  // namespace portico::config::declarative
