#include "source/config/declarative/error_render.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "source/config/declarative/entity_types.h"
#include "source/config/declarative/ids.h"

namespace portico::config::declarative {
namespace {

std::string pointerToken(const std::string& token) {
  return absl::StrReplaceAll(token, {{"~", "~0"}, {"/", "~1"}});
}

void prettyPrint(const nlohmann::json& errors, const std::string& item, const std::string& indent,
                 const std::string& pointer, const std::map<std::string, int>& lines,
                 std::string_view source_name, std::vector<std::string>& out) {
  auto emit = [&](const std::string& pretty_key, const nlohmann::json& value,
                  const std::string& key, const std::string& child_pointer) {
    if (value.is_object() || value.is_array()) {
      out.push_back(absl::StrCat(indent, pretty_key, ":"));
      prettyPrint(value, key, indent + "  ", child_pointer, lines, source_name, out);
      return;
    }
    std::string line = absl::StrCat(indent, pretty_key, ": ",
                                    value.is_string() ? value.get<std::string>() : value.dump());
    auto known = lines.find(child_pointer);
    if (known != lines.end() && known->second > 0) {
      absl::StrAppend(&line, " (", std::string(source_name), ":", known->second, ")");
    }
    out.push_back(std::move(line));
  };
  if (errors.is_array()) {
    for (size_t i = 0; i < errors.size(); ++i) {
      if (!errors[i].is_null()) {
        emit(absl::StrCat("- in entry ", i + 1, " of '", item, "'"), errors[i],
             std::to_string(i + 1), absl::StrCat(pointer, "/", i));
      }
    }
    return;
  }
  for (const auto& [key, value] : errors.items()) {
    emit(absl::StrCat("in '", key, "'"), value, key, absl::StrCat(pointer, "/", pointerToken(key)));
  }
}

bool isLuaIdentifier(const std::string& key) {
  static const std::vector<std::string> kKeywords = {
      "and",      "break",  "do",   "else", "elseif", "end",  "false", "for",
      "function", "goto",   "if",   "in",   "local",  "nil",  "not",   "or",
      "repeat",   "return", "then", "true", "until",  "while"};
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return std::find(kKeywords.begin(), kKeywords.end(), key) == kKeywords.end();
}

// Penlight's quote_string: Lua `%q`, or a long bracket string for multi-line text.
std::string luaQuote(const std::string& text) {
  int longest_equals = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '[' && text[i] != ']') {
      continue;
    }
    size_t j = i + 1;
    while (j < text.size() && text[j] == '=') {
      ++j;
    }
    if (j < text.size() && text[j] == text[i]) {
      longest_equals = std::max(longest_equals, static_cast<int>(j - i - 1));
    }
  }
  if (text.find('\n') != std::string::npos || longest_equals >= 0) {
    std::string equals(static_cast<size_t>(longest_equals + 1), '=');
    std::string body = text[0] == '\n' ? "\n" + text : text;
    return absl::StrCat("[", equals, "[", body, "]", equals, "]");
  }
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      bool digit_follows =
          i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]));
      out += digit_follows ? absl::StrFormat("\\%03d", c) : absl::StrFormat("\\%d", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string luaKey(const std::string& key) {
  if (isLuaIdentifier(key)) {
    return key;
  }
  std::string quoted = luaQuote(key);
  return absl::StrCat("[", quoted[0] == '[' ? " " + quoted + " " : quoted, "]");
}

std::string luaScalar(const nlohmann::json& value) {
  if (value.is_string()) {
    return luaQuote(value.get<std::string>());
  }
  if (value.is_null()) {
    return "nil";
  }
  return value.dump();
}

// Flattening state for one POST /config error tree.
class ErrorFlattener {
 public:
  nlohmann::json run(const nlohmann::json& fields, const nlohmann::json& input,
                     nlohmann::json& remaining) {
    for (const auto& [type, section] : fields.items()) {
      auto entities = input.find(type);
      if (!(section.is_array() || section.is_object()) || entities == input.end() ||
          !(entities->is_array() || entities->is_object())) {
        remaining[type] = section;
        continue;
      }
      if (!section.is_array() || !entities->is_array()) {
        continue;
      }
      for (size_t i = 0; i < section.size(); ++i) {
        if (!section[i].is_null() && i < entities->size() && (*entities)[i].is_object()) {
          nlohmann::json entity = (*entities)[i];
          addEntityErrors(type, entity, section[i]);
        }
      }
    }
    return std::move(flattened_);
  }

 private:
  static std::string join(const std::string& ns, const std::string& field) {
    return ns.empty() ? field : absl::StrCat(ns, ".", field);
  }

  static void categorize(const nlohmann::json& errors, const std::string& ns, nlohmann::json& out) {
    auto add = [&](const std::string& field, const nlohmann::json& error) {
      if (field == "@entity") {
        for (const auto& message : error.is_array() ? error : nlohmann::json::array({error})) {
          out.push_back({{"type", "entity"}, {"message", message}});
        }
      } else if (error.is_string()) {
        out.push_back({{"type", "field"}, {"field", join(ns, field)}, {"message", error}});
      } else if (error.is_object() || error.is_array()) {
        categorize(error, join(ns, field), out);
      }
    };
    if (errors.is_array()) {
      for (size_t i = 0; i < errors.size(); ++i) {
        if (!errors[i].is_null()) {
          add(std::to_string(i + 1), errors[i]);
        }
      }
      return;
    }
    for (const auto& [field, error] : errors.items()) {
      add(field, error);
    }
  }

  void addEntityErrors(const std::string& type_name, nlohmann::json& entity,
                       nlohmann::json errors) {
    if (!errors.is_object() || errors.empty()) {
      return;
    }
    nlohmann::json primary_key;
    if (entity.contains("id") && entity["id"].is_string() &&
        isValidUuid(entity["id"].get<std::string>())) {
      primary_key = {{"id", entity["id"]}};
    }
    const EntityType* type = findEntityType(type_name);
    if (type != nullptr) {
      for (const auto& foreign_key : type->foreign_keys) {
        auto value = entity.find(foreign_key.field);
        if (value == entity.end() || !value->is_object()) {
          continue;
        }
        nlohmann::json referenced = *value;
        nlohmann::json field_errors = errors.value(foreign_key.field, nlohmann::json());
        errors.erase(foreign_key.field);
        if (referenced.contains("id") && referenced["id"].is_string() &&
            isValidUuid(referenced["id"].get<std::string>())) {
          *value = {{"id", referenced["id"]}};
        } else {
          entity.erase(foreign_key.field);
        }
        addEntityErrors(foreign_key.reference, referenced, field_errors);
      }
      for (const auto& child : type->children) {
        auto items = entity.find(child.type);
        if (items == entity.end() || !items->is_array()) {
          continue;
        }
        nlohmann::json children = *items;
        entity.erase(child.type);
        nlohmann::json child_errors = errors.value(child.type, nlohmann::json());
        errors.erase(child.type);
        if (!child_errors.is_array()) {
          continue;
        }
        for (size_t i = 0; i < children.size() && i < child_errors.size(); ++i) {
          if (!children[i].is_object()) {
            continue;
          }
          if (!children[i].contains(child.foreign_key) && !primary_key.is_null()) {
            children[i][child.foreign_key] = primary_key;
          }
          addEntityErrors(child.type, children[i], child_errors[i]);
        }
      }
    }
    if (errors.empty()) {
      return;
    }
    nlohmann::json entry = nlohmann::json::object();
    nlohmann::json messages = nlohmann::json::array();
    categorize(errors, "", messages);
    if (entity.contains("name") && entity["name"].is_string() &&
        !entity["name"].get<std::string>().empty()) {
      entry["entity_name"] = entity["name"];
    }
    if (!primary_key.is_null()) {
      entry["entity_id"] = primary_key["id"];
    }
    if (entity.contains("tags") && entity["tags"].is_array() &&
        std::all_of(entity["tags"].begin(), entity["tags"].end(),
                    [](const nlohmann::json& tag) { return tag.is_string(); })) {
      entry["entity_tags"] = entity["tags"];
    }
    std::string singular = type_name;
    if (!singular.empty() && singular.back() == 's') {
      singular.pop_back();
    }
    entry["entity_type"] = singular;
    entry["entity"] = entity;
    entry["errors"] = std::move(messages);
    flattened_.push_back(std::move(entry));
  }

  nlohmann::json flattened_ = nlohmann::json::array();
};

}  // namespace

std::string prettyPrintErrors(const nlohmann::json& fields, const std::map<std::string, int>& lines,
                              std::string_view source_name) {
  std::vector<std::string> out;
  prettyPrint(fields, "", "", "", lines, source_name, out);
  return absl::StrJoin(out, "\n");
}

std::string luaTable(const nlohmann::json& value) {
  if (!value.is_object() && !value.is_array()) {
    return luaScalar(value);
  }
  std::vector<std::string> parts;
  if (value.is_array()) {
    size_t i = 0;
    for (; i < value.size() && !value[i].is_null(); ++i) {
      parts.push_back(luaTable(value[i]));
    }
    for (; i < value.size(); ++i) {
      if (!value[i].is_null()) {
        parts.push_back(absl::StrCat("[", i + 1, "]=", luaTable(value[i])));
      }
    }
  } else {
    for (const auto& [key, item] : value.items()) {
      parts.push_back(absl::StrCat(luaKey(key), "=", luaTable(item)));
    }
  }
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

FlattenedErrors flattenErrors(const nlohmann::json& fields, const nlohmann::json& input) {
  FlattenedErrors result;
  if (fields.is_object() && input.is_object()) {
    result.flattened = ErrorFlattener().run(fields, input, result.remaining_fields);
  } else {
    result.remaining_fields = fields;
  }
  return result;
}

}  // namespace portico::config::declarative
