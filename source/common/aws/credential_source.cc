#include "source/common/aws/credential_source.h"

#include <cstdlib>

namespace portico::aws {

Clock systemClock() {
  return [] { return std::chrono::system_clock::now(); };
}

EnvLookup processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::optional<std::string> nonEmptyEnv(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  if (!value.has_value() || value->empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace portico::aws
