#include "source/filters/http/proxy/upstream_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "source/common/http/hop_by_hop.h"
#include "source/common/http/host_header.h"
#include "source/common/http/serializer.h"

namespace portico::filters {
namespace {

// Besides the hop-by-hop set: Proxy (httpoxy) is dropped, and Host is rebuilt below.
bool isDroppedRequestHeader(std::string_view name) {
  return http::isHopByHopHeader(name) || http::equalsIgnoreCase(name, "proxy") ||
         http::equalsIgnoreCase(name, "host");
}

bool isRebuiltHeader(std::string_view name) {
  static constexpr std::string_view kRebuilt[] = {
      "x-real-ip",        "x-forwarded-for",  "x-forwarded-proto",  "x-forwarded-host",
      "x-forwarded-port", "x-forwarded-path", "x-forwarded-prefix", "via"};
  for (std::string_view rebuilt : kRebuilt) {
    if (http::equalsIgnoreCase(name, rebuilt)) {
      return true;
    }
  }
  return false;
}

constexpr std::string_view kRequestIdHeader = "X-Portico-Request-Id";

// A trusted proxy's own X-Forwarded-<name> when it sent one, else `ours` (nothing when empty).
void addForwarded(const http::HeaderMap& in, bool trusted, std::string_view name,
                  std::string_view ours, http::HeaderLines& lines) {
  if (trusted) {
    if (const std::string* theirs = in.get(name)) {
      lines.add(name, *theirs);
      return;
    }
  }
  if (!ours.empty()) {
    lines.add(name, ours);
  }
}

}  // namespace

void serializeUpstreamRequest(const http::MessageHead& request, const http::StreamContext& context,
                              bool websocket, std::string& out) {
  out.append(request.method);
  out += ' ';
  out.append(context.match->upstream_path);
  if (context.has_query) {
    out += '?';
    out.append(context.raw_query);
  }
  out += " HTTP/1.1\r\n";

  const http::HeaderMap& in = request.headers;
  const std::string* connection = in.get("connection");
  const http::ConnectionListedNames listed(connection != nullptr ? *connection
                                                                 : std::string_view());
  const std::string* client_te = in.get("te");
  const std::string* client_host = in.get("host");
  const bool request_id = context.settings->request_id_upstream;
  // The values built here outlive `lines`, which holds views of them.
  const std::string forwarded_host =
      client_host != nullptr ? http::hostWithoutPort(*client_host) : std::string();
  const std::string listener_port = std::to_string(context.listener_port);
  std::string forwarded_for = in.getJoined("x-forwarded-for");
  forwarded_for.append(forwarded_for.empty() ? "" : ", ").append(context.client_address);
  const std::string client_via = in.getJoined("via");
  std::string via_storage;
  const std::string_view via =
      context.settings->server_tokens
          ? context.settings->viaWithThisHop(client_via, request.version_major,
                                             request.version_minor, via_storage)
          : std::string_view(client_via);

  http::HeaderLines lines;
  // The client's own request id line, if any, keeps its place with Portico's value (as a
  // HeaderMap::set would leave it); later ones are dropped.
  bool request_id_written = false;
  for (const auto& [name, value] : in.entries()) {
    if (isDroppedRequestHeader(name) || listed.contains(name)) {
      continue;
    }
    if (isRebuiltHeader(name)) {
      continue;  // rebuilt below
    }
    if (request_id && http::equalsIgnoreCase(name, kRequestIdHeader)) {
      if (!request_id_written) {
        lines.add(name, context.request_id.view());
        request_id_written = true;
      }
      continue;
    }
    lines.add(name, value);
  }

  const bool preserve_host = context.match->route->preserve_host();
  lines.add("Host", preserve_host && client_host != nullptr ? std::string_view(*client_host)
                                                            : context.service->host_header);
  if (client_te != nullptr && absl::StrContains(absl::AsciiStrToLower(*client_te), "trailers")) {
    lines.add("TE", "trailers");
  }
  lines.add("X-Real-IP", context.client_address);
  lines.add("X-Forwarded-For", forwarded_for);
  const bool trusted = context.trusted_client;
  addForwarded(in, trusted, "X-Forwarded-Proto", context.scheme, lines);
  addForwarded(in, trusted, "X-Forwarded-Host", forwarded_host, lines);
  addForwarded(in, trusted, "X-Forwarded-Port", listener_port, lines);
  addForwarded(in, trusted, "X-Forwarded-Path", context.raw_path, lines);
  addForwarded(in, trusted, "X-Forwarded-Prefix", context.match->forwarded_prefix, lines);
  if (!via.empty()) {
    lines.add("Via", via);
  }
  if (request_id && !request_id_written) {
    lines.add(kRequestIdHeader, context.request_id.view());
  }
  if (request.chunked) {
    lines.add("Transfer-Encoding", "chunked");
  }
  if (websocket) {
    lines.add("Upgrade", "websocket");
    lines.add("Connection", "keep-alive, Upgrade");
  } else {
    lines.add("Connection", "keep-alive");
  }
  lines.appendTo(out);
}

}  // namespace portico::filters
