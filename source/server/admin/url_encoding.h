#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "source/common/http/percent_encoding.h"

namespace portico::server::admin {

using http::urlDecode;
using http::urlEncode;

// `a=1&b=x%20y&flag` as ordered name/value pairs (a bare name has an empty value); used for query
// strings and application/x-www-form-urlencoded bodies alike.
using QueryArgs = std::vector<std::pair<std::string, std::string>>;
QueryArgs parseQuery(std::string_view query);

// The first value of `name`, or nullptr.
const std::string* findArg(const QueryArgs& args, std::string_view name);

}  // namespace portico::server::admin
