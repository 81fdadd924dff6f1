#include "source/common/http/hop_by_hop.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

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
  for (absl::string_view token :
       absl::StrSplit(absl::string_view(connection.data(), connection.size()), ',')) {
    token = absl::StripAsciiWhitespace(token);
    if (!token.empty()) {
      names_.emplace_back(token.data(), token.size());
    }
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
