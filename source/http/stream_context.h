#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "portico/config/v1/consumer.pb.h"
#include "source/common/http/request_id.h"
#include "source/router/router.h"
#include "source/server/proxy_settings.h"
#include "source/server/snapshot.h"

namespace portico::http {

// Everything known about one request that more than one phase or filter needs. Typed on purpose:
// filters read fields, not string-keyed bags.
struct StreamContext {
  server::SnapshotConstSharedPtr snapshot;
  const server::ProxySettings* settings = nullptr;

  RequestId request_id;
  // The client's address: the peer's, or, when the peer is in trusted_ips, what it says in
  // real_ip_header (nginx's realip).
  std::string client_address;
  // The peer is a trusted proxy: its X-Forwarded-* headers are passed on unchanged.
  bool trusted_client = false;
  uint16_t listener_port = 0;
  std::string scheme = "http";
  // The TLS SNI the client sent; empty over plain HTTP or without SNI.
  std::string sni;
  std::string raw_path;    // the request-target's path, not normalised (X-Forwarded-Path)
  std::string raw_query;   // after '?', verbatim
  bool has_query = false;  // the target had a '?', even with nothing after it

  std::optional<router::RouteMatch> match;
  const server::ServiceRuntime* service = nullptr;

  // Set by authentication filters.
  const config::v1::Consumer* consumer = nullptr;
  std::string credential_identifier;  // X-Credential-Identifier (for jwt: the key)
  std::string credential_id;          // the credential entity's id (Kong's get_credential().id)

  // Milliseconds on the loop's clock.
  uint64_t start_ms = 0;
  uint64_t proxy_start_ms = 0;
  uint64_t upstream_headers_ms = 0;
  // Time a plugin spent waiting on a service it called to answer the request itself (the Lambda
  // Invoke call): Kong leaves it out of the response latency it reports.
  uint64_t excluded_latency_ms = 0;
  bool proxied = false;  // an upstream was contacted (Kong's latency headers differ)
  int upstream_status = 0;
};

}  // namespace portico::http
