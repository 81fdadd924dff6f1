#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"

namespace portico::server {

// The prefix directory's pid file: one running gateway per prefix, and how `portico stop` and
// `portico reload` find it.
class ProcessLock {
 public:
  // Creates the prefix (and prefix/pids, prefix/logs); fails with Kong's wording when a live
  // process already owns it.
  static absl::StatusOr<ProcessLock> acquire(const std::string& prefix);
  // The pid of the gateway running in `prefix`; an error when none is.
  static absl::StatusOr<pid_t> runningPid(const std::string& prefix);

  absl::Status writePid(pid_t pid) const;

 private:
  explicit ProcessLock(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace portico::server
