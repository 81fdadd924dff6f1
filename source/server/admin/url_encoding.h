#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source/common/http/percent_encoding.h"
#include "source/common/http/uri_args.h"

namespace portico::server::admin {

using http::urlDecode;
using http::urlEncode;

// A query string or an application/x-www-form-urlencoded body, parsed by http::parseUriArgs.
using QueryArgs = std::vector<http::UriArg>;

// The first value of `name` (empty for a bare `name`), or nullptr when it is absent.
const std::string* findArg(const QueryArgs& args, std::string_view name);

}  // namespace portico::server::admin
