#include "source/server/process_lock.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace portico::server {
namespace {

std::string pidPath(const std::string& prefix) { return absl::StrCat(prefix, "/pids/portico.pid"); }

absl::Status makeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(
        absl::StrCat("could not create directory ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string trimTrailingSlash(std::string prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') {
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace

absl::StatusOr<pid_t> ProcessLock::runningPid(const std::string& prefix) {
  struct stat info {};
  if (stat(prefix.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("no such prefix: ", prefix));
  }
  std::ifstream file(pidPath(trimTrailingSlash(prefix)));
  std::string text;
  pid_t pid = 0;
  if (!file || !std::getline(file, text) ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid) || pid <= 0) {
    return absl::NotFoundError(absl::StrCat("Portico is not running in ", prefix));
  }
  if (kill(pid, 0) != 0 && errno == ESRCH) {
    return absl::NotFoundError(absl::StrCat("Portico is not running in ", prefix));
  }
  return pid;
}

absl::StatusOr<ProcessLock> ProcessLock::acquire(const std::string& raw_prefix) {
  const std::string prefix = trimTrailingSlash(raw_prefix);
  for (const std::string& directory :
       {prefix, absl::StrCat(prefix, "/pids"), absl::StrCat(prefix, "/logs")}) {
    if (absl::Status status = makeDirectory(directory); !status.ok()) {
      return status;
    }
  }
  // A pid file naming this very process was left by an earlier run that died uncleanly: in a
  // restarted container the new run has the old one's pid (1) and the same prefix volume.
  if (absl::StatusOr<pid_t> running = runningPid(prefix); running.ok() && *running != getpid()) {
    return absl::AlreadyExistsError(absl::StrCat("Portico is already running in ", prefix));
  }
  return ProcessLock(pidPath(prefix));
}

absl::Status ProcessLock::writePid(pid_t pid) const {
  std::ofstream file(path_, std::ios::trunc);
  file << pid << "\n";
  if (!file) {
    return absl::PermissionDeniedError(absl::StrCat("could not write ", path_));
  }
  return absl::OkStatus();
}

}  // namespace portico::server
