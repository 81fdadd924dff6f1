// libFuzzer target for the router's path normalisation (Kong's §2.2), which decides what routes
// match and what path goes upstream. For a request path (it starts with '/'):
//  - the result starts with '/' and holds no dot segment and no "//";
//  - normalising again changes nothing, provided every '%' of the input starts a %XX triplet.
//    A stray '%' lets the single decoding pass (Kong's gsub) assemble a new triplet from decoded
//    bytes ("/%%32%65" -> "/%2e"), which a second pass would decode: Kong behaves the same.
//  - the upstream form escapes every byte outside Kong's safe set.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "source/router/uri_path.h"

namespace {

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool everyPercentStartsATriplet(std::string_view path) {
  for (size_t i = path.find('%'); i != std::string_view::npos; i = path.find('%', i + 1)) {
    if (i + 2 >= path.size() || !isHex(path[i + 1]) || !isHex(path[i + 2])) {
      return false;
    }
  }
  return true;
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool hasDotSegmentOrEmptySegment(std::string_view path) {
  return path.find("/./") != std::string_view::npos ||
         path.find("/../") != std::string_view::npos || path.find("//") != std::string_view::npos ||
         endsWith(path, "/.") || endsWith(path, "/..");
}

bool isUpstreamSafe(char c) {
  static constexpr std::string_view kPunctuation = "-_.~%!#$&'()*+,/:;=?@[]";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kPunctuation.find(c) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using portico::router::escapeUpstreamPath;
  using portico::router::normalizePath;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string once = normalizePath(input);
  for (char c : escapeUpstreamPath(once)) {
    if (!isUpstreamSafe(c)) {
      __builtin_trap();
    }
  }
  if (input.empty() || input[0] != '/') {
    return 0;
  }
  if (once.empty() || once[0] != '/' || hasDotSegmentOrEmptySegment(once)) {
    __builtin_trap();
  }
  if (everyPercentStartsATriplet(input) && normalizePath(once) != once) {
    __builtin_trap();
  }
  return 0;
}
