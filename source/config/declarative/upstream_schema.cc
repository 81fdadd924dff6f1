#include "absl/strings/str_cat.h"
#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/declarative/host_check.h"
#include "source/config/declarative/paths.h"

namespace portico::config::declarative {
namespace {

// A record-typed field (Kong's `type = "record"`) and the records nested in it.
struct RecordSpec {
  std::vector<Field> fields;
  std::vector<std::pair<std::string, const RecordSpec*>> records;
};

bool isTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// kong/tools/utils.lua validate_header_name / validate_cookie_name.
StringRule tokenName(const char* what) {
  return [what](const std::string& name) -> std::optional<std::string> {
    for (char c : name) {
      if (!isTokenChar(c)) {
        return absl::StrCat("bad ", what, " name '", name,
                            "', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
      }
    }
    return std::nullopt;
  };
}

StringRule errorRule(std::string (*error)(const std::string&)) {
  return [error](const std::string& value) -> std::optional<std::string> {
    std::string message = error(value);
    return message.empty() ? std::nullopt : std::optional<std::string>(std::move(message));
  };
}

// typedefs.host_with_optional_port.
std::string hostWithOptionalPortError(const std::string& host) { return checkHost(host).error; }

// Kong's `number` type with `between`.
ValueCheck numberCheck(double low, double high) {
  return [low, high](const nlohmann::json& value) -> nlohmann::json {
    if (!value.is_number()) {
      return "expected a number";
    }
    const double number = value.get<double>();
    if (number < low || number > high) {
      return absl::StrCat("value should be between ", low, " and ", high);
    }
    return nullptr;
  };
}

nlohmann::json statuses(std::vector<int> codes) { return nlohmann::json(std::move(codes)); }

Field statusesField(std::vector<int> defaults) {
  return Field{"http_statuses", arrayCheck(integerCheck({{100, 999}})), false,
               statuses(std::move(defaults))};
}

Field counterField(const char* name) { return Field{name, integerCheck({{0, 255}}), false, 0}; }

const RecordSpec& healthchecksSpec() {
  static const RecordSpec active_healthy{{
                                             Field{"interval", numberCheck(0, 65535), false, 0},
                                             statusesField({200, 302}),
                                             counterField("successes"),
                                         },
                                         {}};
  static const RecordSpec active_unhealthy{
      {
          Field{"interval", numberCheck(0, 65535), false, 0},
          statusesField({429, 404, 500, 501, 502, 503, 504, 505}),
          counterField("tcp_failures"),
          counterField("timeouts"),
          counterField("http_failures"),
      },
      {}};
  static const RecordSpec passive_healthy{
      {
          statusesField({200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
                         305, 306, 307, 308}),
          counterField("successes"),
      },
      {}};
  static const RecordSpec passive_unhealthy{{
                                                statusesField({429, 500, 503}),
                                                counterField("tcp_failures"),
                                                counterField("timeouts"),
                                                counterField("http_failures"),
                                            },
                                            {}};
  static const std::vector<std::string> kTypes = {"tcp", "http", "https", "grpc", "grpcs"};
  static const RecordSpec active{
      {
          Field{"type", stringCheck({oneOf(kTypes)}), false, "http"},
          Field{"timeout", numberCheck(0, 65535), false, 1},
          Field{"concurrency", integerCheck({{1, 2147483648LL}}), false, 10},
          Field{"http_path", stringCheck({errorRule(servicePathError)}), false, "/"},
          Field{"https_sni", stringCheck({errorRule(sniError)})},
          Field{"https_verify_certificate", booleanCheck(), true, true},
          Field{"headers",
                [](const nlohmann::json& value) -> nlohmann::json {
                  return value.is_object() ? nlohmann::json()
                                           : nlohmann::json(messages::kExpectedMap);
                }},
      },
      {{"healthy", &active_healthy}, {"unhealthy", &active_unhealthy}}};
  static const RecordSpec passive{
      {Field{"type", stringCheck({oneOf(kTypes)}), false, "http"}},
      {{"healthy", &passive_healthy}, {"unhealthy", &passive_unhealthy}}};
  static const RecordSpec healthchecks{{Field{"threshold", numberCheck(0, 100), false, 0}},
                                       {{"active", &active}, {"passive", &passive}}};
  return healthchecks;
}

// Validates a record value, filling the defaults of it and of the records nested in it (an
// absent or null nested record is all defaults, as Kong's record default is).
nlohmann::json checkRecord(nlohmann::json& value, const RecordSpec& spec) {
  if (!value.is_object()) {
    return messages::kExpectedRecord;
  }
  nlohmann::json errors = nlohmann::json::object();
  std::set<std::string> nested;
  for (const auto& [name, record] : spec.records) {
    nested.insert(name);
    auto it = value.find(name);
    if (it == value.end() || it->is_null()) {
      value[name] = nlohmann::json::object();
    }
    nlohmann::json record_errors = checkRecord(value[name], *record);
    if (!record_errors.is_null()) {
      errors[name] = std::move(record_errors);
    }
  }
  errors.update(checkFields(value, spec.fields, nested));
  return errors.empty() ? nlohmann::json() : errors;
}

std::string upstreamNameError(const std::string& name) {
  HostCheck check = checkHost(name);
  const std::string prefix = absl::StrCat("Invalid name ('", name, "')");
  if (!check.error.empty() && check.error != "invalid port number") {
    return absl::StrCat(prefix, "; must be a valid hostname");
  }
  if (check.type != "name") {
    return absl::StrCat(prefix, "; no ip addresses allowed");
  }
  if (!check.error.empty() || check.port) {
    return absl::StrCat(prefix, "; no port allowed");
  }
  return "";
}

const std::vector<std::string>& hashOnValues() {
  static const std::vector<std::string> values = {"none",   "consumer", "ip",        "header",
                                                  "cookie", "path",     "query_arg", "uri_capture"};
  return values;
}

std::vector<Field> upstreamFields(bool nested) {
  return {
      idField(),
      timestampField("created_at"),
      timestampField("updated_at"),
      Field{"name", stringCheck({errorRule(upstreamNameError)}), true},
      Field{"algorithm",
            stringCheck(
                {oneOf({"consistent-hashing", "least-connections", "round-robin", "latency"})}),
            false, "round-robin"},
      Field{"hash_on", stringCheck({oneOf(hashOnValues())}), false, "none"},
      Field{"hash_fallback", stringCheck({oneOf(hashOnValues())}), false, "none"},
      Field{"hash_on_header", stringCheck({tokenName("header")})},
      Field{"hash_fallback_header", stringCheck({tokenName("header")})},
      Field{"hash_on_cookie", stringCheck({tokenName("cookie")})},
      Field{"hash_on_cookie_path", stringCheck({errorRule(servicePathError)}), false, "/"},
      Field{"hash_on_query_arg", stringCheck()},
      Field{"hash_fallback_query_arg", stringCheck()},
      Field{"hash_on_uri_capture", stringCheck()},
      Field{"hash_fallback_uri_capture", stringCheck()},
      Field{"slots", integerCheck({{10, 65536}}), false, 10000},
      Field{"healthchecks", [](const nlohmann::json&) { return nlohmann::json(); }},
      tagsField(),
      Field{"host_header", stringCheck({errorRule(hostWithOptionalPortError)})},
      foreignField("client_certificate", nested),
      Field{"use_srv_name", booleanCheck(), false, false},
  };
}

// kong/db/schema/entities/upstreams.lua `shorthand_fields`: `algorithm` first (least-connections
// clears hash_on), then `hash_on` (a hash selects consistent-hashing, "none" round-robin).
void applyShorthands(nlohmann::json& upstream) {
  auto algorithm = upstream.find("algorithm");
  if (algorithm != upstream.end() && *algorithm == "least-connections") {
    upstream["hash_on"] = nullptr;
  }
  auto hash_on = upstream.find("hash_on");
  if (hash_on == upstream.end()) {
    return;
  }
  if (hash_on->is_null()) {
    *hash_on = "none";
  } else if (*hash_on == "none") {
    upstream["algorithm"] = "round-robin";
  } else if (hash_on->is_string()) {
    upstream["algorithm"] = "consistent-hashing";
  }
}

std::string stringOr(const nlohmann::json& record, const char* field) {
  auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The entity checks of upstreams.lua, in its order.
void checkHashing(const nlohmann::json& upstream, nlohmann::json& errors) {
  const std::string hash_on = stringOr(upstream, "hash_on");
  const std::string fallback = stringOr(upstream, "hash_fallback");
  auto conditional = [&](const char* if_field, const std::string& then_field,
                         const std::string& message) {
    if (!errors.contains(then_field)) {
      errors[then_field] = message;
    }
    addEntityError(errors, absl::StrCat("failed conditional validation given value of field '",
                                        if_field, "'"));
  };
  auto require = [&](const char* if_field, const std::string& value, const char* match,
                     const char* then_field) {
    if (value == match && !isSet(upstream, then_field)) {
      conditional(if_field, then_field, std::string(messages::kRequired));
    }
  };
  auto restrict = [&](const std::string& value, const char* match,
                      const std::vector<std::string>& allowed) {
    if (value != match) {
      return;
    }
    for (const auto& option : allowed) {
      if (fallback == option) {
        return;
      }
    }
    conditional("hash_on", "hash_fallback", absl::StrCat("expected one of: ", joinList(allowed)));
  };
  require("hash_on", hash_on, "header", "hash_on_header");
  require("hash_fallback", fallback, "header", "hash_fallback_header");
  require("hash_on", hash_on, "cookie", "hash_on_cookie");
  require("hash_fallback", fallback, "cookie", "hash_on_cookie");
  restrict(hash_on, "none", {"none"});
  restrict(hash_on, "cookie", {"none"});
  restrict(hash_on, "consumer", {"none", "ip", "header", "cookie", "path", "query_arg"});
  restrict(hash_on, "ip", {"none", "consumer", "header", "cookie", "path", "query_arg"});
  restrict(hash_on, "path", {"none", "consumer", "header", "cookie", "query_arg", "ip"});
  auto distinct = [&](const char* a, const char* b) {
    if (isSet(upstream, a) && isSet(upstream, b) && upstream[a] == upstream[b]) {
      addEntityError(errors,
                     absl::StrCat("values of these fields must be distinct: '", a, "', '", b, "'"));
    }
  };
  distinct("hash_on_header", "hash_fallback_header");
  require("hash_on", hash_on, "query_arg", "hash_on_query_arg");
  require("hash_fallback", fallback, "query_arg", "hash_fallback_query_arg");
  distinct("hash_on_query_arg", "hash_fallback_query_arg");
  require("hash_on", hash_on, "uri_capture", "hash_on_uri_capture");
  require("hash_fallback", fallback, "uri_capture", "hash_fallback_uri_capture");
  distinct("hash_on_uri_capture", "hash_fallback_uri_capture");
}

std::string targetError(const std::string& target) {
  if (checkHost(target).error.empty()) {
    return "";
  }
  return absl::StrCat("Invalid target ('", target, "'); not a valid hostname or ip address");
}

}  // namespace

nlohmann::json validateUpstream(nlohmann::json& upstream, const Placement& placement) {
  static const std::vector<Field> top_level = upstreamFields(false);
  static const std::vector<Field> nested = upstreamFields(true);
  applyShorthands(upstream);
  nlohmann::json errors = nlohmann::json::object();
  auto healthchecks = upstream.find("healthchecks");
  if (healthchecks == upstream.end() || healthchecks->is_null()) {
    upstream["healthchecks"] = nlohmann::json::object();
  }
  nlohmann::json healthcheck_errors = checkRecord(upstream["healthchecks"], healthchecksSpec());
  errors.update(checkFields(upstream, placement.parent_key.empty() ? top_level : nested,
                            placement.child_keys));
  if (!healthcheck_errors.is_null()) {
    errors["healthchecks"] = std::move(healthcheck_errors);
  }
  checkHashing(upstream, errors);
  return errors;
}

// kong/db/schema/entities/targets.lua: `upstream` is required unless the target nests in one.
nlohmann::json validateTarget(nlohmann::json& target, const Placement& placement) {
  return checkFields(target,
                     {
                         idField(),
                         Field{"created_at", numberCheck(0, 1e15)},
                         Field{"updated_at", numberCheck(0, 1e15)},
                         foreignField("upstream", !placement.parent_key.empty(), true),
                         Field{"target", stringCheck({errorRule(targetError)}), true},
                         Field{"weight", integerCheck({{0, 65535}}), false, 100},
                         tagsField(),
                     },
                     placement.child_keys);
}

}  // namespace portico::config::declarative
