#include "source/common/http/hop_by_hop.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace portico::http {

bool isHopByHopHeader(std::string_view name) {
  static constexpr std::string_view kHopByHop[] = {"connection", "keep-alive", "proxy-connection",
                                                   "te",         "trailer",    "transfer-encoding",
                                                   "upgrade"};
  for (std::string_view hop : kHopByHop) {
    if (equalsIgnoreCase(name, hop)) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> connectionListedHeaders(const HeaderMap& headers) {
  std::vector<std::string> listed;
  if (const std::string* connection = headers.get("connection")) {
    for (absl::string_view token : absl::StrSplit(*connection, ',')) {
      token = absl::StripAsciiWhitespace(token);
      if (!token.empty()) {
        listed.emplace_back(token);
      }
    }
  }
  return listed;
}

bool connectionListsHeader(std::string_view connection, std::string_view name) {
  for (absl::string_view token :
       absl::StrSplit(absl::string_view(connection.data(), connection.size()), ',')) {
    token = absl::StripAsciiWhitespace(token);
    if (!token.empty() && equalsIgnoreCase(std::string_view(token.data(), token.size()), name)) {
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
