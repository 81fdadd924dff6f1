#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// The messages of Kong's schema library (kong/db/schema/init.lua `validation_errors`).
namespace messages {
inline constexpr std::string_view kRequired = "required field missing";
inline constexpr std::string_view kUnknownField = "unknown field";
inline constexpr std::string_view kMustBeNull = "value must be null";
inline constexpr std::string_view kExpectedString = "expected a string";
inline constexpr std::string_view kExpectedInteger = "expected an integer";
inline constexpr std::string_view kExpectedBoolean = "expected a boolean";
inline constexpr std::string_view kExpectedArray = "expected an array";
inline constexpr std::string_view kExpectedSet = "expected a set";
inline constexpr std::string_view kExpectedMap = "expected a map";
inline constexpr std::string_view kExpectedRecord = "expected a record";
inline constexpr std::string_view kExpectedUuid = "expected a valid UUID";
}  // namespace messages

// Checks one non-null value. Returns null when it is valid, else its error: a string, or an
// array/object of nested errors in Kong's `fields` shape.
using ValueCheck = std::function<nlohmann::json(const nlohmann::json&)>;

// One more rule on a string that already is a non-empty string; returns the message on failure.
using StringRule = std::function<std::optional<std::string>(const std::string&)>;

// One field of an entity record.
struct Field {
  Field(std::string field_name, ValueCheck value_check, bool is_required = false,
        std::optional<nlohmann::json> default_json = std::nullopt)
      : name(std::move(field_name)),
        check(std::move(value_check)),
        required(is_required),
        default_value(std::move(default_json)) {}

  std::string name;
  ValueCheck check;
  bool required = false;
  // Filled in when the field is absent (Kong's `default`); an explicit null stays null.
  std::optional<nlohmann::json> default_value;
  // A foreign key the nesting already implies (Kong's `eq = null` on nested records).
  bool must_be_null = false;
};

// Value checks with Kong's wording.
ValueCheck stringCheck(std::vector<StringRule> rules = {});
ValueCheck integerCheck(std::optional<std::pair<int64_t, int64_t>> between = std::nullopt);
ValueCheck integerOneOf(std::vector<int64_t> options);
ValueCheck booleanCheck();
// `set = true` reports "expected a set" for a non-array. `len_min` counts elements.
ValueCheck arrayCheck(ValueCheck element, bool set = false, size_t len_min = 0);
ValueCheck anyArrayCheck();
ValueCheck uuidCheck();
ValueCheck tagsCheck();

// String rules.
StringRule oneOf(std::vector<std::string> options);
StringRule matchNone(std::string substring, std::string message);
StringRule startsWith(std::string prefix);
// Kong's `utf8_name` (service/route names, plugin instance names).
StringRule utf8Name();

// "a, b, c", and the quoted form "'a', 'b', 'c'" used by entity checks.
std::string joinList(const std::vector<std::string>& items);
std::string quotedList(const std::vector<std::string>& items);

bool isInteger(const nlohmann::json& value);

// Validates `record`'s fields: unknown keys (other than `_comment`, `_ignore` and `extra_keys`,
// which the caller checks itself), required fields, nested-parent keys, each value's check.
// Fills defaults into absent fields. Returns the errors keyed by field (an empty object if none).
nlohmann::json checkFields(nlohmann::json& record, const std::vector<Field>& fields,
                           const std::set<std::string>& extra_keys);

// Sets `errors[index] = error` in a Kong error array, padding earlier slots with null.
void setIndexError(nlohmann::json& errors, size_t index, nlohmann::json error);

// Appends `message` to `errors["@entity"]`.
void addEntityError(nlohmann::json& errors, std::string message);

}  // namespace portico::config::declarative
