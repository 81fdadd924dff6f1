#include "source/server/conf_loader.h"

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "source/common/file/read_file.h"
#include "source/common/network/cidr.h"
#include "source/server/admin_exposure.h"

extern char** environ;

namespace portico::server {
namespace {

using Settings = std::map<std::string, std::string>;

// Kong's defaults (kong/templates/kong_defaults.lua) for the keys Portico reads.
Settings defaults() {
  return {
      {"prefix", "/usr/local/portico"},
      {"database", "off"},
      {"proxy_listen",
       "0.0.0.0:8000 reuseport backlog=16384, 0.0.0.0:8443 http2 ssl reuseport backlog=16384"},
      {"admin_listen", "127.0.0.1:8001 reuseport backlog=16384"},
      {"status_listen", "off"},
      {"nginx_worker_processes", "auto"},
      {"headers", "server_tokens, latency_tokens, X-Kong-Request-Id"},
      {"headers_upstream", "X-Kong-Request-Id"},
      {"trusted_ips", ""},
      {"real_ip_header", "X-Real-IP"},
      {"real_ip_recursive", "off"},
      {"error_default_type", "text/plain"},
      {"allow_debug_header", "off"},
      {"proxy_access_log", "off"},
      {"proxy_error_log", "stderr"},
      {"log_level", "notice"},
      {"client_max_body_size", "0"},
      {"client_header_timeout", "60s"},
      {"client_body_timeout", "60s"},
      {"keepalive_timeout", "60s"},
      {"large_client_header_buffers", "4 8k"},
      {"upstream_keepalive_pool_size", "512"},
      {"upstream_keepalive_idle_timeout", "60"},
      {"drain_timeout", "30s"},
      {"lua_ssl_trusted_certificate", ""},
      {"role", "traditional"},
      {"cluster_control_plane", "127.0.0.1:8005"},
      {"cluster_listen", "0.0.0.0:8005"},
      {"cluster_cert", ""},
      {"cluster_cert_key", ""},
      {"cluster_ca_cert", ""},
      {"cluster_plaintext", "off"},
      {"declarative_config_watch", "on"},
      {"ssl_cert", ""},
      {"ssl_cert_key", ""},
      {"nginx_events_worker_connections", "16384"},
      {"admin_ssl_cert", ""},
      {"admin_ssl_cert_key", ""},
      {"admin_auth_token", ""},
      {"admin_ssl_client_ca", ""},
      {"dns_resolver", ""},
      {"dns_hostsfile", "/etc/hosts"},
      {"dns_order", "LAST,SRV,A,CNAME"},
      {"dns_valid_ttl", ""},
      {"dns_stale_ttl", "3600"},
      {"dns_not_found_ttl", "30"},
      {"dns_error_ttl", "1"},
  };
}

absl::Status parseConfFile(const std::string& path, Settings& settings) {
  absl::StatusOr<std::string> contents = file::readFile(path);
  if (absl::IsNotFound(contents.status())) {
    return absl::NotFoundError(absl::StrCat("no file at: ", path));
  }
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": ", contents.status().message()));
  }
  int number = 0;
  for (absl::string_view line : absl::StrSplit(*contents, '\n')) {
    ++number;
    absl::string_view text = line;
    // A '#' starts a comment unless escaped as '\#'.
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '#' && (i == 0 || text[i - 1] != '\\')) {
        text = text.substr(0, i);
        break;
      }
    }
    text = absl::StripAsciiWhitespace(text);
    if (text.empty()) {
      continue;
    }
    const size_t equals = text.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": expected 'key = value', got '", text, "'"));
    }
    std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text.substr(0, equals)));
    std::string value(absl::StripAsciiWhitespace(text.substr(equals + 1)));
    settings[key] = value;
  }
  return absl::OkStatus();
}

// "60s", "500ms", "2m", "60" (seconds) -> milliseconds.
absl::StatusOr<uint32_t> parseDurationMs(const std::string& key, const std::string& value) {
  absl::string_view text = value;
  uint64_t multiplier = 1000;
  if (absl::ConsumeSuffix(&text, "ms")) {
    multiplier = 1;
  } else if (absl::ConsumeSuffix(&text, "s")) {
    multiplier = 1000;
  } else if (absl::ConsumeSuffix(&text, "m")) {
    multiplier = 60000;
  }
  uint64_t amount = 0;
  if (!absl::SimpleAtoi(text, &amount)) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": invalid duration '", value, "'"));
  }
  return static_cast<uint32_t>(amount * multiplier);
}

// "1m", "8k", "1048576" -> bytes.
absl::StatusOr<uint64_t> parseSize(const std::string& key, const std::string& value) {
  absl::string_view text = value;
  uint64_t multiplier = 1;
  const std::string lower = absl::AsciiStrToLower(value);
  if (!lower.empty() && (lower.back() == 'k' || lower.back() == 'm' || lower.back() == 'g')) {
    multiplier = lower.back() == 'k'   ? 1024
                 : lower.back() == 'm' ? 1024 * 1024
                                       : 1024 * 1024 * 1024;
    text.remove_suffix(1);
  }
  uint64_t amount = 0;
  if (!absl::SimpleAtoi(text, &amount)) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": invalid size '", value, "'"));
  }
  return amount * multiplier;
}

bool parseFlag(const std::string& value) {
  const std::string lower = absl::AsciiStrToLower(value);
  return lower == "on" || lower == "true" || lower == "yes" || lower == "1";
}

absl::Status parseListeners(const std::string& key, const std::string& value,
                            google::protobuf::RepeatedPtrField<config::v1::Listener>* out) {
  if (absl::AsciiStrToLower(value) == "off" || value.empty()) {
    return absl::OkStatus();
  }
  for (absl::string_view entry : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> words =
        absl::StrSplit(absl::StripAsciiWhitespace(entry), ' ', absl::SkipEmpty());
    if (words.empty()) {
      continue;
    }
    absl::string_view address = words[0];
    const size_t colon = address.rfind(':');
    uint32_t port = 0;
    if (colon == absl::string_view::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
        port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ": invalid listen address '", address, "' (expected host:port)"));
    }
    config::v1::Listener* listener = out->Add();
    absl::string_view host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    listener->set_address(std::string(host));
    listener->set_port(port);
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i] == "ssl") {
        listener->set_ssl(true);
      } else if (words[i] == "http2") {
        listener->set_http2(true);
      }
    }
  }
  return absl::OkStatus();
}

void splitTokens(const std::string& value, google::protobuf::RepeatedPtrField<std::string>* out) {
  if (absl::AsciiStrToLower(value) == "off") {
    return;
  }
  for (absl::string_view token : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    out->Add(std::string(absl::StripAsciiWhitespace(token)));
  }
}

// kong/conf_loader's checks and wording for `<prefix>ssl_cert` / `<prefix>ssl_cert_key` lists.
absl::Status checkCertificatePairs(const std::string& prefix,
                                   const google::protobuf::RepeatedPtrField<std::string>& certs,
                                   const google::protobuf::RepeatedPtrField<std::string>& keys) {
  if (certs.size() > 0 && keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "ssl_cert_key must be specified"));
  }
  if (keys.size() > 0 && certs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "ssl_cert must be specified"));
  }
  if (certs.size() != keys.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "ssl_cert was specified ", certs.size(), " times while ", prefix,
                     "ssl_cert_key was specified ", keys.size(), " times"));
  }
  return absl::OkStatus();
}

// nginx's worker_connections: a positive number, or "auto" for the open-files limit.
absl::StatusOr<uint32_t> parseWorkerConnections(const std::string& value) {
  if (value == "auto") {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
      return 16384;
    }
    return static_cast<uint32_t>(std::min<rlim_t>(limit.rlim_cur, UINT32_MAX));
  }
  uint32_t connections = 0;
  if (!absl::SimpleAtoi(value, &connections) || connections == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("nginx_events_worker_connections: expected 'auto' or a positive number, got '",
                     value, "'"));
  }
  return connections;
}

// One dns_resolver entry: "ip", "ip:port", "[ipv6]" or "[ipv6]:port", as Kong takes them.
std::optional<config::v1::DnsSettings::NameServer> parseNameServer(absl::string_view entry) {
  std::string address(entry);
  uint32_t port = 53;
  in6_addr scratch{};
  if (inet_pton(AF_INET6, address.c_str(), &scratch) != 1) {
    absl::string_view host = entry;
    if (const size_t colon = entry.rfind(':');
        colon != absl::string_view::npos && (entry.front() != '[' || entry[colon - 1] == ']')) {
      if (!absl::SimpleAtoi(entry.substr(colon + 1), &port) || port == 0 || port > 65535) {
        return std::nullopt;
      }
      host = entry.substr(0, colon);
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
      if (inet_pton(AF_INET6, std::string(host).c_str(), &scratch) != 1) {
        return std::nullopt;
      }
    } else if (inet_pton(AF_INET, std::string(host).c_str(), &scratch) != 1) {
      return std::nullopt;
    }
    address = std::string(host);
  }
  config::v1::DnsSettings::NameServer server;
  server.set_address(address);
  server.set_port(port);
  return server;
}

absl::StatusOr<uint32_t> parseSeconds(const std::string& key, const std::string& value) {
  uint32_t seconds = 0;
  if (!absl::SimpleAtoi(value, &seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, ": expected a number of seconds, got '", value, "'"));
  }
  return seconds;
}

// Kong's dns_* keys, with kong/conf_loader's checks and wording.
absl::StatusOr<config::v1::DnsSettings> parseDnsSettings(Settings& settings) {
  config::v1::DnsSettings dns;
  for (absl::string_view entry :
       absl::StrSplit(settings["dns_resolver"], ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::optional<config::v1::DnsSettings::NameServer> server = parseNameServer(entry);
    if (!server) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dns_resolver must be a comma separated list in the form of IPv4/6 or IPv4/6:port, got '",
          entry, "'"));
    }
    *dns.add_resolver() = std::move(*server);
  }
  const std::string& hostsfile = settings["dns_hostsfile"];
  struct stat info {};
  if (stat(hostsfile.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError("dns_hostsfile: file does not exist");
  }
  dns.set_hostsfile(hostsfile);
  for (absl::string_view entry :
       absl::StrSplit(settings["dns_order"], ',', absl::SkipWhitespace())) {
    const std::string type = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(entry));
    if (type != "LAST" && type != "SRV" && type != "A" && type != "AAAA" && type != "CNAME") {
      return absl::InvalidArgumentError(
          absl::StrCat("dns_order: invalid entry '", absl::StripAsciiWhitespace(entry), "'"));
    }
    dns.add_order(type);
  }
  struct TtlKey {
    const char* key;
    void (config::v1::DnsSettings::*set)(uint32_t);
  };
  for (const TtlKey& ttl :
       {TtlKey{"dns_valid_ttl", &config::v1::DnsSettings::set_valid_ttl_s},
        TtlKey{"dns_stale_ttl", &config::v1::DnsSettings::set_stale_ttl_s},
        TtlKey{"dns_not_found_ttl", &config::v1::DnsSettings::set_not_found_ttl_s},
        TtlKey{"dns_error_ttl", &config::v1::DnsSettings::set_error_ttl_s}}) {
    const std::string value(absl::StripAsciiWhitespace(settings[ttl.key]));
    if (value.empty()) {
      continue;  // dns_valid_ttl's default: the records' own TTL
    }
    absl::StatusOr<uint32_t> seconds = parseSeconds(ttl.key, value);
    if (!seconds.ok()) {
      return seconds.status();
    }
    (dns.*ttl.set)(*seconds);
  }
  return dns;
}

}  // namespace

std::map<std::string, std::string> processEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    absl::string_view text = *entry;
    const size_t equals = text.find('=');
    if (equals != absl::string_view::npos) {
      env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
  }
  return env;
}

absl::StatusOr<config::v1::Bootstrap> loadBootstrap(const std::string& conf_path,
                                                    const std::map<std::string, std::string>& env) {
  Settings settings = defaults();
  if (!conf_path.empty()) {
    if (absl::Status status = parseConfFile(conf_path, settings); !status.ok()) {
      return status;
    }
  }
  for (const char* prefix : {"KONG_", "PORTICO_"}) {
    for (const auto& [name, value] : env) {
      absl::string_view key = name;
      if (absl::ConsumePrefix(&key, prefix)) {
        settings[absl::AsciiStrToLower(key)] = value;
      }
    }
  }

  config::v1::Bootstrap bootstrap;
  bootstrap.set_prefix(settings["prefix"]);
  bootstrap.set_database(settings["database"]);
  if (bootstrap.database() != "off") {
    return absl::InvalidArgumentError(
        absl::StrCat("database = ", bootstrap.database(),
                     " is not supported: Portico runs DB-less (set database = off)"));
  }
  bootstrap.set_declarative_config(settings["declarative_config"]);
  bootstrap.set_declarative_config_string(settings["declarative_config_string"]);
  for (const auto& [key, field] : {std::pair{"proxy_listen", bootstrap.mutable_proxy_listen()},
                                   std::pair{"admin_listen", bootstrap.mutable_admin_listen()},
                                   std::pair{"status_listen", bootstrap.mutable_status_listen()}}) {
    if (absl::Status status = parseListeners(key, settings[key], field); !status.ok()) {
      return status;
    }
  }
  const std::string& workers = settings["nginx_worker_processes"];
  uint32_t worker_count = 0;
  if (workers == "auto") {
    worker_count = std::max(1u, std::thread::hardware_concurrency());
  } else if (!absl::SimpleAtoi(workers, &worker_count) || worker_count == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "nginx_worker_processes: expected 'auto' or a positive number, got '", workers, "'"));
  }
  bootstrap.set_workers(worker_count);
  splitTokens(settings["headers"], bootstrap.mutable_headers());
  splitTokens(settings["headers_upstream"], bootstrap.mutable_headers_upstream());
  splitTokens(settings["trusted_ips"], bootstrap.mutable_trusted_ips());
  std::vector<std::string> invalid_ranges;
  network::CidrSet::parse({bootstrap.trusted_ips().begin(), bootstrap.trusted_ips().end()},
                          &invalid_ranges);
  if (!invalid_ranges.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("trusted_ips: invalid IP or CIDR range: ", invalid_ranges.front()));
  }
  bootstrap.set_real_ip_header(settings["real_ip_header"]);
  bootstrap.set_real_ip_recursive(parseFlag(settings["real_ip_recursive"]));
  bootstrap.set_error_default_type(settings["error_default_type"]);
  bootstrap.set_allow_debug_header(parseFlag(settings["allow_debug_header"]));
  bootstrap.set_access_log(settings["proxy_access_log"]);
  bootstrap.set_error_log(settings["proxy_error_log"]);
  bootstrap.set_log_level(settings["log_level"]);
  bootstrap.set_lua_ssl_trusted_certificate(settings["lua_ssl_trusted_certificate"]);
  const std::string& role = settings["role"];
  if (role != "traditional" && role != "control_plane" && role != "data_plane") {
    return absl::InvalidArgumentError(absl::StrCat(
        "role must be one of 'traditional', 'control_plane' or 'data_plane' (got '", role, "')"));
  }
  bootstrap.set_role(role);
  bootstrap.set_cluster_control_plane(settings["cluster_control_plane"]);
  bootstrap.set_cluster_listen(settings["cluster_listen"]);
  bootstrap.set_cluster_cert(settings["cluster_cert"]);
  bootstrap.set_cluster_cert_key(settings["cluster_cert_key"]);
  bootstrap.set_cluster_ca_cert(settings["cluster_ca_cert"]);
  bootstrap.set_cluster_plaintext(parseFlag(settings["cluster_plaintext"]));
  bootstrap.set_watch_declarative_config(parseFlag(settings["declarative_config_watch"]));
  splitTokens(settings["ssl_cert"], bootstrap.mutable_ssl_cert());
  splitTokens(settings["ssl_cert_key"], bootstrap.mutable_ssl_cert_key());
  if (absl::Status status =
          checkCertificatePairs("", bootstrap.ssl_cert(), bootstrap.ssl_cert_key());
      !status.ok()) {
    return status;
  }
  splitTokens(settings["admin_ssl_cert"], bootstrap.mutable_admin_ssl_cert());
  splitTokens(settings["admin_ssl_cert_key"], bootstrap.mutable_admin_ssl_cert_key());
  if (absl::Status status = checkCertificatePairs("admin_", bootstrap.admin_ssl_cert(),
                                                  bootstrap.admin_ssl_cert_key());
      !status.ok()) {
    return status;
  }
  bootstrap.set_admin_auth_token(settings["admin_auth_token"]);
  bootstrap.set_admin_ssl_client_ca(settings["admin_ssl_client_ca"]);
  if (absl::Status status = checkAdminExposure(bootstrap); !status.ok()) {
    return status;
  }
  absl::StatusOr<uint32_t> worker_connections =
      parseWorkerConnections(settings["nginx_events_worker_connections"]);
  if (!worker_connections.ok()) {
    return worker_connections.status();
  }
  bootstrap.set_worker_connections(*worker_connections);
  absl::StatusOr<config::v1::DnsSettings> dns = parseDnsSettings(settings);
  if (!dns.ok()) {
    return dns.status();
  }
  *bootstrap.mutable_dns() = std::move(*dns);
  if (role != "traditional" && !bootstrap.cluster_plaintext() &&
      (bootstrap.cluster_cert().empty() || bootstrap.cluster_cert_key().empty())) {
    return absl::InvalidArgumentError(
        "cluster_cert and cluster_cert_key must be set in hybrid mode (or cluster_plaintext = on "
        "with both ends on loopback)");
  }

  // Kong sets nginx directives as nginx_http_<directive> (or nginx_proxy_ for the proxy server
  // block); those spellings override the plain keys.
  for (const char* directive :
       {"client_header_timeout", "client_body_timeout", "keepalive_timeout"}) {
    for (const char* block : {"nginx_http_", "nginx_proxy_"}) {
      auto it = settings.find(absl::StrCat(block, directive));
      if (it != settings.end()) {
        settings[directive] = it->second;
      }
    }
  }
  struct DurationKey {
    const char* key;
    void (config::v1::Bootstrap::*set)(uint32_t);
  };
  for (const DurationKey& duration :
       {DurationKey{"client_header_timeout", &config::v1::Bootstrap::set_client_header_timeout_ms},
        DurationKey{"client_body_timeout", &config::v1::Bootstrap::set_client_body_timeout_ms},
        DurationKey{"keepalive_timeout", &config::v1::Bootstrap::set_keepalive_timeout_ms},
        DurationKey{"upstream_keepalive_idle_timeout",
                    &config::v1::Bootstrap::set_upstream_keepalive_idle_timeout_ms},
        DurationKey{"drain_timeout", &config::v1::Bootstrap::set_drain_timeout_ms}}) {
    absl::StatusOr<uint32_t> ms = parseDurationMs(duration.key, settings[duration.key]);
    if (!ms.ok()) {
      return ms.status();
    }
    (bootstrap.*duration.set)(*ms);
  }
  // Kong sets nginx directives as nginx_http_<directive>; both spellings work.
  const std::string& body_limit = settings.count("nginx_http_client_max_body_size") > 0
                                      ? settings["nginx_http_client_max_body_size"]
                                      : settings["client_max_body_size"];
  absl::StatusOr<uint64_t> body_size = parseSize("client_max_body_size", body_limit);
  if (!body_size.ok()) {
    return body_size.status();
  }
  bootstrap.set_client_max_body_size(*body_size);
  // nginx's "4 8k": requests may carry up to number*size bytes of headers.
  std::vector<std::string> buffers =
      absl::StrSplit(settings["large_client_header_buffers"], ' ', absl::SkipEmpty());
  uint32_t buffer_count = 4;
  if (buffers.size() == 2 && absl::SimpleAtoi(buffers[0], &buffer_count)) {
    absl::StatusOr<uint64_t> buffer_size = parseSize("large_client_header_buffers", buffers[1]);
    if (!buffer_size.ok()) {
      return buffer_size.status();
    }
    bootstrap.set_large_client_header_buffer(static_cast<uint32_t>(buffer_count * *buffer_size));
  }
  uint32_t pool_size = 0;
  if (!absl::SimpleAtoi(settings["upstream_keepalive_pool_size"], &pool_size)) {
    return absl::InvalidArgumentError("upstream_keepalive_pool_size: expected a number");
  }
  bootstrap.set_upstream_keepalive_pool_size(pool_size);
  return bootstrap;
}

}  // namespace portico::server
