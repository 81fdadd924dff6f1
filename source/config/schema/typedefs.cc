#include "source/config/schema/typedefs.h"

#include <arpa/inet.h>

#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace portico::config::schema::typedefs {
namespace {

enum class AddressKind { kIpv4, kIpv6, kName };

// kong/tools/ip.lua `normalize_ip`: what the address is, whether it carries a port, and whether it
// parsed at all. A port above 65535 is reported apart, as Kong does.
struct Address {
  enum class Outcome { kValid, kInvalid, kPortTooLarge } outcome = Outcome::kInvalid;
  AddressKind kind = AddressKind::kName;
  bool has_port = false;
};

bool portTooLarge(const std::string& digits) {
  uint64_t port = 0;
  return digits.size() > 5 || !absl::SimpleAtoi(digits, &port) || port > 65535;
}

AddressKind addressKind(const std::string& address) {
  std::string remainder;
  int colons = 0;
  for (char c : address) {
    if (c == ':') {
      ++colons;
    } else {
      remainder.push_back(c);
    }
  }
  if (colons > 1) {
    return AddressKind::kIpv6;
  }
  static const re2::RE2 kDigitsAndDots("[0-9.]+");
  return re2::RE2::FullMatch(remainder, kDigitsAndDots) ? AddressKind::kIpv4 : AddressKind::kName;
}

Address parseIpv4(const std::string& text) {
  static const re2::RE2 kIpv4(R"((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?)");
  Address address{Address::Outcome::kInvalid, AddressKind::kIpv4, false};
  int octets[4];
  std::string port_text;
  if (!re2::RE2::FullMatch(text, kIpv4, &octets[0], &octets[1], &octets[2], &octets[3],
                           &port_text)) {
    return address;
  }
  for (int octet : octets) {
    if (octet > 255) {
      return address;
    }
  }
  address.has_port = !port_text.empty();
  address.outcome = address.has_port && portTooLarge(port_text) ? Address::Outcome::kPortTooLarge
                                                                : Address::Outcome::kValid;
  return address;
}

Address parseIpv6(const std::string& text) {
  Address address{Address::Outcome::kInvalid, AddressKind::kIpv6, false};
  std::string bare = text;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    static const re2::RE2 kBracketed(R"(\[([^\]]*)\](?::(\d+))?)");
    if (!re2::RE2::FullMatch(text, kBracketed, &bare, &port_text)) {
      return address;
    }
  }
  in6_addr parsed;
  if (inet_pton(AF_INET6, bare.c_str(), &parsed) != 1) {
    return address;
  }
  address.has_port = !port_text.empty();
  address.outcome = address.has_port && portTooLarge(port_text) ? Address::Outcome::kPortTooLarge
                                                                : Address::Outcome::kValid;
  return address;
}

Address parseName(const std::string& text) {
  static const re2::RE2 kNameWithPort(R"((.*):(\d+))");
  static const re2::RE2 kNameCharacters(R"([0-9A-Za-z\-._]+)");
  Address address{Address::Outcome::kInvalid, AddressKind::kName, false};
  std::string name = text;
  std::string port_text;
  if (re2::RE2::FullMatch(text, kNameWithPort, &name, &port_text)) {
    address.has_port = true;
    if (portTooLarge(port_text)) {
      address.outcome = Address::Outcome::kPortTooLarge;
      return address;
    }
  }
  if (!re2::RE2::FullMatch(name, kNameCharacters)) {
    return address;
  }
  // Labels may not end in '-', and only the last may be empty (a fully qualified name).
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    const bool last = dot == std::string::npos;
    std::string label = name.substr(start, last ? std::string::npos : dot - start);
    if ((label.empty() && !last) || (!label.empty() && label.back() == '-')) {
      return address;
    }
    if (last) {
      break;
    }
    start = dot + 1;
  }
  address.outcome = Address::Outcome::kValid;
  return address;
}

Address parseAddress(const std::string& text) {
  switch (addressKind(text)) {
    case AddressKind::kIpv4:
      return parseIpv4(text);
    case AddressKind::kIpv6:
      return parseIpv6(text);
    case AddressKind::kName:
      return parseName(text);
  }
  return {};
}

std::optional<std::string> validateHost(const nlohmann::json& value) {
  const std::string& host = value.get_ref<const std::string&>();
  Address address = parseAddress(host);
  if (address.outcome == Address::Outcome::kInvalid) {
    return "invalid value: " + host;
  }
  if (address.outcome == Address::Outcome::kPortTooLarge || address.has_port) {
    return "must not have a port";
  }
  return std::nullopt;
}

std::optional<std::string> validateSni(const nlohmann::json& value) {
  const std::string& host = value.get_ref<const std::string&>();
  Address address = parseAddress(host);
  if (address.outcome == Address::Outcome::kInvalid) {
    return "invalid value: " + host;
  }
  if (address.outcome == Address::Outcome::kValid && address.kind != AddressKind::kName) {
    return "must not be an IP";
  }
  if (address.outcome == Address::Outcome::kPortTooLarge || address.has_port) {
    return "must not have a port";
  }
  return std::nullopt;
}

// Follows LuaSocket's url.parse, which Kong uses: lenient, it only fails on a missing host or
// scheme.
std::optional<std::string> validateUrl(const nlohmann::json& value) {
  std::string rest = value.get<std::string>();
  rest = rest.substr(0, rest.find('#'));
  static const re2::RE2 kScheme(R"(([A-Za-z0-9][A-Za-z0-9+\-.]*):(.*))");
  std::string scheme;
  bool has_scheme = re2::RE2::FullMatch(rest, kScheme, &scheme, &rest);
  bool has_host = false;
  if (rest.rfind("//", 0) == 0) {
    std::string authority = rest.substr(2, rest.find('/', 2) - 2);
    authority =
        authority.substr(authority.find('@') == std::string::npos ? 0 : authority.find('@') + 1);
    static const re2::RE2 kPort(R"((.*):[^:\]]*)");
    re2::RE2::FullMatch(authority, kPort, &authority);
    has_host = !authority.empty();
  }
  if (!has_host) {
    return "missing host in url";
  }
  if (!has_scheme) {
    return "missing scheme in url";
  }
  return std::nullopt;
}

std::optional<std::string> validateHeaderName(const nlohmann::json& value) {
  static const re2::RE2 kHeaderName("[a-zA-Z0-9_-]+");
  const std::string& name = value.get_ref<const std::string&>();
  if (re2::RE2::FullMatch(name, kHeaderName)) {
    return std::nullopt;
  }
  return "bad header name '" + name + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'";
}

std::optional<std::string> validatePath(const nlohmann::json& value) {
  static const re2::RE2 kRfc3986Path(R"(/[A-Za-z0-9._~/%:@!$&'()*+,;=-]*)");
  static const re2::RE2 kPercentEscape("%[0-9A-Fa-f]{2}");
  const std::string& path = value.get_ref<const std::string&>();
  if (!re2::RE2::FullMatch(path, kRfc3986Path)) {
    return "invalid path: '" + path +
           "' (characters outside of the reserved list of RFC 3986 found)";
  }
  std::string unescaped = path;
  re2::RE2::GlobalReplace(&unescaped, kPercentEscape, "___");
  size_t stray = unescaped.find('%');
  if (stray != std::string::npos) {
    return "invalid url-encoded value: '" + unescaped.substr(stray, 3) + "'";
  }
  return std::nullopt;
}

}  // namespace

Field host() { return Field::string().check(validateHost); }

Field port() { return Field::integer().between(0, 65535); }

Field timeout() { return Field::integer().between(0, 2147483646); }

Field sni() { return Field::string().check(validateSni); }

Field url() { return Field::string().check(validateUrl); }

Field headerName() { return Field::string().check(validateHeaderName); }

Field path() {
  return Field::string()
      .startsWith("/")
      .forbidSubstring("//", "must not have empty segments")
      .check(validatePath);
}

}  // namespace portico::config::schema::typedefs
