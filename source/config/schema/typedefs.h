#pragma once

#include "source/config/schema/field.h"

// Kong's reusable field types (kong/db/schema/typedefs.lua) with their validators and messages.
namespace portico::config::schema::typedefs {

// A hostname or IP address without a port.
Field host();
// An integer between 0 and 65535.
Field port();
// Milliseconds, an integer between 0 and 2^31-2.
Field timeout();
// A TLS server name: a hostname, not an IP, without a port.
Field sni();
// A URL with a scheme and a host.
Field url();
// An HTTP header name made of letters, digits, '-' and '_'.
Field headerName();
// An absolute, percent-encoded URL path.
Field path();

}  // namespace portico::config::schema::typedefs
