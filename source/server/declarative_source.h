#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "portico/config/v1/declarative.pb.h"

namespace portico::server {

// A kong.yml (or .json) file, parsed and validated; on failure the status message holds Kong's
// pretty-printed errors (one per line, each with its file:line), ready for the CLI.
absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> loadDeclarativeFile(
    const std::string& path);
// The same for config text (YAML or JSON, detected as Kong does).
absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> loadDeclarativeText(
    std::string_view text, std::string_view source_name);

}  // namespace portico::server

namespace portico::server {

// The commented starter kong.yml that `portico config init` writes (parses to an empty config).
std::string starterDeclarativeConfig();

}  // namespace portico::server
