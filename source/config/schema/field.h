#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::config::schema {

class Record;

enum class FieldType { kString, kNumber, kInteger, kBoolean, kArray, kSet, kRecord };

// A check on a value that already has its field's type; returns the error message on failure.
using ValueCheck = std::function<std::optional<std::string>(const nlohmann::json& value)>;

// One field of a Kong schema: a type plus the attributes Kong's validator understands (default,
// required, gt, between, one_of, len_min, starts_with, match_none, contains, custom_validator).
// Built declaratively; every builder returns a modified copy:
//   Field::number().defaultTo(0).between(0, 31536000)
class Field {
 public:
  static Field string();
  static Field number();
  static Field integer();
  static Field boolean();
  static Field array(const Field& elements);
  static Field set(const Field& elements);
  static Field record(Record fields);

  Field defaultTo(nlohmann::json value) const;
  Field required() const;
  Field eq(nlohmann::json value) const;
  Field gt(double limit) const;
  Field between(double low, double high) const;
  Field oneOf(std::vector<std::string> options) const;
  Field lenMin(size_t length) const;
  Field startsWith(std::string prefix) const;
  // Kong's match_none: values containing `substring` fail with `message`.
  Field forbidSubstring(std::string substring, std::string message) const;
  Field contains(std::string element) const;
  // Kong's custom_validator; runs last, and only on values that passed everything else.
  Field check(ValueCheck check) const;

  // The value an absent field takes: a copy of its default, an expanded record (records are always
  // rendered with their own defaults), or null.
  nlohmann::json missingValue() const;

  // Validates `value`, normalising it in place (record defaults filled, set duplicates dropped,
  // integral numbers stored as integers). Returns Kong's error for it (a message, an object of
  // field errors for a record, an array of per-element errors for an array or set) or null.
  nlohmann::json validate(nlohmann::json& value) const;

  // The record schema of a record field, or nullptr.
  const Record* recordSchema() const { return record_.get(); }

 private:
  explicit Field(FieldType type);

  // Returns the type error or the nested errors of an aggregate.
  nlohmann::json validateShape(nlohmann::json& value) const;
  nlohmann::json validateElements(nlohmann::json& value) const;
  std::optional<std::string> validateConstraints(const nlohmann::json& value) const;

  FieldType type_;
  bool required_ = false;
  std::optional<nlohmann::json> default_;
  std::optional<nlohmann::json> eq_;
  std::optional<double> gt_;
  std::optional<std::pair<double, double>> between_;
  std::vector<std::string> one_of_;
  std::optional<size_t> len_min_;
  std::optional<std::string> starts_with_;
  std::vector<std::pair<std::string, std::string>> forbidden_substrings_;
  std::optional<std::string> contains_;
  std::vector<ValueCheck> checks_;
  std::shared_ptr<const Field> elements_;
  std::shared_ptr<const Record> record_;
};

}  // namespace portico::config::schema
