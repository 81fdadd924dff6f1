#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "source/common/memory/recycling_allocator.h"

namespace portico::http {

// Header lines in arrival order. Names keep the case they arrived with (upstreams and clients may
// care); every lookup is case-insensitive. A header may repeat. Small and flat on purpose: a
// request has a dozen headers, and a linear scan over contiguous strings beats hashing them.
class HeaderMap {
 public:
  using Entry = std::pair<std::string, std::string>;
  // Room for a typical head's lines and those a proxy adds. A map reserved to it takes its
  // storage from a per-thread cache of such blocks: every request parses two heads.
  static constexpr size_t kTypicalLines = 12;
  using Entries = std::vector<Entry, memory::RecyclingAllocator<Entry, kTypicalLines>>;

  void reserveTypical() { entries_.reserve(kTypicalLines); }

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

  const Entries& entries() const { return entries_; }
  Entries& mutableEntries() { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

 private:
  Entries entries_;
};

// Case-insensitive equality of `length` ASCII bytes.
bool equalsIgnoreCaseSameLength(const char* a, const char* b, size_t length);

// ASCII case-insensitive equality, for header names and tokens. Inline, because most names a
// header scan compares differ in length, and that test is then all it costs.
inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && equalsIgnoreCaseSameLength(a.data(), b.data(), a.size());
}

}  // namespace portico::http
