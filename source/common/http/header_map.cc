#include "source/common/http/header_map.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace portico::http {

bool equalsIgnoreCaseSameLength(const char* a, const char* b, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (a[i] != b[i] && absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
                            absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void HeaderMap::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

void HeaderMap::set(std::string_view name, std::string value) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return equalsIgnoreCase(e.first, name); });
  if (it == entries_.end()) {
    entries_.emplace_back(std::string(name), std::move(value));
    return;
  }
  it->second = std::move(value);
  entries_.erase(std::remove_if(std::next(it), entries_.end(),
                                [&](const Entry& e) { return equalsIgnoreCase(e.first, name); }),
                 entries_.end());
}

size_t HeaderMap::remove(std::string_view name) {
  const size_t before = entries_.size();
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return equalsIgnoreCase(e.first, name); }),
                 entries_.end());
  return before - entries_.size();
}

const std::string* HeaderMap::get(std::string_view name) const {
  for (const auto& e : entries_) {
    if (equalsIgnoreCase(e.first, name)) {
      return &e.second;
    }
  }
  return nullptr;
}

std::string HeaderMap::getJoined(std::string_view name) const {
  std::string joined;
  for (const auto& e : entries_) {
    if (equalsIgnoreCase(e.first, name)) {
      if (!joined.empty()) {
        joined += ", ";
      }
      joined += e.second;
    }
  }
  return joined;
}

size_t HeaderMap::count(std::string_view name) const {
  return std::count_if(entries_.begin(), entries_.end(),
                       [&](const Entry& e) { return equalsIgnoreCase(e.first, name); });
}

}  // namespace portico::http
