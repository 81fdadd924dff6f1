#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {
QueryArgs parseQuery(std::string_view query) {
  QueryArgs args;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) {
      end = query.size();
    }
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t equals = pair.find('=');
      if (equals == std::string_view::npos) {
        args.emplace_back(urlDecode(pair, true), "");
      } else {
        args.emplace_back(urlDecode(pair.substr(0, equals), true),
                          urlDecode(pair.substr(equals + 1), true));
      }
    }
    start = end + 1;
  }
  return args;
}

const std::string* findArg(const QueryArgs& args, std::string_view name) {
  for (const auto& [key, value] : args) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace portico::server::admin
