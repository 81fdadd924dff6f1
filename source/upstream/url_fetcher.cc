#include "source/upstream/url_fetcher.h"

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "source/common/http/header_map.h"
#include "source/common/tls/client_context.h"
#include "source/config/declarative/service_url.h"
#include "source/upstream/http_client.h"

namespace portico::upstream {
namespace {

struct FetcherState {
  Upstreams& upstreams;
  std::shared_ptr<SSL_CTX> tls_context;
  std::map<uint64_t, std::unique_ptr<HttpClientRequest>> in_flight;
  uint64_t next_id = 0;
};

absl::StatusOr<HttpTarget> targetFor(const FetcherState& state,
                                     const config::declarative::UrlParts& url) {
  if (!url.scheme || (*url.scheme != "http" && *url.scheme != "https") || !url.host ||
      url.host->empty()) {
    return absl::InvalidArgumentError("not an http(s) URL");
  }
  const bool https = *url.scheme == "https";
  HttpTarget target;
  target.host = *url.host;
  if (target.host.size() > 2 && target.host.front() == '[' && target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  uint32_t port = https ? 443 : 80;
  if (url.port && (!absl::SimpleAtoi(*url.port, &port) || port == 0 || port > 65535)) {
    return absl::InvalidArgumentError("bad port in URL");
  }
  target.port = static_cast<uint16_t>(port);
  if (https) {
    if (state.tls_context == nullptr) {
      return absl::UnavailableError("no TLS context for https fetches");
    }
    target.tls_context = state.tls_context.get();
  }
  target.pool_key = absl::StrCat("fetch:", *url.scheme, "://", target.host, ":", port);
  return target;
}

std::string requestBytes(const FetchRequest& request, const HttpTarget& target,
                         std::string_view path) {
  std::string out =
      absl::StrCat(request.method, " ", path.empty() ? "/" : std::string(path), " HTTP/1.1\r\n");
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    has_host = has_host || portico::http::equalsIgnoreCase(name, "host");
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  if (!has_host) {
    const bool default_port = target.port == (target.tls_context != nullptr ? 443 : 80);
    // An IPv6 literal gets back the brackets the connect address dropped (RFC 7230 §5.4).
    const bool ipv6 = target.host.find(':') != std::string::npos;
    absl::StrAppend(&out, "Host: ", ipv6 ? "[" : "", target.host, ipv6 ? "]" : "",
                    default_port ? "" : absl::StrCat(":", target.port), "\r\n");
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    absl::StrAppend(&out, "Content-Length: ", request.body.size(), "\r\n");
  }
  absl::StrAppend(&out, "\r\n", request.body);
  return out;
}

// The path and query of an absolute URL: from the first '/' after "scheme://authority", without
// the fragment (never sent).
std::string_view pathAndQuery(std::string_view url) {
  url = url.substr(0, url.find('#'));
  const size_t authority = url.find("://");
  const size_t slash = url.find('/', authority == std::string_view::npos ? 0 : authority + 3);
  if (slash == std::string_view::npos) {
    const size_t query = url.find('?', authority == std::string_view::npos ? 0 : authority + 3);
    return query == std::string_view::npos ? std::string_view() : url.substr(query);
  }
  return url.substr(slash);
}

}  // namespace

HttpFetcher makeUrlFetcher(Upstreams& upstreams, const std::string& trusted_ca_pem) {
  auto state = std::make_shared<FetcherState>(FetcherState{upstreams, nullptr, {}, 0});
  tls::ClientOptions tls_options;
  tls_options.verify = true;
  tls_options.extra_ca_pem = trusted_ca_pem;
  if (absl::StatusOr<tls::SslCtxPtr> context = tls::makeClientContext(tls_options); context.ok()) {
    state->tls_context = std::shared_ptr<SSL_CTX>(context->release(), SSL_CTX_free);
  }
  return [state](const FetchRequest& request, FetchCallback done) {
    const config::declarative::UrlParts url = config::declarative::parseUrl(request.url);
    absl::StatusOr<HttpTarget> target = targetFor(*state, url);
    if (!target.ok()) {
      done(target.status());
      return;
    }
    std::string bytes = requestBytes(request, *target, pathAndQuery(request.url));
    HttpClientRequest::Options options;
    options.timeout_ms = request.timeout_ms;
    options.max_response_bytes = 1024 * 1024;
    const uint64_t id = state->next_id++;
    std::weak_ptr<FetcherState> weak_state = state;
    auto call = std::make_unique<HttpClientRequest>(
        state->upstreams, std::move(*target), std::move(bytes), options,
        [weak_state, id, done = std::move(done)](absl::StatusOr<HttpResponse> result) {
          if (std::shared_ptr<FetcherState> live = weak_state.lock()) {
            live->in_flight.erase(id);  // the request allows its own destruction here
          }
          if (!result.ok()) {
            done(result.status());
            return;
          }
          FetchResponse response;
          response.status = result->status;
          for (auto& [name, value] : result->headers.mutableEntries()) {
            response.headers.emplace_back(std::move(name), std::move(value));
          }
          response.body = std::move(result->body);
          done(std::move(response));
        });
    HttpClientRequest& started = *call;
    state->in_flight.emplace(id, std::move(call));
    started.start();
  };
}

}  // namespace portico::upstream
