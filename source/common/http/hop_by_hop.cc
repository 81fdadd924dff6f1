#include "source/common/http/hop_by_hop.h"

#include "absl/strings/ascii.h"

namespace portico::http {

bool isHopByHopHeader(std::string_view name) {
  // Every header line of every message passes here: the length picks the one candidate to
  // compare, where a scan would compare each name.
  switch (name.size()) {
    case 2:
      return equalsIgnoreCase(name, "te");
    case 7:
      return equalsIgnoreCase(name, "trailer") || equalsIgnoreCase(name, "upgrade");
    case 10:
      return equalsIgnoreCase(name, "connection") || equalsIgnoreCase(name, "keep-alive");
    case 16:
      return equalsIgnoreCase(name, "proxy-connection");
    case 17:
      return equalsIgnoreCase(name, "transfer-encoding");
    default:
      return false;
  }
}

ConnectionListedNames::ConnectionListedNames(std::string_view connection) {
  // Split by hand: every message has its Connection value split, mostly one token, and
  // absl::StrSplit's iterator machinery cost several times the scan.
  while (!connection.empty()) {
    const size_t comma = connection.find(',');
    const size_t length = comma == std::string_view::npos ? connection.size() : comma;
    const absl::string_view token =
        absl::StripAsciiWhitespace(absl::string_view(connection.data(), length));
    if (!token.empty()) {
      names_.emplace_back(token.data(), token.size());
    }
    connection.remove_prefix(comma == std::string_view::npos ? length : comma + 1);
  }
}

bool ConnectionListedNames::contains(std::string_view name) const {
  for (std::string_view listed : names_) {
    if (equalsIgnoreCase(listed, name)) {
      return true;
    }
  }
  return false;
}

bool isWebSocketUpgrade(const MessageHead& request) {
  // The flag comes first: a request without Connection: upgrade costs one test.
  if (!request.upgrade || request.method != "GET" || request.version_major != 1 ||
      request.version_minor != 1 || request.hasRequestBody()) {
    return false;
  }
  if (request.headers.count("upgrade") != 1) {
    return false;
  }
  const absl::string_view upgrade = absl::StripAsciiWhitespace(*request.headers.get("upgrade"));
  return equalsIgnoreCase(std::string_view(upgrade.data(), upgrade.size()), "websocket");
}

}  // namespace portico::http
