#include "source/server/admin/url_encoding.h"

namespace portico::server::admin {

const std::string* findArg(const QueryArgs& args, std::string_view name) {
  static const std::string kBare;
  for (const http::UriArg& arg : args) {
    if (arg.name == name) {
      return arg.value ? &*arg.value : &kBare;
    }
  }
  return nullptr;
}

}  // namespace portico::server::admin
