#pragma once

#include "nlohmann/json.hpp"
#include "source/config/declarative/loader.h"

namespace portico::config::declarative::testing {

// Loads `document` as a format 3.0 JSON config named kong.json.
LoadResult loadJson(nlohmann::json document);

// The `fields` of a load that must have failed (a test failure if it did not); null without one.
nlohmann::json errorsOf(const LoadResult& result);

}  // namespace portico::config::declarative::testing
