#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::http {

// Header lines in arrival order. Names keep the case they arrived with (upstreams and clients may
// care); every lookup is case-insensitive. A header may repeat. Small and flat on purpose: a
// request has a dozen headers, and a linear scan over contiguous strings beats hashing them.
class HeaderMap {
 public:
  using Entry = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // Replaces every line of `name` with one line (appended if absent).
  void set(std::string_view name, std::string value);
  // Removes every line of `name`; returns how many were removed.
  size_t remove(std::string_view name);

  // The first line's value, or nullptr.
  const std::string* get(std::string_view name) const;
  // Every value of `name`, joined with ", " as RFC 9110 allows for list headers.
  std::string getJoined(std::string_view name) const;
  bool has(std::string_view name) const { return get(name) != nullptr; }
  size_t count(std::string_view name) const;

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& mutableEntries() { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

 private:
  std::vector<Entry> entries_;
};

// ASCII case-insensitive equality, for header names and tokens.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace portico::http
