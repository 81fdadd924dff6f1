#include "source/common/http/serializer.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"

namespace portico::http {
namespace {

// Copies `size` bytes, sizeof(Word) <= size <= 2 * sizeof(Word), as two fixed-size words that
// may overlap, which the compiler turns into plain loads and stores.
template <class Word>
[[gnu::always_inline]] inline void copyAsTwoWords(char* to, const char* from, size_t size) {
  Word head;
  Word tail;
  std::memcpy(&head, from, sizeof(Word));
  std::memcpy(&tail, from + size - sizeof(Word), sizeof(Word));
  std::memcpy(to, &head, sizeof(Word));
  std::memcpy(to + size - sizeof(Word), &tail, sizeof(Word));
}

// Copies a header name or value to `cursor` and returns the end. Most are a few bytes, where a
// call to memcpy costs more than the copy itself. Inlined, or the call costs what the copy saves.
[[gnu::always_inline]] inline char* put(char* cursor, std::string_view text) {
  const size_t size = text.size();
  const char* from = text.data();
  if (size >= 8 && size <= 16) {
    copyAsTwoWords<uint64_t>(cursor, from, size);
  } else if (size >= 4 && size < 8) {
    copyAsTwoWords<uint32_t>(cursor, from, size);
  } else if (size > 16) {
    std::memcpy(cursor, from, size);
  } else {
    for (size_t i = 0; i < size; ++i) {
      cursor[i] = from[i];
    }
  }
  return cursor + size;
}

void appendHeaders(const HeaderMap& headers, std::string& out) {
  HeaderLines lines;
  for (const auto& [name, value] : headers.entries()) {
    lines.add(name, value);
  }
  lines.appendTo(out);
}

void appendStatusLine(const MessageHead& head, std::string& out) {
  const std::string_view reason = head.reason.empty() ? reasonPhrase(head.status) : head.reason;
  if (head.status < 100 || head.status > 999) {
    absl::StrAppend(&out, "HTTP/1.1 ", head.status, " ");
    out.append(reason).append("\r\n");
    return;
  }
  // The usual three-digit status: the line is sized once and its digits written in place.
  constexpr std::string_view kVersion = "HTTP/1.1 ";
  const size_t at = out.size();
  out.resize(at + kVersion.size() + 4 + reason.size() + 2);
  char* cursor = &out[at];
  std::memcpy(cursor, kVersion.data(), kVersion.size());
  cursor += kVersion.size();
  *cursor++ = static_cast<char>('0' + head.status / 100);
  *cursor++ = static_cast<char>('0' + head.status / 10 % 10);
  *cursor++ = static_cast<char>('0' + head.status % 10);
  *cursor++ = ' ';
  if (!reason.empty()) {
    std::memcpy(cursor, reason.data(), reason.size());
    cursor += reason.size();
  }
  *cursor++ = '\r';
  *cursor = '\n';
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
  for (const auto& [name, value] : lines_) {
    cursor = put(cursor, name);
    *cursor++ = ':';
    *cursor++ = ' ';
    cursor = put(cursor, value);
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
