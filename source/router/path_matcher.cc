#include "source/router/path_matcher.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "source/router/regex_syntax.h"
#include "source/router/string_util.h"

namespace portico::router {
namespace {

// Anchored at the start, as Kong's router anchors regex paths.
std::string translateRegex(std::string_view kong_path) {
  return "^" + toRe2Syntax(kong_path.substr(1));
}

}  // namespace

PathMatcher PathMatcher::anyPath() { return PathMatcher(); }

PathMatcher PathMatcher::prefixes(std::vector<std::string> paths) {
  PathMatcher matcher;
  matcher.prefixes_ = std::move(paths);
  return matcher;
}

absl::StatusOr<PathMatcher> PathMatcher::regexes(const std::vector<std::string>& tilde_paths) {
  PathMatcher matcher;
  RE2::Options options;
  options.set_log_errors(false);
  for (const std::string& path : tilde_paths) {
    auto regex = std::make_unique<RE2>(translateRegex(path), options);
    if (!regex->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid regex: '", path.substr(1), "': ", regex->error()));
    }
    matcher.regexes_.push_back(std::move(regex));
  }
  return matcher;
}

std::optional<PathMatch> PathMatcher::match(std::string_view path) const {
  if (!hasPaths()) {
    return PathMatch{};
  }
  for (const std::string& prefix : prefixes_) {
    if (startsWith(path, prefix)) {
      return PathMatch{std::string_view(prefix), nullptr};
    }
  }
  const re2::StringPiece subject(path.data(), path.size());
  for (const auto& regex : regexes_) {
    re2::StringPiece whole;
    if (regex->Match(subject, 0, subject.size(), RE2::UNANCHORED, &whole, 1)) {
      return PathMatch{std::string_view(whole.data(), whole.size()), regex.get()};
    }
  }
  return std::nullopt;
}

RegexCaptures PathMatcher::captures(const RE2& regex, std::string_view path) {
  const int groups = regex.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(groups);
  RegexCaptures out;
  if (!regex.Match(re2::StringPiece(path.data(), path.size()), 0, path.size(), RE2::UNANCHORED,
                   pieces.data(), groups)) {
    return out;
  }
  out.positional.reserve(groups);
  for (const re2::StringPiece& piece : pieces) {
    out.positional.emplace_back(piece.data(), piece.size());
  }
  for (const auto& [index, name] : regex.CapturingGroupNames()) {
    out.named.emplace_back(name, out.positional[index]);
  }
  return out;
}

}  // namespace portico::router
