#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "re2/re2.h"

namespace portico::router {

// A regex route's groups, for plugins that read them (Kong's `uri_captures`).
struct RegexCaptures {
  // [0] is the whole match, then every group in order; a group that did not take part is "".
  std::vector<std::string> positional;
  // Named groups only, in pattern order.
  std::vector<std::pair<std::string, std::string>> named;
};

struct PathMatch {
  // What the matcher consumed: the route path (prefix) or the matched text (regex). Views into the
  // request path or the matcher. nullopt for a matcher without paths.
  std::optional<std::string_view> matched;
  // The regex that matched, to extract captures on demand; nullptr for prefix matches.
  const RE2* regex = nullptr;
};

// The path part of one matcher: no paths, a set of plain prefixes of one length, or a set of `~`
// regexes (a route's paths are split by kind and length, each competing with its own priority).
class PathMatcher {
 public:
  static PathMatcher anyPath();
  // Plain prefixes, all the same length; the first one (in route order) that matches wins.
  static PathMatcher prefixes(std::vector<std::string> paths);
  // `~/...` paths. Kong's Rust syntax is translated for RE2 (`(?<n>` -> `(?P<n>`) and `^` is
  // prepended, as Kong does (so a top-level `a|b` anchors only `a`, like Kong).
  static absl::StatusOr<PathMatcher> regexes(const std::vector<std::string>& tilde_paths);

  PathMatcher(PathMatcher&&) = default;
  PathMatcher& operator=(PathMatcher&&) = default;

  std::optional<PathMatch> match(std::string_view path) const;

  bool hasPaths() const { return !prefixes_.empty() || !regexes_.empty(); }
  bool isRegex() const { return !regexes_.empty(); }
  // Bytes of each plain prefix; 0 for regex matchers and matchers without paths.
  size_t prefixLength() const { return prefixes_.empty() ? 0 : prefixes_.front().size(); }

  static RegexCaptures captures(const RE2& regex, std::string_view path);

 private:
  PathMatcher() = default;

  std::vector<std::string> prefixes_;
  std::vector<std::unique_ptr<RE2>> regexes_;
};

}  // namespace portico::router
