#include "test/config/declarative/load_results.h"

#include "gtest/gtest.h"

namespace portico::config::declarative::testing {

LoadResult loadJson(nlohmann::json document) {
  document["_format_version"] = "3.0";
  return load(document.dump(), InputFormat::Json, "kong.json");
}

nlohmann::json errorsOf(const LoadResult& result) {
  EXPECT_FALSE(result.ok());
  return result.error ? result.error->fields : nlohmann::json();
}

}  // namespace portico::config::declarative::testing
