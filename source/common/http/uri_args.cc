#include "source/common/http/uri_args.h"

namespace portico::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::vector<UriArg> parseUriArgs(std::string_view query) {
  std::vector<UriArg> args;
  while (!query.empty()) {
    const size_t end = query.find('&');
    const std::string_view part = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    const size_t equals = part.find('=');
    UriArg arg;
    arg.name = unescape(part.substr(0, equals));
    if (arg.name.empty()) {
      continue;
    }
    if (equals != std::string_view::npos) {
      arg.value = unescape(part.substr(equals + 1));
    }
    args.push_back(std::move(arg));
  }
  return args;
}

}  // namespace portico::http
