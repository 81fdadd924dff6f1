#include "source/config/schema/entity_check.h"

#include <algorithm>

#include "source/config/schema/field.h"
#include "source/config/schema/json_util.h"
#include "source/config/schema/record.h"

namespace portico::config::schema {
namespace {

// The schema of `name` with the match's constraints layered on top, as Kong's conditional checker
// does with a metatable.
Field constrain(const Field& field, const Match& match) {
  Field constrained = field;
  if (match.eq.has_value()) {
    constrained = constrained.eq(*match.eq);
  }
  if (match.gt.has_value()) {
    constrained = constrained.gt(*match.gt);
  }
  if (match.contains.has_value()) {
    constrained = constrained.contains(*match.contains);
  }
  if (match.required) {
    constrained = constrained.required();
  }
  return constrained;
}

void addEntityError(nlohmann::json& errors, std::string message) {
  nlohmann::json& entity_errors = errors["@entity"];
  if (!entity_errors.is_array()) {
    entity_errors = nlohmann::json::array();
  }
  entity_errors.push_back(std::move(message));
}

}  // namespace

EntityCheck::EntityCheck(Kind kind, std::vector<std::string> fields)
    : kind_(kind), fields_(std::move(fields)) {}

EntityCheck EntityCheck::atLeastOneOf(std::vector<std::string> fields) {
  return EntityCheck(Kind::kAtLeastOneOf, std::move(fields));
}

EntityCheck EntityCheck::mutuallyRequired(std::vector<std::string> fields) {
  return EntityCheck(Kind::kMutuallyRequired, std::move(fields));
}

EntityCheck EntityCheck::conditional(std::string if_field, Match if_match, std::string then_field,
                                     Match then_match) {
  EntityCheck check(Kind::kConditional, {std::move(if_field), std::move(then_field)});
  check.if_match_ = std::move(if_match);
  check.then_match_ = std::move(then_match);
  return check;
}

EntityCheck EntityCheck::custom(std::vector<std::string> field_sources, CustomCheck check) {
  EntityCheck entity_check(Kind::kCustom, std::move(field_sources));
  entity_check.custom_ = std::move(check);
  return entity_check;
}

bool EntityCheck::runsWithMissingFields() const {
  return kind_ == Kind::kAtLeastOneOf || kind_ == Kind::kMutuallyRequired;
}

bool EntityCheck::runsWithInvalidFields() const {
  return kind_ == Kind::kAtLeastOneOf || kind_ == Kind::kConditional;
}

bool EntityCheck::isRequiredField(const std::string& name) const {
  // A conditional only needs its if_field; the other checkers need every field they name.
  return kind_ != Kind::kConditional || name == fields_.front();
}

void EntityCheck::run(const Record& record, const nlohmann::json& entity,
                      nlohmann::json& errors) const {
  std::vector<std::string> missing;
  bool all_missing = true;
  bool all_valid = true;
  for (const std::string& name : fields_) {
    if (findPath(entity, name) == nullptr) {
      if (!runsWithMissingFields() && isRequiredField(name)) {
        missing.push_back(name);
      }
    } else {
      all_missing = false;
    }
    // Kong looks the dotted name up as a flat key, so only top-level field errors count here.
    if (errors.contains(name)) {
      all_valid = false;
    }
  }
  if ((!all_valid && !runsWithInvalidFields()) || (all_missing && !runsWithMissingFields())) {
    return;
  }
  if (!missing.empty()) {
    for (const std::string& name : missing) {
      assignPath(errors, splitPath(name), "field required for entity check");
    }
    return;
  }
  std::optional<std::string> failure = evaluate(record, entity, errors);
  if (failure.has_value()) {
    addEntityError(errors, std::move(*failure));
  }
}

std::optional<std::string> EntityCheck::evaluate(const Record& record, const nlohmann::json& entity,
                                                 nlohmann::json& errors) const {
  switch (kind_) {
    case Kind::kAtLeastOneOf:
      if (std::any_of(fields_.begin(), fields_.end(), [&](const std::string& name) {
            return isNonEmpty(findPath(entity, name));
          })) {
        return std::nullopt;
      }
      return "at least one of these fields must be non-empty: " + quotedList(fields_);
    case Kind::kMutuallyRequired: {
      const auto set = std::count_if(fields_.begin(), fields_.end(), [&](const std::string& name) {
        return isNonEmpty(findPath(entity, name));
      });
      if (set == 0 || static_cast<size_t>(set) == fields_.size()) {
        return std::nullopt;
      }
      return "all or none of these fields must be set: " + quotedList(fields_);
    }
    case Kind::kConditional:
      return evaluateConditional(record, entity, errors);
    case Kind::kCustom:
      return custom_(entity);
  }
  return std::nullopt;
}

std::optional<std::string> EntityCheck::evaluateConditional(const Record& record,
                                                            const nlohmann::json& entity,
                                                            nlohmann::json& errors) const {
  const std::string& if_field = fields_[0];
  const std::string& then_field = fields_[1];
  const Field* if_schema = record.find(if_field);
  const Field* then_schema = record.find(then_field);
  if (if_schema == nullptr || then_schema == nullptr) {
    return std::nullopt;
  }
  nlohmann::json if_value = *findPath(entity, if_field);
  if (!constrain(*if_schema, if_match_).validate(if_value).is_null()) {
    return std::nullopt;
  }
  const nlohmann::json* found = findPath(entity, then_field);
  nlohmann::json then_value = found == nullptr ? nlohmann::json() : *found;
  nlohmann::json error = constrain(*then_schema, then_match_).validate(then_value);
  if (error.is_null()) {
    return std::nullopt;
  }
  assignPath(errors, splitPath(then_field), std::move(error));
  return "failed conditional validation given value of field '" + if_field + "'";
}

}  // namespace portico::config::schema
