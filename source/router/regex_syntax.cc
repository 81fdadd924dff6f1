#include "source/router/regex_syntax.h"

namespace portico::router {

std::string toRe2Syntax(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() + 8);
  for (size_t i = 0; i < pattern.size(); ++i) {
    out += pattern[i];
    if (pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() && pattern[i + 3] != '=' &&
        pattern[i + 3] != '!') {
      out += "?P<";
      i += 2;
    }
  }
  return out;
}

}  // namespace portico::router
