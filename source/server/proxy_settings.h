#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "portico/config/v1/bootstrap.pb.h"
#include "source/common/http/error_body.h"
#include "source/common/network/cidr.h"

namespace portico::server {

inline constexpr char kProductName[] = "portico";
inline constexpr char kProductVersion[] = "0.1.0";

// Request-path settings derived once from the bootstrap (kong.conf). Immutable after start.
struct ProxySettings {
  // Product tokens are Portico's own ("portico/0.1.0"); everything else has Kong's defaults.
  ProxySettings();

  // Kong's `headers` tokens.
  bool server_tokens = true;
  bool latency_tokens = true;
  bool request_id_header = true;
  // Kong's `headers_upstream`.
  bool request_id_upstream = true;

  std::string server_token;  // "portico/0.1.0"
  http::ErrorFormat error_default_format = http::ErrorFormat::kText;

  // Kong's trusted_ips / real_ip_header / real_ip_recursive (nginx's realip module).
  network::CidrSet trusted_ips;
  std::string real_ip_header = "X-Real-IP";
  bool real_ip_recursive = false;

  int access_log_fd = -1;  // -1: no access log

  uint32_t client_header_timeout_ms = 60000;
  uint32_t client_body_timeout_ms = 60000;
  uint32_t keepalive_timeout_ms = 60000;
  uint64_t client_max_body_size = 0;  // 0: unlimited
  uint32_t max_header_bytes = 32 * 1024;
  uint32_t upstream_keepalive_pool_size = 512;
  uint32_t upstream_keepalive_idle_timeout_ms = 60000;
  // Client connections per worker (nginx's worker_connections); more are refused with 503.
  uint32_t worker_connections = 16384;
  // Kong's dns_* keys, for each worker's resolver.
  config::v1::DnsSettings dns;

  // The product token of the Via entries this hop adds ("portico/0.1.0").
  void setViaToken(std::string token);
  const std::string& viaToken() const { return via_token_; }
  // The Via value a message of HTTP/major.minor leaves with: `existing` (what it arrived with,
  // possibly empty), then this hop's "major.minor via_token". Without an existing value and for
  // HTTP/1.x it is an entry built by setViaToken; otherwise it is built into `storage`, which
  // must not hold `existing`.
  std::string_view viaWithThisHop(std::string_view existing, int major, int minor,
                                  std::string& storage) const;

  static ProxySettings fromBootstrap(const config::v1::Bootstrap& bootstrap);

 private:
  // Private, so that the entries, built once instead of per request, cannot drift from the token.
  std::string via_token_;
  std::string via_entry_http11_;
  std::string via_entry_http10_;
};

}  // namespace portico::server
