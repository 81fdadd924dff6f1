#include "source/server/real_ip.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace portico::server {

std::string realClientAddress(const std::string& peer_address, const http::HeaderMap& headers,
                              const ProxySettings& settings) {
  if (settings.trusted_ips.empty() || !settings.trusted_ips.contains(peer_address)) {
    return peer_address;
  }
  const std::string value = headers.getJoined(settings.real_ip_header);
  if (value.empty()) {
    return peer_address;
  }
  std::vector<std::string> entries;
  for (absl::string_view entry : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    entries.emplace_back(absl::StripAsciiWhitespace(entry));
  }
  if (entries.empty()) {
    return peer_address;
  }
  if (!settings.real_ip_recursive) {
    return entries.back();
  }
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (!settings.trusted_ips.contains(*it)) {
      return *it;
    }
  }
  return entries.front();
}

}  // namespace portico::server
