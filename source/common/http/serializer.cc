#include "source/common/http/serializer.h"

#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"

namespace portico::http {
namespace {

void appendHeaders(const HeaderMap& headers, std::string& out) {
  for (const auto& [name, value] : headers.entries()) {
    appendHeaderLine(name, value, out);
  }
  out += "\r\n";
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
  out.append(name);
  out += ": ";
  out.append(value);
  out += "\r\n";
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
  std::array<bool, HeaderOverrides::kCapacity> placed{};
  for (const auto& [name, value] : head.headers.entries()) {
    const size_t index = overrides.find(name);
    if (index == overrides.size()) {
      appendHeaderLine(name, value, out);
    } else if (!placed[index]) {
      placed[index] = true;
      appendHeaderLine(name, overrides.value(index), out);
    }
  }
  for (size_t i = 0; i < overrides.size(); ++i) {
    if (!placed[i]) {
      appendHeaderLine(overrides.name(i), overrides.value(i), out);
    }
  }
  out += "\r\n";
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
