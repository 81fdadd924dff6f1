#include "source/server/proxy_settings.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace portico::server {
namespace {

bool hasToken(const google::protobuf::RepeatedPtrField<std::string>& tokens,
              std::initializer_list<const char*> names) {
  for (const std::string& token : tokens) {
    const std::string lower = absl::AsciiStrToLower(token);
    for (const char* name : names) {
      if (lower == name) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

ProxySettings::ProxySettings() : server_token(absl::StrCat(kProductName, "/", kProductVersion)) {
  setViaToken(server_token);
}

void ProxySettings::setViaToken(std::string token) {
  via_token_ = std::move(token);
  via_entry_http11_ = absl::StrCat("1.1 ", via_token_);
  via_entry_http10_ = absl::StrCat("1.0 ", via_token_);
}

std::string_view ProxySettings::viaWithThisHop(std::string_view existing, int major, int minor,
                                               std::string& storage) const {
  const std::string* prebuilt = major == 1 && minor == 1   ? &via_entry_http11_
                                : major == 1 && minor == 0 ? &via_entry_http10_
                                                           : nullptr;
  if (existing.empty() && prebuilt != nullptr) {
    return *prebuilt;
  }
  storage.assign(existing.data(), existing.size());
  if (!storage.empty()) {
    storage.append(", ");
  }
  if (prebuilt != nullptr) {
    storage.append(*prebuilt);
  } else {
    absl::StrAppend(&storage, major, ".", minor, " ", via_token_);
  }
  return storage;
}

ProxySettings ProxySettings::fromBootstrap(const config::v1::Bootstrap& bootstrap) {
  ProxySettings settings;
  const auto& headers = bootstrap.headers();
  settings.server_tokens = hasToken(headers, {"server_tokens", "server", "via"});
  settings.latency_tokens = hasToken(headers, {"latency_tokens"});
  settings.request_id_header = hasToken(headers, {"x-kong-request-id", "x-portico-request-id"});
  settings.request_id_upstream =
      hasToken(bootstrap.headers_upstream(), {"x-kong-request-id", "x-portico-request-id"});
  settings.error_default_format =
      http::formatForMediaType(bootstrap.error_default_type(), http::ErrorFormat::kText);
  settings.trusted_ips = network::CidrSet::parse(
      {bootstrap.trusted_ips().begin(), bootstrap.trusted_ips().end()}, nullptr);
  if (!bootstrap.real_ip_header().empty()) {
    settings.real_ip_header = bootstrap.real_ip_header();
  }
  settings.real_ip_recursive = bootstrap.real_ip_recursive();
  if (bootstrap.client_header_timeout_ms() > 0) {
    settings.client_header_timeout_ms = bootstrap.client_header_timeout_ms();
  }
  if (bootstrap.client_body_timeout_ms() > 0) {
    settings.client_body_timeout_ms = bootstrap.client_body_timeout_ms();
  }
  if (bootstrap.keepalive_timeout_ms() > 0) {
    settings.keepalive_timeout_ms = bootstrap.keepalive_timeout_ms();
  }
  settings.client_max_body_size = bootstrap.client_max_body_size();
  if (bootstrap.large_client_header_buffer() > 0) {
    settings.max_header_bytes = bootstrap.large_client_header_buffer();
  }
  if (bootstrap.upstream_keepalive_pool_size() > 0) {
    settings.upstream_keepalive_pool_size = bootstrap.upstream_keepalive_pool_size();
  }
  if (bootstrap.upstream_keepalive_idle_timeout_ms() > 0) {
    settings.upstream_keepalive_idle_timeout_ms = bootstrap.upstream_keepalive_idle_timeout_ms();
  }
  settings.dns = bootstrap.dns();
  if (bootstrap.worker_connections() > 0) {
    settings.worker_connections = bootstrap.worker_connections();
  }
  return settings;
}

}  // namespace portico::server
