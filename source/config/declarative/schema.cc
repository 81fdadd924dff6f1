#include "source/config/declarative/schema.h"

#include <cctype>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "source/config/declarative/ids.h"

namespace portico::config::declarative {
namespace {

bool isAsciiNameChar(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~';
}

// Position (1-based, as Kong reports it) of the first byte of an invalid UTF-8 sequence, or 0.
size_t invalidUtf8Position(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    if (c >= 0x80) {
      if ((c >> 5) == 0x6) {
        extra = 1;
      } else if ((c >> 4) == 0xe) {
        extra = 2;
      } else if ((c >> 3) == 0x1e) {
        extra = 3;
      } else {
        return i + 1;
      }
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) {
        return i + 1;
      }
    }
    i += extra + 1;
  }
  return 0;
}

}  // namespace

bool isInteger(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    return true;
  }
  return value.is_number_float() && std::isfinite(value.get<double>()) &&
         std::floor(value.get<double>()) == value.get<double>();
}

std::string joinList(const std::vector<std::string>& items) { return absl::StrJoin(items, ", "); }

std::string quotedList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& item : items) {
    quoted.push_back(absl::StrCat("'", item, "'"));
  }
  return absl::StrJoin(quoted, ", ");
}

ValueCheck stringCheck(std::vector<StringRule> rules) {
  return [rules = std::move(rules)](const nlohmann::json& value) -> nlohmann::json {
    if (!value.is_string()) {
      return messages::kExpectedString;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty()) {
      return "length must be at least 1";
    }
    for (const auto& rule : rules) {
      if (auto error = rule(text)) {
        return *error;
      }
    }
    return nullptr;
  };
}

ValueCheck integerCheck(std::optional<std::pair<int64_t, int64_t>> between) {
  return [between](const nlohmann::json& value) -> nlohmann::json {
    if (!value.is_number() || !isInteger(value)) {
      return messages::kExpectedInteger;
    }
    double number = value.get<double>();
    if (between && (number < between->first || number > between->second)) {
      return absl::StrCat("value should be between ", between->first, " and ", between->second);
    }
    return nullptr;
  };
}

ValueCheck integerOneOf(std::vector<int64_t> options) {
  return [options = std::move(options)](const nlohmann::json& value) -> nlohmann::json {
    if (!value.is_number() || !isInteger(value)) {
      return messages::kExpectedInteger;
    }
    for (int64_t option : options) {
      if (value.get<double>() == static_cast<double>(option)) {
        return nullptr;
      }
    }
    return absl::StrCat("expected one of: ", absl::StrJoin(options, ", "));
  };
}

ValueCheck booleanCheck() {
  return [](const nlohmann::json& value) -> nlohmann::json {
    return value.is_boolean() ? nlohmann::json() : nlohmann::json(messages::kExpectedBoolean);
  };
}

ValueCheck arrayCheck(ValueCheck element, bool set, size_t len_min) {
  return [element = std::move(element), set, len_min](const nlohmann::json& value) {
    if (!value.is_array()) {
      return nlohmann::json(set ? messages::kExpectedSet : messages::kExpectedArray);
    }
    if (value.size() < len_min) {
      return nlohmann::json(absl::StrCat("length must be at least ", len_min));
    }
    nlohmann::json errors;
    for (size_t i = 0; i < value.size(); ++i) {
      nlohmann::json error =
          value[i].is_null() ? nlohmann::json(messages::kRequired) : element(value[i]);
      if (!error.is_null()) {
        setIndexError(errors, i, std::move(error));
      }
    }
    return errors;
  };
}

ValueCheck anyArrayCheck() {
  return [](const nlohmann::json& value) {
    return value.is_array() ? nlohmann::json() : nlohmann::json(messages::kExpectedArray);
  };
}

ValueCheck uuidCheck() {
  return [](const nlohmann::json& value) -> nlohmann::json {
    if (!value.is_string()) {
      return messages::kExpectedString;
    }
    return isValidUuid(value.get<std::string>()) ? nlohmann::json()
                                                 : nlohmann::json(messages::kExpectedUuid);
  };
}

ValueCheck tagsCheck() {
  StringRule tag_rule = [](const std::string& tag) -> std::optional<std::string> {
    if (size_t position = invalidUtf8Position(tag)) {
      return absl::StrCat("invalid utf-8 character sequence detected at position ", position);
    }
    for (unsigned char c : tag) {
      bool printable = c == ' ' || (c >= 33 && c <= 126 && c != ',' && c != '/') || c >= 128;
      if (!printable) {
        return absl::StrCat("invalid tag '", tag,
                            "': expected printable ascii (except `,` and `/`) or valid utf-8 "
                            "sequences");
      }
    }
    return std::nullopt;
  };
  return arrayCheck(stringCheck({tag_rule}), true);
}

StringRule oneOf(std::vector<std::string> options) {
  return [options = std::move(options)](const std::string& text) -> std::optional<std::string> {
    for (const auto& option : options) {
      if (text == option) {
        return std::nullopt;
      }
    }
    return absl::StrCat("expected one of: ", joinList(options));
  };
}

StringRule matchNone(std::string substring, std::string message) {
  return [substring = std::move(substring),
          message = std::move(message)](const std::string& text) -> std::optional<std::string> {
    if (text.find(substring) != std::string::npos) {
      return message;
    }
    return std::nullopt;
  };
}

StringRule startsWith(std::string prefix) {
  return [prefix = std::move(prefix)](const std::string& text) -> std::optional<std::string> {
    if (text.compare(0, prefix.size(), prefix) != 0) {
      return absl::StrCat("should start with: ", prefix);
    }
    return std::nullopt;
  };
}

StringRule utf8Name() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (size_t position = invalidUtf8Position(name)) {
      return absl::StrCat("invalid utf-8 character sequence detected at position ", position);
    }
    for (unsigned char c : name) {
      if (c < 128 && !isAsciiNameChar(c)) {
        return absl::StrCat("invalid value '", name,
                            "': the only accepted ascii characters are alphanumerics or ., -, _, "
                            "and ~");
      }
    }
    return std::nullopt;
  };
}

nlohmann::json checkFields(nlohmann::json& record, const std::vector<Field>& fields,
                           const std::set<std::string>& extra_keys) {
  nlohmann::json errors = nlohmann::json::object();
  for (auto& [key, value] : record.items()) {
    if (key == "_comment") {
      if (!value.is_string()) {
        errors[key] = messages::kExpectedString;
      }
      continue;
    }
    if (key == "_ignore") {
      if (!value.is_array()) {
        errors[key] = messages::kExpectedArray;
      }
      continue;
    }
    if (extra_keys.count(key) > 0) {
      continue;
    }
    bool known = false;
    for (const auto& field : fields) {
      known = known || field.name == key;
    }
    if (!known) {
      errors[key] = messages::kUnknownField;
    }
  }
  for (const auto& field : fields) {
    auto it = record.find(field.name);
    if (it == record.end()) {
      if (field.default_value) {
        record[field.name] = *field.default_value;
      } else if (field.required) {
        errors[field.name] = messages::kRequired;
      }
      continue;
    }
    if (it->is_null()) {
      if (field.required) {
        errors[field.name] = messages::kRequired;
      }
      continue;
    }
    if (field.must_be_null) {
      errors[field.name] = messages::kMustBeNull;
      continue;
    }
    nlohmann::json error = field.check(*it);
    if (!error.is_null()) {
      errors[field.name] = std::move(error);
    }
  }
  return errors;
}

void setIndexError(nlohmann::json& errors, size_t index, nlohmann::json error) {
  if (!errors.is_array()) {
    errors = nlohmann::json::array();
  }
  while (errors.size() <= index) {
    errors.push_back(nullptr);
  }
  errors[index] = std::move(error);
}

void addEntityError(nlohmann::json& errors, std::string message) {
  errors["@entity"].push_back(std::move(message));
}

}  // namespace portico::config::declarative
