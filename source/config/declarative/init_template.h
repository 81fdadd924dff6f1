#pragma once

#include <string>

namespace portico::config::declarative {

// The starter kong.yml `kong config init` writes (kong/templates/kong_yml.lua): the format keys,
// a `_comment` and an `_ignore` list, and commented-out examples of every entity, so it loads as
// an empty configuration.
const std::string& initTemplate();

}  // namespace portico::config::declarative
