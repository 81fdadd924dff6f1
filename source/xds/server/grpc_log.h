#pragma once

namespace portico::xds::server {

// Sends gRPC's own log lines (GRPC_VERBOSITY, "error" by default) to Portico's error log. gRPC
// refuses a data plane's bad certificate inside its TLS handshake, before any stream exists, and
// this line ("Handshake failed ... certificate verify failed") is the only trace of it. gRPC's
// line does not name the peer's address. Process-wide: call once at startup.
void routeGrpcLogsToErrorLog();

}  // namespace portico::xds::server
