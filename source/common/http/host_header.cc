#include "source/common/http/host_header.h"

#include "absl/strings/ascii.h"

namespace portico::http {

std::string hostWithoutPort(std::string_view host_header) {
  std::string_view host = host_header;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    host = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string lower(host);
  absl::AsciiStrToLower(&lower);
  return lower;
}

}  // namespace portico::http
