#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::http {

// One query argument, decoded as lua-nginx-module's ngx.req.get_uri_args does: `+` is a space,
// %XX is unescaped (a broken escape stays as it is).
struct UriArg {
  std::string name;
  std::optional<std::string> value;  // nullopt for `?name` without `=` (Lua's `true`)
};

// Every argument of a query string, in order; repeated names appear repeatedly. Arguments with
// an empty name are dropped.
std::vector<UriArg> parseUriArgs(std::string_view query);

}  // namespace portico::http
