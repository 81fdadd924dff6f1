#include "source/filters/http/proxy/upstream_request.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "source/common/http/hop_by_hop.h"

namespace portico::filters {
namespace {

// Besides the hop-by-hop set: Proxy (httpoxy) is dropped, and Host is rebuilt below.
bool isDroppedRequestHeader(std::string_view name) {
  return http::isHopByHopHeader(name) || http::equalsIgnoreCase(name, "proxy") ||
         http::equalsIgnoreCase(name, "host");
}

// nginx's $host: the Host header without its port, lower-cased.
std::string hostWithoutPort(const std::string& host) {
  std::string_view view = host;
  if (!view.empty() && view.front() == '[') {
    const size_t close = view.find(']');
    view = view.substr(0, close == std::string_view::npos ? view.size() : close + 1);
  } else if (const size_t colon = view.rfind(':'); colon != std::string_view::npos) {
    view = view.substr(0, colon);
  }
  return absl::AsciiStrToLower(absl::string_view(view.data(), view.size()));
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

// A trusted proxy's own X-Forwarded-<name> when it sent one, else `ours`.
void addForwarded(const http::HeaderMap& in, bool trusted, std::string_view name, std::string ours,
                  http::HeaderMap& out) {
  if (trusted) {
    if (const std::string* theirs = in.get(name)) {
      out.add(std::string(name), *theirs);
      return;
    }
  }
  if (!ours.empty()) {
    out.add(std::string(name), std::move(ours));
  }
}

}  // namespace

http::MessageHead buildUpstreamRequest(const http::MessageHead& request,
                                       const http::StreamContext& context) {
  http::MessageHead upstream;
  upstream.method = request.method;
  upstream.target = context.match->upstream_path;
  if (context.has_query) {
    absl::StrAppend(&upstream.target, "?", context.raw_query);
  }

  const http::HeaderMap& in = request.headers;
  http::HeaderMap& out = upstream.headers;
  out.mutableEntries().reserve(in.size() + 10);
  const std::vector<std::string> connection_listed = http::connectionListedHeaders(in);
  const std::string* client_te = in.get("te");
  const std::string* client_host = in.get("host");
  for (const auto& [name, value] : in.entries()) {
    if (isDroppedRequestHeader(name) ||
        std::any_of(connection_listed.begin(), connection_listed.end(),
                    [&name = name](const std::string& listed) {
                      return http::equalsIgnoreCase(name, listed);
                    })) {
      continue;
    }
    if (isRebuiltHeader(name)) {
      continue;  // rebuilt below
    }
    out.add(name, value);
  }

  const bool preserve_host = context.match->route->preserve_host();
  if (preserve_host && client_host != nullptr) {
    out.add("Host", *client_host);
  } else {
    out.add("Host", context.service->host_header);
  }
  if (client_te != nullptr && absl::StrContains(absl::AsciiStrToLower(*client_te), "trailers")) {
    out.add("TE", "trailers");
  }
  out.add("X-Real-IP", context.client_address);
  const std::string forwarded_for = in.getJoined("x-forwarded-for");
  out.add("X-Forwarded-For", forwarded_for.empty()
                                 ? context.client_address
                                 : absl::StrCat(forwarded_for, ", ", context.client_address));
  const bool trusted = context.trusted_client;
  addForwarded(in, trusted, "X-Forwarded-Proto", context.scheme, out);
  addForwarded(in, trusted, "X-Forwarded-Host",
               client_host != nullptr ? hostWithoutPort(*client_host) : std::string(), out);
  addForwarded(in, trusted, "X-Forwarded-Port", std::to_string(context.listener_port), out);
  addForwarded(in, trusted, "X-Forwarded-Path", context.raw_path, out);
  addForwarded(in, trusted, "X-Forwarded-Prefix", context.match->forwarded_prefix, out);
  const std::string via = absl::StrCat(request.version_major, ".", request.version_minor, " ",
                                       context.settings->via_token);
  const std::string client_via = in.getJoined("via");
  if (context.settings->server_tokens) {
    out.add("Via", client_via.empty() ? via : absl::StrCat(client_via, ", ", via));
  } else if (!client_via.empty()) {
    out.add("Via", client_via);
  }
  if (context.settings->request_id_upstream) {
    out.set("X-Portico-Request-Id", context.request_id);
  }
  if (request.chunked) {
    out.add("Transfer-Encoding", "chunked");
  }
  out.add("Connection", "keep-alive");
  return upstream;
}

}  // namespace portico::filters
