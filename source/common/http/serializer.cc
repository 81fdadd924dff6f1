#include "source/common/http/serializer.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"

namespace portico::http {
namespace {

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

void HeaderLines::appendTo(std::string& out) const {
  const size_t at = out.size();
  out.resize(at + bytes_ + 2);
  char* cursor = &out[at];
  const auto put = [&cursor](std::string_view text) {
    if (!text.empty()) {  // a default string_view's null data() must not reach memcpy
      std::memcpy(cursor, text.data(), text.size());
      cursor += text.size();
    }
  };
  // The separators are stored byte by byte: a memcpy call each would cost more than they do.
  for (const auto& [name, value] : lines_) {
    put(name);
    *cursor++ = ':';
    *cursor++ = ' ';
    put(value);
    *cursor++ = '\r';
    *cursor++ = '\n';
  }
  *cursor++ = '\r';
  *cursor = '\n';
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
