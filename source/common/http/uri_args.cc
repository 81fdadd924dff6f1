#include "source/common/http/uri_args.h"

#include "source/common/http/percent_encoding.h"

namespace portico::http {

std::vector<UriArg> parseUriArgs(std::string_view query) {
  std::vector<UriArg> args;
  while (!query.empty()) {
    const size_t end = query.find('&');
    const std::string_view part = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    const size_t equals = part.find('=');
    UriArg arg;
    arg.name = urlDecode(part.substr(0, equals), true);
    if (arg.name.empty()) {
      continue;
    }
    if (equals != std::string_view::npos) {
      arg.value = urlDecode(part.substr(equals + 1), true);
    }
    args.push_back(std::move(arg));
  }
  return args;
}

}  // namespace portico::http
