#include "source/common/http/serializer.h"

#include <cstring>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"

namespace portico::http {
namespace {

// A head's header lines, gathered before they are written so that the output grows once for the
// whole head rather than once per line.
class HeaderLines {
 public:
  void add(std::string_view name, std::string_view value) {
    lines_.push_back({name, value});
    bytes_ += name.size() + value.size() + 4;
  }

  // Appends the lines and the blank line that ends the head.
  void appendTo(std::string& out) const {
    const size_t at = out.size();
    out.resize(at + bytes_ + 2);
    char* cursor = &out[at];
    const auto put = [&cursor](std::string_view text) {
      if (!text.empty()) {  // a default string_view's null data() must not reach memcpy
        std::memcpy(cursor, text.data(), text.size());
        cursor += text.size();
      }
    };
    for (const auto& [name, value] : lines_) {
      put(name);
      put(": ");
      put(value);
      put("\r\n");
    }
    put("\r\n");
  }

 private:
  struct Line {
    std::string_view name;
    std::string_view value;
  };
  absl::InlinedVector<Line, 24> lines_;
  size_t bytes_ = 0;
};

void appendHeaders(const HeaderMap& headers, std::string& out) {
  HeaderLines lines;
  for (const auto& [name, value] : headers.entries()) {
    lines.add(name, value);
  }
  lines.appendTo(out);
}

void appendStatusLine(const MessageHead& head, std::string& out) {
  const std::string_view reason = head.reason.empty() ? reasonPhrase(head.status) : head.reason;
  out += "HTTP/1.1 ";
  absl::StrAppend(&out, head.status);
  out += ' ';
  out.append(reason);
  out += "\r\n";
}

}  // namespace

size_t HeaderOverrides::find(std::string_view name) const {
  for (size_t i = 0; i < size_; ++i) {
    if (equalsIgnoreCase(entries_[i].name, name)) {
      return i;
    }
  }
  return size_;
}

void appendHeaderLine(std::string_view name, std::string_view value, std::string& out) {
  // One resize and plain copies: this runs for every header line of every message, and four
  // appends cost each line four capacity checks. (A default string_view's data() is null, which
  // memcpy must not see even for no bytes.)
  const size_t at = out.size();
  out.resize(at + name.size() + value.size() + 4);
  char* cursor = &out[at];
  if (!name.empty()) {
    std::memcpy(cursor, name.data(), name.size());
    cursor += name.size();
  }
  *cursor++ = ':';
  *cursor++ = ' ';
  if (!value.empty()) {
    std::memcpy(cursor, value.data(), value.size());
    cursor += value.size();
  }
  *cursor++ = '\r';
  *cursor = '\n';
}

void serializeRequestHead(const MessageHead& head, std::string& out) {
  absl::StrAppend(&out, head.method, " ", head.target, " HTTP/1.1\r\n");
  appendHeaders(head.headers, out);
}

void serializeResponseHead(const MessageHead& head, std::string& out) {
  appendStatusLine(head, out);
  appendHeaders(head.headers, out);
}

void serializeResponseHead(const MessageHead& head, const HeaderOverrides& overrides,
                           std::string& out) {
  appendStatusLine(head, out);
  HeaderLines lines;
  std::array<bool, HeaderOverrides::kCapacity> placed{};
  for (const auto& [name, value] : head.headers.entries()) {
    const size_t index = overrides.find(name);
    if (index == overrides.size()) {
      lines.add(name, value);
    } else if (!placed[index]) {
      placed[index] = true;
      lines.add(name, overrides.value(index));
    }
  }
  for (size_t i = 0; i < overrides.size(); ++i) {
    if (!placed[i]) {
      lines.add(overrides.name(i), overrides.value(i));
    }
  }
  lines.appendTo(out);
}

void appendChunk(std::string_view data, std::string& out) {
  if (data.empty()) {
    return;
  }
  absl::StrAppend(&out, absl::Hex(data.size()), "\r\n");
  out.append(data);
  out += "\r\n";
}

}  // namespace portico::http
