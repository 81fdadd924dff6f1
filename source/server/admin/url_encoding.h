#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::server::admin {

// Percent-decoding as nginx's ngx.unescape_uri does it: a malformed escape is kept as written,
// and `+` becomes a space only in form data (`plus_as_space`).
std::string urlDecode(std::string_view text, bool plus_as_space);

// ngx.escape_uri: everything but ALPHA, DIGIT and "-._~" is percent-encoded (upper-case hex).
std::string urlEncode(std::string_view text);

// `a=1&b=x%20y&flag` as ordered name/value pairs (a bare name has an empty value); used for query
// strings and application/x-www-form-urlencoded bodies alike.
using QueryArgs = std::vector<std::pair<std::string, std::string>>;
QueryArgs parseQuery(std::string_view query);

// The first value of `name`, or nullptr.
const std::string* findArg(const QueryArgs& args, std::string_view name);

}  // namespace portico::server::admin
