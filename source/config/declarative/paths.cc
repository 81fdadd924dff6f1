#include "source/config/declarative/paths.h"

#include <cctype>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "source/router/regex_syntax.h"
#include "source/router/uri_path.h"

namespace portico::config::declarative {
namespace {

bool isRfc3986PathChar(char c) {
  static constexpr std::string_view kAllowed = ".-_~/%:@!$&'()*+,;=";
  return std::isalnum(static_cast<unsigned char>(c)) || kAllowed.find(c) != std::string_view::npos;
}

bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool isPercentTriplet(const std::string& text, size_t i) {
  return i + 2 < text.size() && text[i] == '%' && isHex(text[i + 1]) && isHex(text[i + 2]);
}

enum class PathProblem { None, Characters, Percent };

// kong/db/schema/typedefs.lua `validate_path`.
PathProblem checkPlainPath(const std::string& path, std::string* message) {
  bool chars_ok = !path.empty() && path[0] == '/';
  for (char c : path) {
    chars_ok = chars_ok && isRfc3986PathChar(c);
  }
  if (!chars_ok) {
    *message = absl::StrCat("invalid path: '", path,
                            "' (characters outside of the reserved list of RFC 3986 found)");
    return PathProblem::Characters;
  }
  std::string raw = path;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (isPercentTriplet(raw, i)) {
      raw.replace(i, 3, "___");
    }
  }
  size_t percent = raw.find('%');
  if (percent != std::string::npos) {
    *message = absl::StrCat("invalid url-encoded value: '", raw.substr(percent, 3), "'");
    return PathProblem::Percent;
  }
  return PathProblem::None;
}

bool isLegacyPlainPath(const std::string& path) {
  for (char c : path) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view(".-_~/%").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Decodes `%XX` in a legacy regex path: reserved characters stay encoded (upper-cased), regex
// meta characters come back escaped so they keep matching literally.
std::string decodeLegacyRegex(const std::string& path) {
  static constexpr std::string_view kReserved = "!#$%&'()*+,/:;=?@[]";
  static constexpr std::string_view kMeta = ".^-{}\\|";
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (isPercentTriplet(path, i)) {
      char decoded = static_cast<char>(std::strtol(path.substr(i + 1, 2).c_str(), nullptr, 16));
      if (kReserved.find(decoded) != std::string_view::npos) {
        out += '%';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 1])));
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2])));
      } else {
        if (kMeta.find(decoded) != std::string_view::npos) {
          out += '\\';
        }
        out += decoded;
      }
      i += 2;
      continue;
    }
    out += path[i];
  }
  return out;
}

void migrateRoutes(nlohmann::json& routes) {
  if (!routes.is_array()) {
    return;
  }
  for (auto& route : routes) {
    if (!route.is_object()) {
      continue;
    }
    auto paths = route.find("paths");
    if (paths == route.end() || !paths->is_array()) {
      continue;
    }
    for (auto& path : *paths) {
      if (path.is_string()) {
        path = migratePath(path.get<std::string>());
      }
    }
  }
}

}  // namespace

std::string routePathError(const std::string& path) {
  if (path.find("//") != std::string::npos) {
    return "must not have empty segments";
  }
  bool regex = path.compare(0, 2, "~/") == 0;
  if (path.compare(0, 1, "/") != 0 && !regex) {
    return "should start with: / (fixed path) or ~/ (regex path)";
  }
  std::string message;
  if (checkPlainPath(path, &message) == PathProblem::Percent) {
    return message;
  }
  if (!regex) {
    std::string normalized = router::normalizePath(path);
    if (normalized != path) {
      return absl::StrCat("non-normalized path, consider use '", normalized, "' instead");
    }
    return "";
  }
  std::string pattern = path.substr(1);
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(router::toRe2Syntax(pattern), options);
  if (!re.ok()) {
    return absl::StrCat("invalid regex: '", pattern, "' (PCRE returned: ", re.error(), ")");
  }
  return "";
}

std::string servicePathError(const std::string& path) {
  if (path.find("//") != std::string::npos) {
    return "must not have empty segments";
  }
  if (path.compare(0, 1, "/") != 0) {
    return "should start with: /";
  }
  std::string message;
  checkPlainPath(path, &message);
  return message;
}

std::string migratePath(const std::string& path) {
  if (isLegacyPlainPath(path)) {
    return path.empty() ? path : router::normalizePath(path);
  }
  return "~" + decodeLegacyRegex(path);
}

void migrateFormat(nlohmann::json& root) {
  auto version = root.find("_format_version");
  if (version == root.end() || !version->is_string() || (*version != "1.1" && *version != "2.1")) {
    return;
  }
  if (auto routes = root.find("routes"); routes != root.end()) {
    migrateRoutes(*routes);
  }
  if (auto services = root.find("services"); services != root.end() && services->is_array()) {
    for (auto& service : *services) {
      if (service.is_object() && service.contains("routes")) {
        migrateRoutes(service["routes"]);
      }
    }
  }
  *version = "3.0";
}

}  // namespace portico::config::declarative
