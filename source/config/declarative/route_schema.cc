#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/declarative/host_check.h"
#include "source/config/declarative/paths.h"

namespace portico::config::declarative {
namespace {

StringRule fromError(std::string (*check)(const std::string&)) {
  return [check](const std::string& value) -> std::optional<std::string> {
    std::string error = check(value);
    return error.empty() ? std::nullopt : std::optional<std::string>(error);
  };
}

StringRule upperCaseMethod() {
  return [](const std::string& method) -> std::optional<std::string> {
    for (char c : method) {
      if (!std::isupper(static_cast<unsigned char>(c))) {
        return absl::StrCat("invalid value: ", method);
      }
    }
    return std::nullopt;
  };
}

// A set of known protocols from at most one of Kong's `mutually_exclusive_subsets`.
ValueCheck protocolsCheck() {
  ValueCheck elements = arrayCheck(stringCheck({oneOf(allProtocols())}), true, 1);
  return [elements](const nlohmann::json& value) -> nlohmann::json {
    nlohmann::json error = elements(value);
    if (!error.is_null()) {
      return error;
    }
    static const std::vector<std::vector<std::string>> kSubsets = {
        {"http", "https"}, {"tcp", "tls", "udp"}, {"tls_passthrough"}, {"grpc", "grpcs"}};
    std::vector<const std::vector<std::string>*> used;
    for (const auto& protocol : value) {
      for (const auto& subset : kSubsets) {
        bool member = std::find(subset.begin(), subset.end(), protocol) != subset.end();
        if (member && std::find(used.begin(), used.end(), &subset) == used.end()) {
          used.push_back(&subset);
        }
      }
    }
    if (used.size() > 1) {
      return absl::StrCat("these sets are mutually exclusive: (", quotedList(*used[0]), "), (",
                          quotedList(*used[1]), ")");
    }
    return nullptr;
  };
}

ValueCheck headersCheck() {
  return [](const nlohmann::json& value) -> nlohmann::json {
    if (!value.is_object()) {
      return messages::kExpectedMap;
    }
    nlohmann::json errors;
    ValueCheck values_check = arrayCheck(stringCheck());
    for (const auto& [name, values] : value.items()) {
      if (absl::AsciiStrToLower(name) == "host") {
        errors[name] =
            "cannot contain 'host' header, which must be specified in the 'hosts' "
            "attribute";
        continue;
      }
      bool valid_name = !name.empty();
      for (char c : name) {
        valid_name =
            valid_name && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
      }
      if (!valid_name) {
        errors[name] = name.empty() ? std::string("no header name provided")
                                    : absl::StrCat("bad header name '", name,
                                                   "', allowed characters are A-Z, a-z, 0-9, '_', "
                                                   "and '-'");
        continue;
      }
      nlohmann::json error = values.is_null() ? nlohmann::json() : values_check(values);
      if (!error.is_null()) {
        errors[name] = std::move(error);
      }
    }
    return errors;
  };
}

ValueCheck endpointsCheck() {
  return arrayCheck(
      [](const nlohmann::json& value) -> nlohmann::json {
        if (!value.is_object()) {
          return messages::kExpectedRecord;
        }
        nlohmann::json record = value;
        nlohmann::json errors = checkFields(
            record, {Field{"ip", stringCheck()}, Field{"port", integerCheck({{0, 65535}})}}, {});
        if (errors.empty() && !isSet(record, "ip") && !isSet(record, "port")) {
          addEntityError(errors, "at least one of these fields must be non-empty: 'ip', 'port'");
        }
        return errors.empty() ? nlohmann::json() : errors;
      },
      true);
}

std::vector<Field> buildRouteFields(bool nested) {
  nlohmann::json default_protocols = {"http", "https"};
  return {
      idField(),
      timestampField("created_at"),
      timestampField("updated_at"),
      Field{"name", stringCheck({utf8Name()})},
      Field{"protocols", protocolsCheck(), true, default_protocols},
      Field{"methods", arrayCheck(stringCheck({upperCaseMethod()}), true)},
      Field{"hosts", arrayCheck(stringCheck({fromError(routeHostError)}))},
      Field{"paths", arrayCheck(stringCheck({fromError(routePathError)}))},
      Field{"headers", headersCheck()},
      Field{"https_redirect_status_code", integerOneOf({426, 301, 302, 307, 308}), true, 426},
      Field{"regex_priority", integerCheck(), false, 0},
      Field{"strip_path", booleanCheck(), true, true},
      Field{"path_handling", stringCheck({oneOf({"v0", "v1"})}), false, "v0"},
      Field{"preserve_host", booleanCheck(), true, false},
      Field{"request_buffering", booleanCheck(), true, true},
      Field{"response_buffering", booleanCheck(), true, true},
      Field{"snis", arrayCheck(stringCheck({fromError(sniError)}), true)},
      Field{"sources", endpointsCheck()},
      Field{"destinations", endpointsCheck()},
      tagsField(),
      foreignField("service", nested),
  };
}

// Built once per placement: building the checks for every route took 5% of loading 10,000.
const std::vector<Field>& routeFields(const Placement& placement) {
  static const std::vector<Field> top_level = buildRouteFields(false);
  static const std::vector<Field> nested = buildRouteFields(true);
  return placement.parent_key.empty() ? top_level : nested;
}

bool contains(const nlohmann::json& list, const char* item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void requireNull(const nlohmann::json& route, nlohmann::json& errors, const char* field,
                 std::string message) {
  if (!errors.contains(field) && route.contains(field) && !route[field].is_null()) {
    errors[field] = std::move(message);
  }
}

void checkAtLeastOne(const nlohmann::json& route, nlohmann::json& errors,
                     const std::vector<std::string>& fields, const std::string& protocol) {
  for (const auto& field : fields) {
    if (isSet(route, field)) {
      return;
    }
  }
  addEntityError(errors, absl::StrCat("must set one of ", quotedList(fields),
                                      " when 'protocols' is '", protocol, "'"));
}

// kong/db/schema/entities/routes_subschemas.lua: the first protocol picks the rules.
void checkSubschema(const nlohmann::json& route, nlohmann::json& errors) {
  const nlohmann::json& protocols = route["protocols"];
  if (errors.contains("protocols") || !protocols.is_array() || protocols.empty()) {
    return;
  }
  std::string first = protocols[0];
  if (first == "http" || first == "https") {
    requireNull(route, errors, "sources", std::string(messages::kMustBeNull));
    requireNull(route, errors, "destinations", std::string(messages::kMustBeNull));
    if (contains(protocols, "https")) {
      checkAtLeastOne(route, errors, {"methods", "hosts", "headers", "paths", "snis"}, "https");
    } else {
      checkAtLeastOne(route, errors, {"methods", "hosts", "headers", "paths"}, "http");
    }
  } else if (first == "grpc" || first == "grpcs") {
    requireNull(route, errors, "methods",
                "cannot set 'methods' when 'protocols' is 'grpc' or "
                "'grpcs'");
    requireNull(route, errors, "sources", std::string(messages::kMustBeNull));
    requireNull(route, errors, "destinations", std::string(messages::kMustBeNull));
    if (contains(protocols, "grpcs")) {
      checkAtLeastOne(route, errors, {"hosts", "headers", "paths", "snis"}, "grpcs");
    } else {
      checkAtLeastOne(route, errors, {"hosts", "headers", "paths"}, "grpc");
    }
  } else if (first == "tls_passthrough") {
    if (!isSet(route, "snis")) {
      addEntityError(errors, "must set snis when 'protocols' is 'tls_passthrough'");
    }
  } else {
    for (const char* field : {"methods", "hosts", "paths", "headers"}) {
      requireNull(route, errors, field,
                  absl::StrCat("cannot set '", field,
                               "' when 'protocols' is 'tcp', 'tls' or "
                               "'udp'"));
    }
    for (const auto& field : {"sources", "destinations", "snis"}) {
      if (isSet(route, field)) {
        return;
      }
    }
    addEntityError(errors,
                   "must set one of 'sources', 'destinations', 'snis' when 'protocols' "
                   "is 'tcp', 'tls' or 'udp'");
  }
}

}  // namespace

nlohmann::json validateRoute(nlohmann::json& route, const Placement& placement) {
  nlohmann::json errors = checkFields(route, routeFields(placement), placement.child_keys);
  checkSubschema(route, errors);
  return errors;
}

}  // namespace portico::config::declarative
