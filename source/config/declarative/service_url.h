#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// The parts LuaSocket's `socket.url.parse` finds in a URL (absent parts stay empty).
struct UrlParts {
  std::optional<std::string> scheme;
  std::optional<std::string> host;
  std::optional<std::string> port;
  std::optional<std::string> path;
};

UrlParts parseUrl(std::string_view url);

// The fields the services `url` shorthand stands for (kong/db/schema/entities/services.lua):
// {"protocol", "host", "port", "path"}, with null host/path when the URL has none.
nlohmann::json expandServiceUrl(std::string_view url);

}  // namespace portico::config::declarative
