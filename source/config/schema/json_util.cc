#include "source/config/schema/json_util.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace portico::config::schema {

std::vector<std::string> splitPath(std::string_view dotted) {
  // Debian's absl predates std::string_view interop.
  return absl::StrSplit(absl::string_view(dotted.data(), dotted.size()), '.');
}

const nlohmann::json* findPath(const nlohmann::json& root, const std::vector<std::string>& path) {
  const nlohmann::json* node = &root;
  for (const std::string& name : path) {
    if (!node->is_object()) {
      return nullptr;
    }
    auto it = node->find(name);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
  }
  return node;
}

const nlohmann::json* findPath(const nlohmann::json& root, std::string_view dotted) {
  return findPath(root, splitPath(dotted));
}

bool assignPath(nlohmann::json& root, const std::vector<std::string>& path, nlohmann::json value) {
  const nlohmann::json* probe = &root;
  for (size_t i = 0; i < path.size() && probe != nullptr && !probe->is_null(); ++i) {
    if (!probe->is_object()) {
      return false;
    }
    auto it = probe->find(path[i]);
    probe = (i + 1 < path.size() && it != probe->end()) ? &*it : nullptr;
  }
  nlohmann::json* node = &root;
  for (const std::string& name : path) {
    if (node->is_null()) {
      *node = nlohmann::json::object();
    }
    node = &(*node)[name];
  }
  *node = std::move(value);
  return true;
}

bool isNonEmpty(const nlohmann::json* value) {
  if (value == nullptr || value->is_null()) {
    return false;
  }
  if (value->is_string()) {
    return !value->get_ref<const std::string&>().empty();
  }
  if (value->is_array() || value->is_object()) {
    return !value->empty();
  }
  return true;
}

std::string formatNumber(double number) {
  if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 1e15) {
    return absl::StrCat(static_cast<long long>(number));
  }
  return absl::StrFormat("%.14g", number);
}

std::string displayValue(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_number()) {
    return formatNumber(value.get<double>());
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "true" : "false";
  }
  if (value.is_null()) {
    return "null";
  }
  return value.dump();
}

std::string quotedList(const std::vector<std::string>& names) {
  return absl::StrJoin(names, ", ", [](std::string* out, const std::string& name) {
    absl::StrAppend(out, "'", name, "'");
  });
}

}  // namespace portico::config::schema
