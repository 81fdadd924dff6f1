#include "source/common/log/logger.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portico::log {
namespace {

std::atomic<int> log_fd{STDERR_FILENO};
std::atomic<int> min_level{static_cast<int>(Level::kNotice)};

std::string_view levelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kNotice:
      return "notice";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kCrit:
      return "crit";
  }
  return "notice";
}

}  // namespace

Level parseLevel(std::string_view name) {
  for (Level level :
       {Level::kDebug, Level::kInfo, Level::kNotice, Level::kWarn, Level::kError, Level::kCrit}) {
    if (levelName(level) == name) {
      return level;
    }
  }
  return Level::kNotice;
}

void configure(const std::string& target, Level level) {
  min_level.store(static_cast<int>(level));
  if (target.empty() || target == "stderr" || target == "/dev/stderr") {
    log_fd.store(STDERR_FILENO);
    return;
  }
  if (target == "stdout" || target == "/dev/stdout") {
    log_fd.store(STDOUT_FILENO);
    return;
  }
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    log_fd.store(fd);
  }
}

bool enabled(Level level) { return static_cast<int>(level) >= min_level.load(); }

void write(Level level, std::string_view message) {
  if (!enabled(level)) {
    return;
  }
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  localtime_r(&now, &parts);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y/%m/%d %H:%M:%S", &parts);
  std::string line = absl::StrFormat("%s [%s] %d#%d: ", stamp, std::string(levelName(level)),
                                     getpid(), static_cast<int>(syscall(SYS_gettid)));
  line.append(message);
  line += '\n';
  const int fd = log_fd.load();
  size_t offset = 0;
  while (offset < line.size()) {
    const ssize_t written = ::write(fd, line.data() + offset, line.size() - offset);
    if (written <= 0) {
      return;
    }
    offset += static_cast<size_t>(written);
  }
}

}  // namespace portico::log
