#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace portico::file {

// The whole contents of the file at `path`. On failure the status says why in the system's
// words ("No such file or directory"), with NotFound for a missing file; callers name the file
// and what it was for.
absl::StatusOr<std::string> readFile(const std::string& path);

}  // namespace portico::file
