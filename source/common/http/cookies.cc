#include "source/common/http/cookies.h"

namespace portico::http {
namespace {

std::string_view trimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string_view findCookie(const HeaderMap& headers, std::string_view name) {
  for (const auto& [header, value] : headers.entries()) {
    if (!equalsIgnoreCase(header, "cookie")) {
      continue;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t end = rest.find(';');
      std::string_view pair = trimSpaces(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const size_t equals = pair.find('=');
      if (equals != std::string_view::npos &&
          equalsIgnoreCase(trimSpaces(pair.substr(0, equals)), name)) {
        return trimSpaces(pair.substr(equals + 1));
      }
    }
  }
  return {};
}

}  // namespace portico::http
