#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "source/common/http/message_head.h"

namespace portico::http {

// Headers a proxy sets on a message while serializing it, as HeaderMap::set would, but without
// copying names or values into the map: the first line of each name keeps its place and its
// name's case with the new value, later lines of that name are dropped, and a name the message
// lacks is appended, in the order set() was called. At most kCapacity distinct names; the views
// must outlive the serialization.
class HeaderOverrides {
 public:
  static constexpr size_t kCapacity = 12;

  void set(std::string_view name, std::string_view value) {
    entries_[size_++] = Entry{name, value};
  }
  size_t size() const { return size_; }
  std::string_view name(size_t index) const { return entries_[index].name; }
  std::string_view value(size_t index) const { return entries_[index].value; }
  // The index of `name` (case-insensitive), or size() if it is not overridden.
  size_t find(std::string_view name) const;

 private:
  struct Entry {
    std::string_view name;
    std::string_view value;
  };
  std::array<Entry, kCapacity> entries_;
  size_t size_ = 0;
};

// A head's header lines, gathered before they are written so that the output grows once for the
// whole head rather than once per line. It holds views: what they show must outlive appendTo.
class HeaderLines {
 public:
  void add(std::string_view name, std::string_view value) {
    lines_.push_back({name, value});
    bytes_ += name.size() + value.size() + 4;
  }
  // Appends "name: value\r\n" for each line, then the "\r\n" that ends the head.
  void appendTo(std::string& out) const;

 private:
  struct Line {
    std::string_view name;
    std::string_view value;
  };
  absl::InlinedVector<Line, 24> lines_;
  size_t bytes_ = 0;
};

// Appends "METHOD target HTTP/1.1\r\n" + headers + "\r\n" to `out`.
void serializeRequestHead(const MessageHead& head, std::string& out);
// Appends "HTTP/1.1 status reason\r\n" + headers + "\r\n" to `out`.
void serializeResponseHead(const MessageHead& head, std::string& out);
// The same, with `overrides` applied to the head's headers.
void serializeResponseHead(const MessageHead& head, const HeaderOverrides& overrides,
                           std::string& out);
// Appends one chunk of a chunked body (nothing for empty data).
void appendChunk(std::string_view data, std::string& out);
// The zero-length chunk that ends a chunked body.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace portico::http
