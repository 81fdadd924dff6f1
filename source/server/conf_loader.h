#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "portico/config/v1/bootstrap.pb.h"

namespace portico::server {

// Reads kong.conf-style settings (`key = value`, `#` comments) into a Bootstrap. Every key may
// also come from the environment as PORTICO_<KEY> (or Kong's KONG_<KEY>, so existing deployments
// keep working); PORTICO_ wins over KONG_, and both over the file. `conf_path` may be empty.
absl::StatusOr<config::v1::Bootstrap> loadBootstrap(const std::string& conf_path,
                                                    const std::map<std::string, std::string>& env);

// The process environment as a map (for loadBootstrap).
std::map<std::string, std::string> processEnvironment();

}  // namespace portico::server
