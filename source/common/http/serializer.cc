#include "source/common/http/serializer.h"

#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"

namespace portico::http {
namespace {

void appendHeaders(const HeaderMap& headers, std::string& out) {
  for (const auto& [name, value] : headers.entries()) {
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  out += "\r\n";
}

}  // namespace

void serializeRequestHead(const MessageHead& head, std::string& out) {
  absl::StrAppend(&out, head.method, " ", head.target, " HTTP/1.1\r\n");
  appendHeaders(head.headers, out);
}

void serializeResponseHead(const MessageHead& head, std::string& out) {
  const std::string_view reason = head.reason.empty() ? reasonPhrase(head.status) : head.reason;
  absl::StrAppend(&out, "HTTP/1.1 ", head.status, " ");
  out.append(reason);
  out += "\r\n";
  appendHeaders(head.headers, out);
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
