#include "source/config/schema/field.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "source/config/schema/json_util.h"
#include "source/config/schema/record.h"

namespace portico::config::schema {
namespace {

bool isIntegral(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    return true;
  }
  const double number = value.get<double>();
  return std::isfinite(number) && number == std::floor(number);
}

// Lua has one number type, so Kong renders 5.0 as 5; storing integral numbers as integers keeps
// the rendered config identical.
void storeIntegralAsInteger(nlohmann::json& value) {
  constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
  if (value.is_number_float() && isIntegral(value) &&
      std::fabs(value.get<double>()) <= kExactIntegerLimit) {
    value = static_cast<int64_t>(value.get<double>());
  }
}

void dropDuplicates(nlohmann::json& array) {
  nlohmann::json unique = nlohmann::json::array();
  for (auto& element : array) {
    if (std::find(unique.begin(), unique.end(), element) == unique.end()) {
      unique.push_back(std::move(element));
    }
  }
  array = std::move(unique);
}

}  // namespace

Field::Field(FieldType type) : type_(type) {}

Field Field::string() { return Field(FieldType::kString); }
Field Field::number() { return Field(FieldType::kNumber); }
Field Field::integer() { return Field(FieldType::kInteger); }
Field Field::boolean() { return Field(FieldType::kBoolean); }

Field Field::array(const Field& elements) {
  Field field(FieldType::kArray);
  // Kong marks elements required: a null element is an error.
  field.elements_ = std::make_shared<const Field>(elements.required());
  return field;
}

Field Field::set(const Field& elements) {
  Field field = array(elements);
  field.type_ = FieldType::kSet;
  return field;
}

Field Field::record(Record fields) {
  Field field(FieldType::kRecord);
  field.record_ = std::make_shared<const Record>(std::move(fields));
  return field;
}

Field Field::defaultTo(nlohmann::json value) const {
  Field field = *this;
  field.default_ = std::move(value);
  return field;
}

Field Field::required() const {
  Field field = *this;
  field.required_ = true;
  return field;
}

Field Field::eq(nlohmann::json value) const {
  Field field = *this;
  field.eq_ = std::move(value);
  return field;
}

Field Field::gt(double limit) const {
  Field field = *this;
  field.gt_ = limit;
  return field;
}

Field Field::between(double low, double high) const {
  Field field = *this;
  field.between_ = {low, high};
  return field;
}

Field Field::oneOf(std::vector<std::string> options) const {
  Field field = *this;
  field.one_of_ = std::move(options);
  return field;
}

Field Field::lenMin(size_t length) const {
  Field field = *this;
  field.len_min_ = length;
  return field;
}

Field Field::startsWith(std::string prefix) const {
  Field field = *this;
  field.starts_with_ = std::move(prefix);
  return field;
}

Field Field::forbidSubstring(std::string substring, std::string message) const {
  Field field = *this;
  field.forbidden_substrings_.emplace_back(std::move(substring), std::move(message));
  return field;
}

Field Field::contains(std::string element) const {
  Field field = *this;
  field.contains_ = std::move(element);
  return field;
}

Field Field::check(ValueCheck check) const {
  Field field = *this;
  field.checks_.push_back(std::move(check));
  return field;
}

nlohmann::json Field::missingValue() const {
  if (default_.has_value()) {
    return *default_;
  }
  if (type_ == FieldType::kRecord) {
    return nlohmann::json::object();
  }
  return nullptr;
}

nlohmann::json Field::validate(nlohmann::json& value) const {
  if (eq_.has_value() && eq_->is_null()) {
    return value.is_null() ? nlohmann::json() : nlohmann::json("value must be null");
  }
  if (value.is_null()) {
    if (eq_.has_value()) {
      return "value must be " + displayValue(*eq_);
    }
    return required_ ? nlohmann::json("required field missing") : nlohmann::json();
  }
  nlohmann::json error = validateShape(value);
  if (!error.is_null()) {
    return error;
  }
  std::optional<std::string> message = validateConstraints(value);
  return message.has_value() ? nlohmann::json(*message) : nlohmann::json();
}

nlohmann::json Field::validateShape(nlohmann::json& value) const {
  switch (type_) {
    case FieldType::kString:
      return value.is_string() ? nlohmann::json() : nlohmann::json("expected a string");
    case FieldType::kNumber:
      if (!value.is_number()) {
        return "expected a number";
      }
      storeIntegralAsInteger(value);
      return nullptr;
    case FieldType::kInteger:
      if (!value.is_number() || !isIntegral(value)) {
        return "expected an integer";
      }
      storeIntegralAsInteger(value);
      return nullptr;
    case FieldType::kBoolean:
      return value.is_boolean() ? nlohmann::json() : nlohmann::json("expected a boolean");
    case FieldType::kArray:
    case FieldType::kSet:
      // Lua cannot tell `{}` from `[]`, so Kong takes an empty object for an empty array.
      if (value.is_object() && value.empty()) {
        value = nlohmann::json::array();
      }
      if (!value.is_array()) {
        return type_ == FieldType::kSet ? "expected a set" : "expected an array";
      }
      if (type_ == FieldType::kSet) {
        dropDuplicates(value);
      }
      return validateElements(value);
    case FieldType::kRecord:
      if (value.is_array() && value.empty()) {
        value = nlohmann::json::object();
      }
      if (!value.is_object()) {
        return "expected a record";
      }
      return record_->validate(value);
  }
  return nullptr;
}

nlohmann::json Field::validateElements(nlohmann::json& value) const {
  nlohmann::json errors = nlohmann::json::array();
  for (size_t i = 0; i < value.size(); ++i) {
    nlohmann::json error = elements_->validate(value[i]);
    if (!error.is_null()) {
      while (errors.size() < i) {
        errors.push_back(nullptr);
      }
      errors.push_back(std::move(error));
    }
  }
  return errors.empty() ? nlohmann::json() : errors;
}

std::optional<std::string> Field::validateConstraints(const nlohmann::json& value) const {
  if (eq_.has_value() && value != *eq_) {
    return "value must be " + displayValue(*eq_);
  }
  if (!one_of_.empty() &&
      (!value.is_string() || std::find(one_of_.begin(), one_of_.end(),
                                       value.get_ref<const std::string&>()) == one_of_.end())) {
    return "expected one of: " + absl::StrJoin(one_of_, ", ");
  }
  if (gt_.has_value() && !(value.get<double>() > *gt_)) {
    return "value must be greater than " + formatNumber(*gt_);
  }
  if (between_.has_value() &&
      (value.get<double>() < between_->first || value.get<double>() > between_->second)) {
    return absl::StrCat("value should be between ", formatNumber(between_->first), " and ",
                        formatNumber(between_->second));
  }
  // Kong refuses empty strings unless a field says otherwise.
  const size_t len_min = len_min_.value_or(type_ == FieldType::kString ? 1 : 0);
  const size_t length = value.is_string() ? value.get_ref<const std::string&>().size()
                                          : (value.is_array() ? value.size() : len_min);
  if (length < len_min) {
    return absl::StrCat("length must be at least ", len_min);
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (starts_with_.has_value() && !absl::StartsWith(text, *starts_with_)) {
      return "should start with: " + *starts_with_;
    }
    for (const auto& [substring, message] : forbidden_substrings_) {
      if (absl::StrContains(text, substring)) {
        return message;
      }
    }
  }
  if (contains_.has_value() && value.is_array() &&
      std::find(value.begin(), value.end(), nlohmann::json(*contains_)) == value.end()) {
    return "expected to contain: " + *contains_;
  }
  for (const ValueCheck& check : checks_) {
    std::optional<std::string> message = check(value);
    if (message.has_value()) {
      return message;
    }
  }
  return std::nullopt;
}

}  // namespace portico::config::schema
