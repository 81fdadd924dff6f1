#include "source/config/declarative/document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace portico::config::declarative {
namespace {

constexpr char kParseFailure[] = "failed parsing declarative configuration";

std::string escapePointerToken(const std::string& token) {
  return absl::StrReplaceAll(token, {{"~", "~0"}, {"/", "~1"}});
}

bool isOneOf(const std::string& text, std::initializer_list<std::string_view> options) {
  for (std::string_view option : options) {
    if (text == option) {
      return true;
    }
  }
  return false;
}

// Plain scalars are typed by the YAML 1.1 rules libyaml/lyaml apply (null, booleans including
// yes/no/on/off, integers, floats); quoted or explicitly tagged ones stay strings.
nlohmann::json plainScalar(const std::string& text) {
  if (isOneOf(text, {"", "~", "null", "Null", "NULL"})) {
    return nullptr;
  }
  if (isOneOf(text, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) {
    return true;
  }
  if (isOneOf(text, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) {
    return false;
  }
  std::string digits = absl::StrReplaceAll(text, {{"_", ""}});
  int64_t integer = 0;
  if (absl::StartsWith(digits, "0x") || absl::StartsWith(digits, "0X")) {
    if (absl::SimpleHexAtoi(digits.substr(2), &integer)) {
      return integer;
    }
  } else if (!digits.empty() && digits.find_first_not_of("+-0123456789") == std::string::npos &&
             absl::SimpleAtoi(digits, &integer)) {
    return integer;
  }
  if (isOneOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return std::numeric_limits<double>::infinity();
  }
  if (isOneOf(text, {"-.inf", "-.Inf", "-.INF"})) {
    return -std::numeric_limits<double>::infinity();
  }
  double number = 0;
  if (!digits.empty() && digits.find_first_not_of("+-.0123456789eE") == std::string::npos &&
      digits.find_first_of("0123456789") != std::string::npos &&
      absl::SimpleAtod(digits, &number)) {
    return number;
  }
  return text;
}

class YamlConverter {
 public:
  // `lines` null: no line tracking, and no pointers built. `max_nodes` bounds what aliases may
  // expand the text into.
  YamlConverter(std::map<std::string, int>* lines, size_t max_nodes)
      : lines_(lines), max_nodes_(max_nodes) {}

  // Throws YAML::Exception for an alias to a node that contains it (it would expand forever) and
  // past `max_nodes` (a few hundred bytes of nested aliases expand into billions of nodes).
  nlohmann::json convert(const YAML::Node& node, const std::string& pointer) {
    if (++converted_ > max_nodes_) {
      throw YAML::Exception(YAML::Mark::null_mark(),
                            absl::StrCat("the document expands into more than ", max_nodes_,
                                         " nodes through its aliases"));
    }
    if (lines_ != nullptr && node.Mark().line >= 0) {
      lines_->emplace(pointer, node.Mark().line + 1);
    }
    // Only a collection can contain itself through an alias.
    std::optional<Enter> entered;
    if (node.IsMap() || node.IsSequence()) {
      entered.emplace(*this, node);
    }
    return convertByType(node, pointer);
  }

 private:
  // Marks `node` as being converted for as long as it lives.
  class Enter {
   public:
    Enter(YamlConverter& converter, const YAML::Node& node) : converter_(converter) {
      for (const YAML::Node& ancestor : converter_.ancestors_) {
        if (ancestor.is(node)) {
          throw YAML::Exception(node.Mark(), "an alias refers to a node that contains it");
        }
      }
      converter_.ancestors_.push_back(node);
    }
    ~Enter() { converter_.ancestors_.pop_back(); }
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;

   private:
    YamlConverter& converter_;
  };

  nlohmann::json convertByType(const YAML::Node& node, const std::string& pointer) {
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        if (node.Tag() == "?") {
          return plainScalar(node.Scalar());
        }
        return node.Scalar();
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (size_t i = 0; i < node.size(); ++i) {
          array.push_back(convert(node[i], childPointer(pointer, absl::StrCat(i))));
        }
        return array;
      }
      case YAML::NodeType::Map:
        return convertMap(node, pointer);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
    }
    return nullptr;
  }

  std::string childPointer(const std::string& pointer, const std::string& token) const {
    return lines_ != nullptr ? absl::StrCat(pointer, "/", token) : std::string();
  }

  nlohmann::json convertMap(const YAML::Node& node, const std::string& pointer) {
    nlohmann::json object = nlohmann::json::object();
    std::vector<YAML::Node> merges;
    for (const auto& entry : node) {
      std::string key = entry.first.IsScalar() ? entry.first.Scalar() : YAML::Dump(entry.first);
      if (key == "<<" && entry.first.Tag() == "?") {
        merges.push_back(entry.second);
        continue;
      }
      object[key] = convert(entry.second, childPointer(pointer, escapePointerToken(key)));
    }
    // YAML merge keys (`<<: *base`): explicit keys win over merged ones.
    for (const YAML::Node& merge : merges) {
      std::vector<YAML::Node> sources;
      if (merge.IsSequence()) {
        for (const auto& item : merge) {
          sources.push_back(item);
        }
      } else {
        sources.push_back(merge);
      }
      for (const YAML::Node& source : sources) {
        if (!source.IsMap()) {
          continue;
        }
        Enter entered(*this, source);
        nlohmann::json merged = convertMap(source, pointer);
        for (auto& [key, value] : merged.items()) {
          if (!object.contains(key)) {
            object[key] = value;
          }
        }
      }
    }
    return object;
  }

  std::map<std::string, int>* lines_;
  const size_t max_nodes_;
  size_t converted_ = 0;
  std::vector<YAML::Node> ancestors_;  // the collections being converted, outermost first
};

// Room for merge keys reusing an anchor many times over, not for exponential alias nesting.
size_t maxNodesFor(std::string_view text) { return std::max<size_t>(100'000, 16 * text.size()); }

absl::StatusOr<Document> parseYaml(std::string_view text, LineTracking lines) {
  Document document;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    YamlConverter converter(lines == LineTracking::kOn ? &document.lines : nullptr,
                            maxNodesFor(text));
    document.tree = converter.convert(root, "");
  } catch (const YAML::Exception& e) {
    std::string reason = e.what();
    if (absl::StartsWith(reason, "yaml-cpp: ")) {
      reason = reason.substr(10);
    }
    return absl::InvalidArgumentError(absl::StrCat(kParseFailure, ": ", reason));
  }
  if (!document.tree.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(kParseFailure, ": expected an object"));
  }
  return document;
}

absl::StatusOr<Document> parseJson(std::string_view text) {
  Document document;
  try {
    document.tree = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    size_t tag_end = reason.find("] ");
    if (tag_end != std::string::npos) {
      reason = reason.substr(tag_end + 2);
    }
    return absl::InvalidArgumentError(absl::StrCat(kParseFailure, ": ", reason));
  }
  if (!document.tree.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(kParseFailure, ": expected an object"));
  }
  return document;
}

}  // namespace

int Document::lineOf(std::string pointer) const {
  while (true) {
    auto it = lines.find(pointer);
    if (it != lines.end()) {
      return it->second;
    }
    if (pointer.empty()) {
      return 0;
    }
    pointer.erase(pointer.rfind('/'));
  }
}

absl::StatusOr<Document> parseDocument(std::string_view text, InputFormat format,
                                       LineTracking lines) {
  switch (format) {
    case InputFormat::Json:
      return parseJson(text);
    case InputFormat::Yaml:
      return parseYaml(text, lines);
    case InputFormat::Auto: {
      absl::StatusOr<Document> json = parseJson(text);
      if (json.ok()) {
        return json;
      }
      return parseYaml(text, lines);
    }
  }
  return parseYaml(text, lines);
}

absl::StatusOr<InputFormat> formatForFile(std::string_view file) {
  absl::string_view file_name(file.data(), file.size());
  if (absl::EndsWith(file_name, "json")) {
    return InputFormat::Json;
  }
  if (absl::EndsWith(file_name, "yml") || absl::EndsWith(file_name, "yaml")) {
    return InputFormat::Yaml;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown file type: ", file_name, ". (Accepted types: json, yaml)"));
}

}  // namespace portico::config::declarative
