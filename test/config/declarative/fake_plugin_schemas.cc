// Stand-ins for the real plugin schemas (written elsewhere), registered for the loader tests:
// "rate-limiting" needs an integer `minute` and fills a default policy, "jwt" refuses a consumer
// scope as Kong's jwt schema does.
#include "source/config/plugin_schema.h"

namespace portico::config::declarative {
namespace {

class FakeRateLimitingSchema : public config::PluginSchema {
 public:
  std::string_view name() const override { return "rate-limiting"; }
  int priority() const override { return 910; }
  nlohmann::json validate(nlohmann::json& config, const config::PluginScope&) const override {
    if (config.contains("minute") && !config["minute"].is_number_integer()) {
      return {{"config", {{"minute", "expected an integer"}}}};
    }
    if (!config.contains("policy")) {
      config["policy"] = "local";
    }
    return nullptr;
  }
};

class FakeJwtSchema : public config::PluginSchema {
 public:
  std::string_view name() const override { return "jwt"; }
  int priority() const override { return 1450; }
  nlohmann::json validate(nlohmann::json& config, const config::PluginScope& scope) const override {
    if (scope.consumer) {
      return {{"consumer", "value must be null"}};
    }
    if (!config.contains("key_claim_name")) {
      config["key_claim_name"] = "iss";
    }
    return nullptr;
  }
};

const config::RegisterPluginSchema<FakeRateLimitingSchema> register_rate_limiting;
const config::RegisterPluginSchema<FakeJwtSchema> register_jwt;

}  // namespace
}  // namespace portico::config::declarative
